package io.cowsql.e2e.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * No lost writes: against the final read of each key (taken after healing and waiting for the
 * cluster), every acknowledged write is present, every definitely failed write is absent, and nothing
 * is present that no one tried to write. Writes of unknown outcome may be either. A key that was
 * written but has no final read is a violation too: the run could not be checked. A {@code get} that
 * answers a value must answer the element written under that key (each key is written once).
 */
public final class LostWritesChecker implements Checker {
    public static final String NAME = "lost-writes";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Violation> check(List<Op> history) {
        List<Violation> out = new ArrayList<>();
        Map<String, Op> finals = Writes.finalReads(history);
        for (var e : Writes.attemptsByKey(history).entrySet()) {
            String key = e.getKey();
            Op fin = finals.get(key);
            if (fin == null) {
                out.add(new Violation(NAME, "key " + key + ": " + e.getValue().size() + " writes but no final read"));
                continue;
            }
            Set<Long> present = new HashSet<>(fin.read());
            Set<Long> attempted = new HashSet<>();
            for (Writes.Attempt a : e.getValue()) {
                attempted.add(a.element());
                boolean there = present.contains(a.element());
                if (a.outcome() == Op.Type.OK && !there) {
                    out.add(new Violation(NAME, "key " + key + ": acknowledged write of " + a.element()
                        + " (op " + a.completion().index() + ") is missing from the final read (op " + fin.index() + ")"));
                } else if (a.outcome() == Op.Type.FAIL && there) {
                    out.add(new Violation(NAME, "key " + key + ": write of " + a.element() + " failed definitely (op "
                        + a.completion().index() + ": " + a.completion().error() + ") but is in the final read (op "
                        + fin.index() + ")"));
                }
            }
            for (Long v : present) {
                if (!attempted.contains(v)) {
                    out.add(new Violation(NAME, "key " + key + ": final read (op " + fin.index() + ") holds " + v
                        + ", which no one wrote"));
                }
            }
        }
        for (Op op : history) {
            if (op.type() == Op.Type.OK && "get".equals(op.f()) && op.read() != null && !op.read().isEmpty()
                && !op.read().equals(java.util.List.of(op.element()))) {
                out.add(new Violation(NAME, "key " + op.key() + ": get of " + op.element() + " (op " + op.index()
                    + ") answered " + op.read()));
            }
        }
        return out;
    }
}
