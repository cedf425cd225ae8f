package io.cowsql.contract;

import java.util.List;
import java.util.Locale;

/**
 * Every option of the node agent's {@code run} command: its flag, its environment variable, its
 * type, default and range, and how a change reaches a running node. The agent parses with these
 * definitions and the operator renders the node configuration from them, so neither side can
 * spell a name, a default or a range differently from the other.
 *
 * <p>A flag {@code --some-name} has the environment variable {@code COWSQL_SOME_NAME}; a flag wins
 * over the variable.
 */
public enum AgentOption {
  DIR("dir", Type.PATH, null, Apply.RESTART, "data directory (created if missing); required"),
  ADDRESS("address", Type.ADDRESS, null, Apply.POD,
      "advertised cluster address host:port (a stable DNS name in Kubernetes); required"),
  BIND("bind", Type.ADDRESS, null, Apply.POD, "address the engine listens on (default: the advertised address)"),
  JOIN("join", Type.ADDRESS_LIST, null, Apply.AT_START, "comma-separated cluster addresses to join through"),
  BOOTSTRAP("bootstrap", Type.SWITCH, "false", Apply.POD, "bootstrap a new cluster if the data dir is empty"),
  CLUSTER_ID("cluster-id", Type.TEXT, null, Apply.RESTART,
      "cluster identity recorded in the identity file; a dir of another cluster is refused"),
  FAILURE_DOMAIN("failure-domain", Type.TEXT, null, Apply.POD, "failure domain: a number, or a name (hashed to a number)"),
  FAILURE_DOMAIN_FILE("failure-domain-file", Type.PATH, null, Apply.RESTART,
      "file to wait for that holds the failure domain (a number, or key=\"value\" lines as the downward API writes them)"),
  FAILURE_DOMAIN_KEY("failure-domain-key", Type.TEXT, Annotations.FAILURE_DOMAIN, Apply.RESTART,
      "key to read from the failure-domain file"),
  FAILURE_DOMAIN_WAIT("failure-domain-wait", Type.DURATION, "60s", Apply.RESTART,
      "how long to wait for the failure-domain file"),
  BOOTSTRAP_KEY("bootstrap-key", Type.TEXT, null, Apply.RESTART,
      "key in the failure-domain file whose value \"true\" means --bootstrap (the operator's grant to ordinal 0 of a new cluster)"),
  // The largest weight is not configurable: a node answers with it while it has its former self
  // (the member still holding its address) removed, and the role policy never promotes it then.
  WEIGHT("weight", Type.INTEGER, "0", 0, Long.MAX_VALUE - 1, Apply.POD, "node weight (lower is preferred for promotion)"),
  NETWORK_LATENCY("network-latency", Type.DURATION, null, Apply.RESTART,
      "typical one-way latency, e.g. 20ms (heartbeat 1.5x, election timeout 15x; engine default: election 3s)"),
  SNAPSHOT_THRESHOLD("snapshot-threshold", Type.INTEGER, null, 1, Integer.MAX_VALUE, Apply.RESTART,
      "entries between snapshots (goes with --snapshot-trailing)"),
  SNAPSHOT_TRAILING("snapshot-trailing", Type.INTEGER, null, 4, Integer.MAX_VALUE, Apply.RESTART,
      "entries kept after a snapshot (>= 4 and >= threshold)"),
  AUTO_RECOVERY("auto-recovery", Type.BOOLEAN, null, Apply.RESTART, "true/false (libcowsql only; false is refused on libdqlite)"),
  BLOCK_SIZE("block-size", Type.INTEGER, null, 512, 256 * 1024, Apply.RESTART,
      "disk block size in bytes, a power of two (libcowsql only)"),
  VOTERS("voters", Type.INTEGER, "" + RoleTargets.DEFAULT_VOTERS, RoleTargets.MIN_VOTERS, RoleTargets.MAX_VOTERS,
      Apply.LIVE, "target number of voters (live: re-read from the pod annotation " + Annotations.VOTERS + ")"),
  STANDBYS("standbys", Type.INTEGER, "" + RoleTargets.DEFAULT_STANDBYS, RoleTargets.MIN_STANDBYS,
      RoleTargets.MAX_STANDBYS, Apply.LIVE,
      "target number of standbys (live: re-read from the pod annotation " + Annotations.STANDBYS + ")"),
  ROLES_INTERVAL("roles-interval", Type.DURATION, "3s", Apply.RESTART, "how often the leader runs the role policy"),
  ROLE_MANAGEMENT("role-management", List.of("agent", "engine"), "agent", Apply.RESTART,
      "who runs the role policy: agent (the agent's policy, spreading voters over failure domains; live targets)"
          + " or engine (libcowsql's own: faster, but it leaves voters in whatever domain they are; targets read"
          + " at start)"),
  HTTP("http", Type.ADDRESS, "0.0.0.0:8080", Apply.POD, "HTTP listen address host:port"),
  RESOLVER_FILE("resolver-file", Type.PATH, null, Apply.RESTART,
      "file mapping cluster addresses/host names to dialable addresses"),
  DATABASE("database", Type.TEXT, "demo", Apply.RESTART, "database of the key/value API (as cowsql-demo)"),
  SHUTDOWN_TIMEOUT("shutdown-timeout", Type.DURATION, "20s", Apply.RESTART, "bound on handover + stop at SIGTERM"),
  SQLITE_THREADING("sqlite-threading", List.of("single", "multi", "default"), "single", Apply.RESTART,
      "single (one node per process, as go-cowsql), multi or default (SQLite's compiled-in mode)");

