package io.cowsql.e2e.chaos;

import java.util.List;

/** Reads a finished history (and nothing else: it does not see the faults' effects) and reports anomalies. */
public interface Checker {
    /** The name violations are counted under. */
    String name();

    List<Violation> check(List<Op> history);
}
