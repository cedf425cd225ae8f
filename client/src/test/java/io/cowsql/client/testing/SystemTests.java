package io.cowsql.client.testing;

import org.junit.jupiter.api.Assumptions;

/** The system tier runs real processes; {@code -DskipSystemTests=true} turns it off for a quick unit run. */
public final class SystemTests {
    private SystemTests() {
    }

    public static void assumeEnabled() {
        Assumptions.assumeFalse(Boolean.getBoolean("skipSystemTests"), "system tests disabled by -DskipSystemTests=true");
    }
}
