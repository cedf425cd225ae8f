package io.cowsql.node.engine;

/** Optional engine functions, probed by symbol (never by version number). */
public enum Capability {
  /** {@code node_set_auto_recovery} (libcowsql). */
  AUTO_RECOVERY("node_set_auto_recovery"),
  /** {@code node_set_block_size} (libcowsql). */
  BLOCK_SIZE("node_set_block_size"),
  /** {@code node_enable_role_management} (libcowsql). */
  ROLE_MANAGEMENT("node_enable_role_management"),
  /** {@code node_set_target_voters} (libcowsql). */
  TARGET_VOTERS("node_set_target_voters"),
  /** {@code node_set_target_standbys} (libcowsql). */
  TARGET_STANDBYS("node_set_target_standbys"),
  /** {@code node_handover} (libcowsql). */
  HANDOVER("node_handover");

  private final String symbol;

  Capability(String symbol) {
    this.symbol = symbol;
  }

  /** The function name without the library prefix. */
  public String symbol() {
    return symbol;
  }
}