  /** How a value is written. */
  public enum Type {
    TEXT, PATH, ADDRESS, ADDRESS_LIST, INTEGER, DURATION, BOOLEAN, CHOICE,
    /** A flag without a value ({@code --bootstrap}); as a variable, {@code true} or {@code false}. */
    SWITCH
  }

  /** How a change of the option reaches a running node. */
  public enum Apply {
    /** A change takes effect when the node restarts: the operator rolls the pods for it. */
    RESTART,
    /**
     * Running agents take a change: the operator also writes the value as the pod annotation {@link
     * AgentOption#annotation()}, and the agent re-reads its annotations file; the flag or variable is
     * the value until the annotation is there.
     */
    LIVE,
    /** Read when the agent starts, and only then used: a change needs no restart (the join list). */
    AT_START,
    /** Different on every pod, set in the pod's own environment, not in the shared configuration. */
    POD
  }

  private final String flag;
  private final Type type;
  private final String defaultValue;
  private final long min;
  private final long max;
  private final List<String> choices;
  private final Apply apply;
  private final String help;

  AgentOption(String flag, Type type, String defaultValue, Apply apply, String help) {
    this(flag, type, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE, List.of(), apply, help);
  }

  AgentOption(String flag, Type type, String defaultValue, long min, long max, Apply apply, String help) {
    this(flag, type, defaultValue, min, max, List.of(), apply, help);
  }

  AgentOption(String flag, List<String> choices, String defaultValue, Apply apply, String help) {
    this(flag, Type.CHOICE, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE, choices, apply, help);
  }

  private AgentOption(String flag, Type type, String defaultValue, long min, long max, List<String> choices,
      Apply apply, String help) {
    this.flag = flag;
    this.type = type;
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
    this.choices = choices;
    this.apply = apply;
    this.help = help;
  }

  /** The values of a {@link Type#CHOICE} option; empty for other types. */
  public List<String> choices() {
    return choices;
  }

  /** The flag without its dashes, {@code shutdown-timeout}. */
  public String flag() {
    return flag;
  }

  /** The environment variable, {@code COWSQL_SHUTDOWN_TIMEOUT}. */
  public String env() {
    return AgentEnvironment.variableFor(flag);
  }

  public Type type() {
    return type;
  }

  /** The value used when the option is not given, as text in the option's own grammar; null when none. */
  public String defaultValue() {
    return defaultValue;
  }

  public Apply apply() {
    return apply;
  }

  public String help() {
    return help;
  }

  /** The smallest value of an {@link Type#INTEGER} option. */
  public long min() {
    return min;
  }

  /** The largest value of an {@link Type#INTEGER} option. */
  public long max() {
    return max;
  }

  /** The pod annotation that carries a {@link Apply#LIVE} option's value; null for the others. */
  public String annotation() {
    return switch (this) {
      case VOTERS -> Annotations.VOTERS;
      case STANDBYS -> Annotations.STANDBYS;
      default -> null;
    };
  }

  /** The option whose flag is {@code flag}, or null. */
  public static AgentOption byFlag(String flag) {
    for (AgentOption o : values()) {
      if (o.flag.equals(flag)) {
        return o;
      }
    }
    return null;
  }

  /** The option whose environment variable is {@code env}, or null. */
  public static AgentOption byEnv(String env) {
    for (AgentOption o : values()) {
      if (o.env().equals(env)) {
        return o;
      }
    }
    return null;
  }

  /**
   * Checks {@code text} against the option's type and range, as the agent does, for the types
   * that need nothing beyond this contract (addresses and paths are checked by the agent).
   *
   * @throws IllegalArgumentException naming the flag, the value and what is expected
   */
  public void check(String text) {
    switch (type) {
      case INTEGER -> integer(text);
      case DURATION -> duration(text);
      case BOOLEAN, SWITCH -> bool(text);
      case CHOICE -> choice(text);
      case TEXT -> {
        if (text == null || text.isBlank()) {
          throw new IllegalArgumentException("--" + flag + " must not be empty");
        }
      }
      default -> {
        // PATH, ADDRESS, ADDRESS_LIST: the agent checks them with its own address rules.
      }
    }
  }

  /** An {@link Type#INTEGER} value within the option's range. */
  public long integer(String text) {
    long n;
    try {
      n = Long.parseLong(text.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException("--" + flag + " must be a whole number, got '" + text + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("--" + flag + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  /** A {@link Type#DURATION} value, in {@link DurationFormat}'s grammar. */
  public java.time.Duration duration(String text) {
    try {
      return DurationFormat.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + flag + ": " + e.getMessage());
    }
  }

  /** A {@link Type#BOOLEAN} or {@link Type#SWITCH} value: {@code true}/{@code 1}/{@code yes} or {@code false}/{@code 0}/{@code no}. */
  public boolean bool(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("--" + flag + " must be true or false, got '" + text + "'");
    };
  }

  /** A {@link Type#CHOICE} value, lower-cased. */
  public String choice(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (!choices.contains(t)) {
      throw new IllegalArgumentException(
          "--" + flag + " must be one of " + String.join(", ", choices) + ", got '" + text + "'");
    }
    return t;
  }
}
