package io.cowsql.e2e.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The write attempts and final reads of a history, grouped by key: what the checkers share. */
final class Writes {
    /** A write attempt: its invocation and its completion (null when the history ends before it). */
    record Attempt(Op invoke, Op completion) {
        Op.Type outcome() {
            return completion == null ? Op.Type.INFO : completion.type();
        }

        long element() {
            return invoke.element();
        }
    }

    private Writes() {}

    /** Write attempts per key, in invocation order; completions are matched to their process's open invocation. */
    static Map<String, List<Attempt>> attemptsByKey(List<Op> history) {
        Map<String, List<Attempt>> byKey = new LinkedHashMap<>();
        Map<Integer, Op> open = new LinkedHashMap<>();
        Map<Op, Op> completionOf = new LinkedHashMap<>();
        List<Op> invokes = new ArrayList<>();
        for (Op op : history) {
            if (!op.isClient()) {
                continue;
            }
            if (op.type() == Op.Type.INVOKE) {
                open.put(op.process(), op);
                if (op.isWrite()) {
                    invokes.add(op);
                }
            } else {
                Op inv = open.remove(op.process());
                if (inv != null) {
                    completionOf.put(inv, op);
                }
            }
        }
        for (Op inv : invokes) {
            byKey.computeIfAbsent(inv.key(), k -> new ArrayList<>()).add(new Attempt(inv, completionOf.get(inv)));
        }
        return byKey;
    }

    /** The last final read of each key (ok completions of {@code final-read}). */
    static Map<String, Op> finalReads(List<Op> history) {
        Map<String, Op> out = new LinkedHashMap<>();
        for (Op op : history) {
            if (op.type() == Op.Type.OK && "final-read".equals(op.f()) && op.read() != null) {
                out.put(op.key(), op);
            }
        }
        return out;
    }
}
