package io.cowsql.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random sequence of faults and heals: for each step, a quiet time, a fault from the
 * scenario's pool with its random pick, and how long it holds (random, around the engine's election
 * timeout: from shorter to longer). The same seed gives the same schedule, so a failing run replays
 * with {@code --seed}.
 */
public record Schedule(long seed, List<Step> steps) {
    /** One fault: wait {@code quiet}, apply {@code fault} (node {@code pick}), hold it {@code hold}, heal. */
    public record Step(Duration quiet, Fault fault, int pick, Duration hold) {
        @Override
        public String toString() {
            return "after " + quiet.toMillis() + " ms " + fault + "(pick n" + (pick + 1) + ") for " + hold.toMillis() + " ms";
        }
    }

    public Schedule {
        steps = List.copyOf(steps);
    }

    /**
     * {@code faults} steps drawn from {@code pool}; each hold is {@code minHold..maxHold} times the
     * election timeout, each quiet time 0.3..1 times it.
     */
    public static Schedule random(long seed, List<Fault> pool, int faults, double minHold, double maxHold,
                                  Duration electionTimeout, int nodes) {
        // SplittableRandom mixes the seed: neighbouring seeds (run 1, 2, ...) give unrelated schedules.
        SplittableRandom r = new SplittableRandom(seed);
        List<Step> steps = new ArrayList<>();
        long et = electionTimeout.toMillis();
        for (int i = 0; i < faults; i++) {
            Duration quiet = Duration.ofMillis((long) (et * (0.3 + 0.7 * r.nextDouble())));
            Fault f = pool.get(r.nextInt(pool.size()));
            int pick = r.nextInt(nodes);
            Duration hold = Duration.ofMillis((long) (et * (minHold + (maxHold - minHold) * r.nextDouble())));
            steps.add(new Step(quiet, f, pick, hold));
        }
        return new Schedule(seed, steps);
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + steps;
    }
}
