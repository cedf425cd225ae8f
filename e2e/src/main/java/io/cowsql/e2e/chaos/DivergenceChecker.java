package io.cowsql.e2e.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * No divergence and no duplicates:
 * <ul>
 *   <li>no read (of a list or a set, including the final read) holds an element twice: each element
 *       is written by one attempt only, so a second copy means a write was applied twice;</li>
 *   <li>for every list key, each acknowledged read is a prefix of the final list (or, without a final
 *       read, of the longest read): two reads that are not prefixes of one another saw two different
 *       orders, i.e. two histories, which is what split brain looks like;</li>
 *   <li>an acknowledged append transaction read its own element (the read ran after its append).</li>
 * </ul>
 * A key is a list when it was written by {@code append}; the order of set reads is not checked.
 */
public final class DivergenceChecker implements Checker {
    public static final String NAME = "divergence";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Violation> check(List<Op> history) {
        List<Violation> out = new ArrayList<>();
        Set<String> lists = new HashSet<>();
        Map<String, List<Op>> reads = new LinkedHashMap<>();
        for (Op op : history) {
            if ("append".equals(op.f())) {
                lists.add(op.key());
            }
            if (op.type() == Op.Type.OK && op.read() != null && op.isClient() && !"get".equals(op.f())) {
                reads.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        for (var e : reads.entrySet()) {
            String key = e.getKey();
            for (Op r : e.getValue()) {
                Set<Long> seen = new HashSet<>();
                for (Long v : r.read()) {
                    if (!seen.add(v)) {
                        out.add(new Violation(NAME, "key " + key + ": duplicate " + v + " in the read of op " + r.index()));
                    }
                }
                if ("append".equals(r.f()) && !r.read().contains(r.element())) {
                    out.add(new Violation(NAME, "key " + key + ": append of " + r.element() + " (op " + r.index()
                        + ") did not read its own element: " + r.read()));
                }
            }
            if (!lists.contains(key)) {
                continue;
            }
            Op reference = null;
            for (Op r : e.getValue()) {
                if ("final-read".equals(r.f())) {
                    reference = r;
                }
            }
            if (reference == null) {
                for (Op r : e.getValue()) {
                    if (reference == null || r.read().size() > reference.read().size()) {
                        reference = r;
                    }
                }
            }
            for (Op r : e.getValue()) {
                if (r != reference && !isPrefix(r.read(), reference.read())) {
                    out.add(new Violation(NAME, "key " + key + ": the read of op " + r.index() + " " + r.read()
                        + " is not a prefix of op " + reference.index() + "'s " + reference.read()));
                }
            }
        }
        return out;
    }

    static boolean isPrefix(List<Long> a, List<Long> b) {
        return a.size() <= b.size() && b.subList(0, a.size()).equals(a);
    }
}
