package io.cowsql.node.agent;

import org.junit.jupiter.api.Assumptions;

/** The tests that start agent processes; {@code -DskipSystemTests=true} turns them off for a quick unit run. */
final class SystemTier {
  private SystemTier() {}

  static void assumeEnabled() {
    Assumptions.assumeFalse(Boolean.getBoolean("skipSystemTests"), "system tests disabled by -DskipSystemTests=true");
  }
}
