package io.cowsql.e2e.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * While a partition splits the voters, writes are acknowledged only from the side that holds a
 * majority: a write invoked and acknowledged while one network state was in force (after a nemesis
 * step completed, before the next one was invoked) must have been acknowledged by a member that is a
 * voter reaching a majority of the voters directly, or that reaches (directly) such a voter. Raft
 * commits an entry only once the leader, a voter, has it from a majority of voters, and the leader
 * hears each of them directly; an agent forwarding a key/value write to the leader needs to reach the leader.
 *
 * <p>It reads only the history: the nemesis's completions carry the network from then on
 * ({@link Op#reach}, every member), acknowledged writes carry the member that acknowledged them
 * ({@link Op#node}), and the membership observer's completions carry the voters ({@link Op#voters}). A
 * write is judged against every voter set that may have been in force while it ran: from the last look
 * completed before its invocation to the first look begun after its acknowledgement (a change between two
 * looks may have come at any moment between them; single-member changes keep the majorities of the sets
 * before and after overlapping, so a write that reaches a majority of either may have committed). It is a
 * violation only when the acknowledging side reaches a majority of none of them. A write without looks on both
 * sides of it is not judged; a history without any look (one recorded before the observer existed) takes
 * every member of the reach as a voter.
 *
 * <p>A write whose invocation or acknowledgement falls outside one network state (it started before the
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

    /** An acknowledged write that was invoked (at {@code invoked}) and acknowledged within one network state. */
    private record Ack(Op write, long invoked, int state) {
    }

    /** A look of the observer: begun at {@code start}, completed by {@code done}. */
    private record Look(long start, Op done) {
    }

    @Override
    public List<Violation> check(List<Op> history) {
        List<Map<String, List<String>>> states = new ArrayList<>(); // index: network state, null while in transition
        List<Op> stateEvents = new ArrayList<>();
        states.add(null);
        stateEvents.add(null);
        Map<Integer, Op> invocations = new HashMap<>();
        Map<Integer, Integer> stateAtInvoke = new HashMap<>();
        List<Ack> acks = new ArrayList<>();
        List<Look> looks = new ArrayList<>();
        Long lookStart = null;
        for (Op op : history) {
            if (op.isNemesis()) {
                states.add(op.type() == Op.Type.OK ? op.reach() : null);
                stateEvents.add(op);
                continue;
            }
            if (op.isObserver()) {
                if (op.type() == Op.Type.INVOKE) {
                    lookStart = op.nanos();
                } else if (op.type() == Op.Type.OK && op.voters() != null && lookStart != null) {
                    looks.add(new Look(lookStart, op));
                }
                continue;
            }
            int now = states.size() - 1;
            if (op.type() == Op.Type.INVOKE) {
                if (op.isWrite()) {
                    stateAtInvoke.put(op.process(), now);
                    invocations.put(op.process(), op);
                }
                continue;
            }
            Integer at = stateAtInvoke.remove(op.process());
            Op inv = invocations.remove(op.process());
            if (op.type() == Op.Type.OK && op.isWrite() && op.node() != null && at != null && at == now
                && states.get(now) != null) {
                acks.add(new Ack(op, inv.nanos(), now));
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
                    + ") acknowledged by " + m + ", which is not one of the members " + reach.keySet() + ", " + where));
                continue;
            }
            Set<List<String>> voterSets;
            String votersSeen;
            if (looks.isEmpty()) {
                voterSets = Set.of(List.copyOf(reach.keySet()));
                votersSeen = "every member taken as a voter (no look at the configuration recorded)";
            } else {
                List<Look> during = possibleConfigurations(looks, a.invoked(), w.nanos());
                if (during.isEmpty()) {
                    continue; // no look before its invocation or none after its acknowledgement: not judged
                }
                voterSets = new LinkedHashSet<>();
                for (Look l : during) {
                    voterSets.add(l.done().voters());
                }
                votersSeen = "voters " + String.join(" or ", voterSets.stream().map(Object::toString).toList())
                    + " (looks op " + during.get(0).done().index() + " to op " + during.get(during.size() - 1).done().index() + ")";
            }
            if (voterSets.stream().anyMatch(v -> mayAcknowledge(reach, v, m))) {
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
                + ", and neither it nor any of those is a voter reaching a majority of the voters; " + votersSeen + other));
        }
        return out;
    }

    /**
     * The looks whose configuration may have been in force at some moment of {@code [from, to]}: from the last
     * look completed by {@code from} to the first look begun at or after {@code to}; empty when either is missing.
     */
    private static List<Look> possibleConfigurations(List<Look> looks, long from, long to) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < looks.size(); i++) {
            if (looks.get(i).done().nanos() <= from) {
                first = i;
            }
            if (last < 0 && looks.get(i).start() >= to) {
                last = i;
            }
        }
        return first < 0 || last < 0 ? List.of() : looks.subList(first, last + 1);
    }

    /** Whether {@code member}, or a member it reaches, is a voter that reaches a majority of {@code voters}. */
    static boolean mayAcknowledge(Map<String, List<String>> reach, List<String> voters, String member) {
        int majority = voters.size() / 2 + 1;
        for (String via : reach.get(member)) {
            List<String> r = reach.get(via);
            if (r == null || !voters.contains(via)) {
                continue;
            }
            long reached = voters.stream().filter(r::contains).count();
            if (reached >= majority) {
                return true;
            }
        }
        return false;
    }
}
