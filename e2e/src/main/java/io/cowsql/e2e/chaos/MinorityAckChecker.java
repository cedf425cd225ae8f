package io.cowsql.e2e.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * While a partition splits the voters, writes are acknowledged only from the side that holds a
 * majority: a write invoked and acknowledged while one network state was in force (after a nemesis
 * step completed, before the next one was invoked) must have been acknowledged by a member that
 * reaches a majority of the voters directly, or that reaches (directly) a member that does. Raft
 * commits an entry only once the leader has it from a majority of voters, and the leader hears each
 * of them directly; an agent forwarding a key/value write to the leader needs to reach the leader.
 *
 * <p>It reads only the history: the nemesis's completions carry the network from then on
 * ({@link Op#reach}), acknowledged writes carry the member that acknowledged them ({@link Op#node}).
 * A write whose invocation or acknowledgement falls outside one network state (it started before the
 * partition was in force, or was acknowledged after the heal was invoked) is not judged: it may
 * have committed before the cut or after the heal. When two members that cannot reach each other
 * both acknowledged writes in the same interval, the violation says so: that is two sides serving,
 * of which at most one could hold a majority.
 */
public final class MinorityAckChecker implements Checker {
    public static final String NAME = "minority-ack";

    @Override
    public String name() {
        return NAME;
    }

    /** An acknowledged write that was invoked and acknowledged within one network state. */
    private record Ack(Op write, int state) {
    }

    @Override
    public List<Violation> check(List<Op> history) {
        List<Map<String, List<String>>> states = new ArrayList<>(); // index: network state, null while in transition
        List<Op> stateEvents = new ArrayList<>();
        states.add(null);
        stateEvents.add(null);
        Map<Integer, Integer> stateAtInvoke = new HashMap<>();
        List<Ack> acks = new ArrayList<>();
        for (Op op : history) {
            if (op.isNemesis()) {
                states.add(op.type() == Op.Type.OK ? op.reach() : null);
                stateEvents.add(op);
                continue;
            }
            int now = states.size() - 1;
            if (op.type() == Op.Type.INVOKE) {
                if (op.isWrite()) {
                    stateAtInvoke.put(op.process(), now);
                }
                continue;
            }
            Integer at = stateAtInvoke.remove(op.process());
            if (op.type() == Op.Type.OK && op.isWrite() && op.node() != null && at != null && at == now
                && states.get(now) != null) {
                acks.add(new Ack(op, now));
            }
        }
        Map<Integer, Map<String, Op>> ackersByState = new LinkedHashMap<>();
        for (Ack a : acks) {
            ackersByState.computeIfAbsent(a.state(), k -> new LinkedHashMap<>()).putIfAbsent(a.write().node(), a.write());
        }
        List<Violation> out = new ArrayList<>();
        for (Ack a : acks) {
            Map<String, List<String>> reach = states.get(a.state());
            Op w = a.write();
            String m = w.node();
            Op event = stateEvents.get(a.state());
            String where = "while the network of op " + event.index() + " was in force ("
                + (event.detail() == null ? event.f() : event.detail()) + ")";
            if (!reach.containsKey(m)) {
                out.add(new Violation(NAME, "key " + w.key() + ": write of " + w.element() + " (op " + w.index()
                    + ") acknowledged by " + m + ", which is not one of the voters " + reach.keySet() + ", " + where));
                continue;
            }
            if (mayAcknowledge(reach, m)) {
                continue;
            }
            String other = "";
            for (var e : ackersByState.get(a.state()).entrySet()) {
                if (!reach.get(m).contains(e.getKey())) {
                    other = "; " + e.getKey() + ", on another side, acknowledged op " + e.getValue().index()
                        + " in the same interval: two sides served";
                    break;
                }
            }
            out.add(new Violation(NAME, "key " + w.key() + ": write of " + w.element() + " (op " + w.index()
                + ") acknowledged by " + m + " " + where + ": " + m + " reached " + reach.get(m)
                + ", and neither it nor any of those reached a majority of the " + reach.size() + " voters" + other));
        }
        return out;
    }

    /** Whether {@code member}, or a member it reaches, reaches a majority of the voters. */
    static boolean mayAcknowledge(Map<String, List<String>> reach, String member) {
        int majority = reach.size() / 2 + 1;
        for (String via : reach.get(member)) {
            List<String> r = reach.get(via);
            if (r != null && r.size() >= majority) {
                return true;
            }
        }
        return false;
    }
}
