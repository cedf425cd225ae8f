package io.cowsql.e2e.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the checkers concluded about one history, with the counts the run table shows.
 *
 * @param operations          completed client operations (final reads excluded)
 * @param ok                  of those, acknowledged
 * @param failed              definitely failed
 * @param unknown             outcome unknown (info), counting operations the history ends before
 * @param longestUnavailableMillis the longest stretch without an acknowledged write
 * @param recoveryMillis      from the last heal to the next acknowledged write (-1: none, or no heal)
 */
public record Verdict(List<Violation> violations, long operations, long ok, long failed, long unknown,
                      long longestUnavailableMillis, long recoveryMillis) {
    public Verdict {
        violations = List.copyOf(violations);
    }

    /**
     * The checkers every run uses: lost writes, divergence/duplicates, acknowledgements only from a
     * majority's side, liveness within {@code liveBound}.
     */
    public static List<Checker> checkers(Duration liveBound) {
        return List.of(new LostWritesChecker(), new DivergenceChecker(), new MinorityAckChecker(),
            new LivenessChecker(liveBound));
    }

    public static Verdict of(List<Op> history, List<Checker> checkers) {
        List<Violation> v = new ArrayList<>();
        for (Checker c : checkers) {
            v.addAll(c.check(history));
        }
        long invoked = 0;
        long ok = 0;
        long failed = 0;
        long info = 0;
        for (Op op : history) {
            if (!op.isClient() || "final-read".equals(op.f())) {
                continue;
            }
            switch (op.type()) {
                case INVOKE -> invoked++;
                case OK -> ok++;
                case FAIL -> failed++;
                case INFO -> info++;
            }
        }
        long pending = invoked - ok - failed - info;
        return new Verdict(v, invoked, ok, failed, info + pending,
            LivenessChecker.longestUnavailableNanos(history) / 1_000_000,
            LivenessChecker.recoveryNanos(history) / 1_000_000);
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    /** Violations of one checker. */
    public long count(String checker) {
        return violations.stream().filter(x -> x.checker().equals(checker)).count();
    }
}
