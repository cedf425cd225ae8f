package io.cowsql.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Liveness: after the last heal of the nemesis, some write is acknowledged within {@code bound}.
 * Also measures the longest unavailability: the longest time, between the first invocation and the
 * last completion of client operations, in which no write was acknowledged.
 */
public final class LivenessChecker implements Checker {
    public static final String NAME = "liveness";

    private final Duration bound;

    public LivenessChecker(Duration bound) {
        this.bound = bound;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Longest stretch without an acknowledged write, in nanoseconds (0 for a history without client ops). */
    public static long longestUnavailableNanos(List<Op> history) {
        long first = -1;
        long last = -1;
        long prev = -1;
        long longest = 0;
        for (Op op : history) {
            if (!op.isClient() || "final-read".equals(op.f())) {
                continue;
            }
            if (first < 0) {
                first = op.nanos();
                prev = first;
            }
            last = op.nanos();
            if (op.type() == Op.Type.OK && op.isWrite()) {
                longest = Math.max(longest, op.nanos() - prev);
                prev = op.nanos();
            }
        }
        return first < 0 ? 0 : Math.max(longest, last - prev);
    }

    /** Time from the last heal to the first acknowledged write after it, or -1 if none (or no heal). */
    public static long recoveryNanos(List<Op> history) {
        long heal = -1;
        for (Op op : history) {
            if (op.isNemesis() && "heal".equals(op.f())) {
                heal = op.nanos();
            }
        }
        if (heal < 0) {
            return -1;
        }
        for (Op op : history) {
            if (op.nanos() >= heal && op.type() == Op.Type.OK && op.isWrite()) {
                return op.nanos() - heal;
            }
        }
        return -1;
    }

    @Override
    public List<Violation> check(List<Op> history) {
        List<Violation> out = new ArrayList<>();
        boolean healed = history.stream().anyMatch(op -> op.isNemesis() && "heal".equals(op.f()));
        if (!healed) {
            return out; // no fault was healed: nothing to recover from
        }
        long r = recoveryNanos(history);
        if (r < 0) {
            out.add(new Violation(NAME, "no write was acknowledged after the last heal"));
        } else if (r > bound.toNanos()) {
            out.add(new Violation(NAME, "the first write after the last heal was acknowledged after "
                + r / 1_000_000 + " ms (bound " + bound.toMillis() + " ms)"));
        }
        return out;
    }
}
