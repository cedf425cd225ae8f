package io.cowsql.e2e.chaos;

import java.util.List;

/**
 * The scenarios the harness runs: a pool of faults and the range of their durations, in multiples
 * of the engine's election timeout (3 s). A scenario whose faults are the testbed's (or that says so: a
 * partition of pods) runs on a {@link TestbedCluster}, the others on a {@link LocalCluster}.
 */
public enum Scenario {
    LEADER_KILL("leader-kill", "SIGKILL the leader, start it again on its data", List.of(Fault.KILL_LEADER), 0.3, 2.5),
    LEADER_PAUSE("leader-pause", "SIGSTOP the leader for longer than the election timeout, then SIGCONT",
        List.of(Fault.PAUSE_LEADER), 1.3, 3.0),
    LEADER_PARTITION("leader-partition", "cut the leader (and client endpoint 1) off from the majority (and client endpoint 2)",
        List.of(Fault.ISOLATE_LEADER), 0.3, 2.5),
    SPLIT("split", "majority/minority split of a random node, clients on both sides", List.of(Fault.SPLIT_MINORITY), 0.3, 2.5),
    FOLLOWER_WIPE("follower-wipe", "SIGKILL a follower, empty its data dir, start it again: it rejoins as a new node",
        List.of(Fault.WIPE_FOLLOWER), 0.3, 2.5),
    MIXED("mixed", "any fault: kill/pause any node or the leader, isolate a node or the leader, split, bridge, follower wipe",
        java.util.Arrays.stream(Fault.values()).filter(Fault::runsOnLocalCluster).toList(), 0.3, 2.5),
    NODE_NOT_READY("node-notready", "on the testbed with the operator: a member's Node goes NotReady (its kubelet cut off "
        + "from the API server, the pod keeps running), then Ready again", List.of(Fault.NODE_NOT_READY), 1.0, 3.0),
    OPERATOR_KILL("operator-kill", "on the testbed: scale 3 -> 5, SIGKILL the operator while it scales up; the kubelet "
        + "starts it again and the scale-up must finish", List.of(Fault.OPERATOR_KILL_SCALE_UP), 0.3, 2.5),
    API_PARTITION("api-partition", "on the testbed: a member pod or the operator cut off from the API server only",
        List.of(Fault.ISOLATE_MEMBER_FROM_API_SERVER, Fault.ISOLATE_OPERATOR_FROM_API_SERVER), 0.3, 2.5),
    POD_PARTITION("pod-partition", "on the testbed: the leader pod cut off from the other member pods (not from the host, "
        + "the clients or the API server), then healed", List.of(Fault.ISOLATE_LEADER_FROM_PEERS), 0.3, 2.5, true),
    // The pod garbage collector force-deletes a pod whose Node is gone 40-80 s after (a 40 s quarantine, checked every
    // 20 s): holds up to 84 s lose the pod about half the time, shorter ones keep it.
    NODE_REMOVED("node-removed", "on the testbed: a member's Node object deleted while its pod runs (held 3-84 s: "
        + "past 40-80 s the pod garbage collector deletes the pod, its successor waits Pending), then registered again",
        List.of(Fault.NODE_REMOVED), 1.0, 28.0);

    private final String id;
    private final String description;
    private final List<Fault> pool;
    private final double minHold;
    private final double maxHold;
    private final boolean testbed;

    Scenario(String id, String description, List<Fault> pool, double minHold, double maxHold) {
        this(id, description, pool, minHold, maxHold, pool.stream().noneMatch(Fault::runsOnLocalCluster));
    }

    /** {@code testbed}: on the testbed even when every fault of the pool runs on either kind of cluster (partitions). */
    Scenario(String id, String description, List<Fault> pool, double minHold, double maxHold, boolean testbed) {
        this.id = id;
        this.description = description;
        this.pool = pool;
        this.minHold = minHold;
        this.maxHold = maxHold;
        this.testbed = testbed;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** Whether it runs on a {@link TestbedCluster} (the operator's) rather than a {@link LocalCluster}. */
    public boolean onTestbed() {
        return testbed;
    }

    public Schedule schedule(long seed, int faults) {
        return Schedule.random(seed, pool, faults, minHold, maxHold, LocalCluster.ELECTION_TIMEOUT, LocalCluster.NODES);
    }

    /** The scenario named {@code id}; the message lists the known ones. */
    public static Scenario byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "': use one of " + ids());
    }

    public static String ids() {
        return String.join(", ", java.util.Arrays.stream(values()).map(Scenario::id).toList());
    }
}
