package io.cowsql.e2e.chaos;

import io.cowsql.e2e.testbed.NetworkPartitions.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The nemesis's faults on a {@link ChaosCluster}: each is applied at once and returns how to heal it.
 * Targets that depend on the cluster's state (the leader) are resolved when the fault is applied;
 * the random choice ({@code pick}, a node index) is drawn in advance by the seeded {@link Schedule}.
 */
public enum Fault {
    /** SIGKILL the leader's process; heal: start it again on its data. */
    KILL_LEADER("kill") {
        @Override
        Applied onLocal(LocalCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            c.kill(t.node());
            return new Applied("SIGKILL " + c.node(t.node()) + t.why(), () -> c.restart(t.node()));
        }
    },
    /** SIGKILL any node. */
    KILL_ANY("kill") {
        @Override
        Applied onLocal(LocalCluster c, int pick) {
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
        Applied onLocal(LocalCluster c, int pick) {
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
        Applied onLocal(LocalCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            c.pause(t.node());
            return new Applied("SIGSTOP " + c.node(t.node()) + t.why(), () -> c.resume(t.node()));
        }
    },
    /** SIGSTOP any node. */
    PAUSE_ANY("pause") {
        @Override
        Applied onLocal(LocalCluster c, int pick) {
            int n = pick;
            c.pause(n);
            return new Applied("SIGSTOP " + c.node(n), () -> c.resume(n));
        }
    },
    /** The leader alone on the minority side, with client endpoint 1; the other nodes with client endpoint 2. */
    ISOLATE_LEADER("partition") {
        @Override
        Applied apply(ChaosCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            Applied a = split(c, t.node(), true);
            return new Applied(a.detail() + t.why(), a.heal());
        }
    },
    /**
     * The leader cut off from the other members only: every client still reaches every member (on the testbed:
     * the leader pod from the other pods, by their group ids; the host, the kubelet's probes and the API server
     * still reach it). The old leader keeps answering its clients until it notices it lost the majority.
     */
    ISOLATE_LEADER_FROM_PEERS("partition") {
        @Override
        Applied apply(ChaosCluster c, int pick) {
            Target t = leaderOrAny(c, pick);
            Applied a = split(c, t.node(), false);
            return new Applied(a.detail() + t.why(), a.heal());
        }
    },
    /** A random node alone with client endpoint 1, the majority with client endpoint 2. */
    SPLIT_MINORITY("partition") {
        @Override
        Applied apply(ChaosCluster c, int pick) {
            return split(c, pick, true);
        }
    },
    /** One node cut off from the other nodes only (every client still reaches every node). */
    ISOLATE_NODE("partition") {
        @Override
        Applied apply(ChaosCluster c, int pick) {
            return split(c, pick, false);
        }
    },
    /** A bridge: two nodes cannot reach each other, the third reaches both. */
    BRIDGE("partition") {
        @Override
        Applied apply(ChaosCluster c, int pick) {
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
    },
    /**
     * A member's Node goes NotReady: its kubelet is cut off from the API server (Ready=False, no heartbeats, no
     * pod status), the pod's processes keep running; heal: the Node is Ready again.
     */
    NODE_NOT_READY("node", false) {
        @Override
        Applied onTestbed(TestbedCluster c, int pick) {
            int n = pick % c.size();
            String node = c.nodeOf(n);
            c.setNodeReady(node, false);
            return new Applied("Node " + node + " of " + c.node(n) + " NotReady", () -> c.setNodeReady(node, true));
        }
    },
    /**
     * Scale 3 -> 5 and SIGKILL the operator once it has begun (the StatefulSet asks for more pods); the kubelet
     * starts it again (restartPolicy Always). Heal: the operator's container runs again. The run then waits
     * for the scale-up to finish. When the cluster already has 5 members, only the kill.
     */
    OPERATOR_KILL_SCALE_UP("kill", false) {
        @Override
        Applied onTestbed(TestbedCluster c, int pick) {
            String during = c.scaleUpTo(TestbedCluster.SCALED_MEMBERS);
            int restarts = c.killOperator();
            return new Applied("SIGKILL the operator " + during, () -> c.awaitOperatorRestarted(restarts));
        }
    },
    /**
     * A member's Node object deleted (its Lease too) while the pod's processes keep running, as when someone
     * deletes the Node of a machine that is still up; the pod controller's garbage collection may then delete
     * the pod (bound to a Node that does not exist), which stops it and leaves its successor Pending on its
     * local volume. Heal: the kubelet registers the Node again, with its zone.
     */
    NODE_REMOVED("node", false) {
        @Override
        Applied onTestbed(TestbedCluster c, int pick) {
            int n = pick % c.size();
            String node = c.nodeOf(n);
            c.deleteNode(node);
            return new Applied("Node " + node + " of " + c.node(n) + " deleted, its pod running", () -> c.registerNode(node));
        }
    },
    /** A member's pod cut off from the API server only (it still reaches every member, and every client it). */
    ISOLATE_MEMBER_FROM_API_SERVER("partition", false) {
        @Override
        Applied onTestbed(TestbedCluster c, int pick) {
            int n = pick % c.size();
            c.partitions().cut(c.node(n), c.apiServer());
            return new Applied(c.node(n) + " (pod " + TestbedCluster.pod(n) + ") cut from the API server",
                () -> c.partitions().heal());
        }
    },
    /** The operator's pod cut off from the API server only (it still reaches the members). */
    ISOLATE_OPERATOR_FROM_API_SERVER("partition", false) {
        @Override
        Applied onTestbed(TestbedCluster c, int pick) {
            c.partitions().cut(c.operator(), c.apiServer());
            return new Applied("the operator cut from the API server", () -> c.partitions().heal());
        }
    };

    /** How long a wipe waits for the cluster to be back to three ready voters first. */
    static final java.time.Duration WIPE_AFTER_RECOVERY = java.time.Duration.ofSeconds(60);

    /** A fault in force, and how to end it. */
    record Applied(String detail, Runnable heal) {
    }

    private final String kind;
    /** Whether the fault acts on a {@link LocalCluster}'s processes (else on the testbed's). */
    private final boolean local;

    Fault(String kind) {
        this(kind, true);
    }

    Fault(String kind, boolean local) {
        this.kind = kind;
        this.local = local;
    }

    /** Whether the fault runs on a {@link LocalCluster} (the testbed's faults need a {@link TestbedCluster}). */
    public boolean runsOnLocalCluster() {
        return local;
    }

    /** What the history calls it (kill, pause, partition, node). */
    public String kind() {
        return kind;
    }

    /**
     * Applies the fault to {@code c}. Partitions work on any cluster; kill, pause and wipe are the
     * harness's own processes' ({@link LocalCluster}); Node, operator and API-server faults need the
     * testbed ({@link TestbedCluster}).
     */
    Applied apply(ChaosCluster c, int pick) {
        if (c instanceof LocalCluster l && local) {
            return onLocal(l, pick);
        }
        if (c instanceof TestbedCluster t && !local) {
            return onTestbed(t, pick);
        }
        throw new IllegalArgumentException("fault " + this + " needs a " + (local ? "LocalCluster" : "TestbedCluster")
            + ", not a " + c.getClass().getSimpleName() + ": choose a scenario that runs it there");
    }

    Applied onLocal(LocalCluster c, int pick) {
        throw new UnsupportedOperationException(this + " on a LocalCluster");
    }

    Applied onTestbed(TestbedCluster c, int pick) {
        throw new UnsupportedOperationException(this + " on a TestbedCluster");
    }

    private static Applied split(ChaosCluster c, int minority, boolean withClients) {
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

    private static Target leaderOrAny(ChaosCluster c, int pick) {
        int l = c.leader();
        return l >= 0 ? new Target(l, " (the leader)") : new Target(pick, " (no leader found: a random node)");
    }
}
