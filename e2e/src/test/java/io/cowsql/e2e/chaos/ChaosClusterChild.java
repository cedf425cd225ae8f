package io.cowsql.e2e.chaos;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link TeardownSystemTest}: one run of the {@code split} scenario with one
 * fault, on the first seed whose partition holds at least 6 s (time for the test to see it in force
 * and kill this JVM), keeping its history in {@code args[0]}. Prints {@code SEED <seed>} first.
 */
public final class ChaosClusterChild {
    static final long MIN_HOLD_MILLIS = 6_000;

    public static void main(String[] args) {
        long seed = 0;
        while (Scenario.SPLIT.schedule(seed, 1).steps().get(0).hold().toMillis() < MIN_HOLD_MILLIS) {
            seed++;
        }
        System.out.println("SEED " + seed);
        System.out.flush();
        ChaosRun.run(ChaosRun.Config.defaults(Scenario.SPLIT, seed, Path.of(args[0]), System.getProperty("java.class.path"))
            .withFaults(1).withKeep(true));
    }
}
