package io.cowsql.e2e.chaos;

import io.cowsql.e2e.testbed.NetworkPartitions.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The nemesis's faults on a {@link LocalCluster}: each is applied at once and returns how to heal it.
 * Targets that depend on the cluster's state (the leader) are resolved when the fault is applied;
 * the random choice ({@code pick}, a node index) is drawn in advance by the seeded {@link Schedule}.
 */
public enum Fault {
    /** SIGKILL the leader's process; heal: start it again on its data. */
    KILL_LEADER("kill") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            c.kill(t.node());
            return new Applied("SIGKILL " + c.node(t.node()) + t.why(), () -> c.restart(t.node()));
        }
    },
    /** SIGKILL any node. */
    KILL_ANY("kill") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            int n = pick;
            c.kill(n);
            return new Applied("SIGKILL " + c.node(n), () -> c.restart(n));
        }
    },
    /**
     * SIGKILL a follower and empty its data dir; heal: start it again empty, at its old address. The agent
     * then joins as a new node (a new id), removing its former self through the leader once a majority
     * of the voters answers, and the role policy promotes it.
     */
    WIPE_FOLLOWER("wipe") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            // Only on a cluster back to three voters: wiping a second node while the first wiped one is still a
            // spare loses two of three copies, a quorum the cluster never gets back (not a single fault).
            c.awaitHealthy(WIPE_AFTER_RECOVERY);
            int l = c.leader();
            // pick is 0..2: with a leader, the (pick % 2 + 1)-th node after it; without one, pick itself.
            int n = l < 0 ? pick : (l + 1 + pick % 2) % c.size();
            c.kill(n);
            c.wipe(n);
            return new Applied("SIGKILL " + c.node(n) + (l < 0 ? " (no leader found: a random node)" : " (a follower)")
                + ", data dir emptied", () -> c.restart(n));
        }
    },
    /** SIGSTOP the leader's process group; heal: SIGCONT (it comes back believing it leads). */
    PAUSE_LEADER("pause") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            c.pause(t.node());
            return new Applied("SIGSTOP " + c.node(t.node()) + t.why(), () -> c.resume(t.node()));
        }
    },
    /** SIGSTOP any node. */
    PAUSE_ANY("pause") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            int n = pick;
            c.pause(n);
            return new Applied("SIGSTOP " + c.node(n), () -> c.resume(n));
        }
    },
    /** The leader alone on the minority side, with client endpoint 1; the other nodes with client endpoint 2. */
    ISOLATE_LEADER("partition") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            Applied a = split(c, t.node(), true);
            return new Applied(a.detail() + t.why(), a.heal());
        }
    },
    /** A random node alone with client endpoint 1, the majority with client endpoint 2. */
    SPLIT_MINORITY("partition") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            return split(c, pick, true);
        }
    },
    /** One node cut off from the other nodes only (every client still reaches every node). */
    ISOLATE_NODE("partition") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            return split(c, pick, false);
        }
    },
    /** A bridge: two nodes cannot reach each other, the third reaches both. */
    BRIDGE("partition") {
        @Override
        Applied apply(LocalCluster c, int pick) {
            int bridge = pick;
            List<Integer> ends = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                if (i != bridge) {
                    ends.add(i);
                }
            }
            Endpoint a = c.node(ends.get(0));
            Endpoint b = c.node(ends.get(1));
            c.partitions().cut(a, b);
            c.partitions().cut(a, c.client(1));
            c.partitions().cut(b, c.client(0));
            return new Applied("bridge " + c.node(bridge) + ": {" + a + " c1} x {" + b + " c2}",
                () -> c.partitions().heal());
        }
    };

    /** How long a wipe waits for the cluster to be back to three ready voters first. */
    static final java.time.Duration WIPE_AFTER_RECOVERY = java.time.Duration.ofSeconds(60);

    /** A fault in force, and how to end it. */
    record Applied(String detail, Runnable heal) {
    }

    private final String kind;

    Fault(String kind) {
        this.kind = kind;
    }

    /** What the history calls it (kill, pause, partition). */
    public String kind() {
        return kind;
    }

    abstract Applied apply(LocalCluster c, int pick);

    private static Applied split(LocalCluster c, int minority, boolean withClients) {
        List<Endpoint> small = new ArrayList<>(List.of(c.node(minority)));
        List<Endpoint> big = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (i != minority) {
                big.add(c.node(i));
            }
        }
        if (withClients) {
            small.add(c.client(0));
            big.add(c.client(1));
        }
        c.partitions().partition(List.of(Set.copyOf(small), Set.copyOf(big)));
        return new Applied("partition " + small + " | " + big, () -> c.partitions().heal());
    }

    /** The node a fault hits, and why that one. */
    private record Target(int node, String why) {
    }

    private static Target leaderOrAny(LocalCluster c, int pick) {
        int l = c.leader();
        return l >= 0 ? new Target(l, " (the leader)") : new Target(pick, " (no leader found: a random node)");
    }
}
