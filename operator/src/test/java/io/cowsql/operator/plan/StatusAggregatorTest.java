package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static io.cowsql.operator.Fixtures.led;
import static io.cowsql.operator.Fixtures.noAnswer;
import static io.cowsql.operator.Fixtures.observed;
import static io.cowsql.operator.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.Annotations;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  private static Condition cond(CowsqlClusterStatus s, String type) {
    return StatusAggregator.find(s, type).orElseThrow();
  }

  @Test
  void healthyClusterIsReadyWithLeaderMembersAndZones() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(3, List.of(pod("a", 0, "zone-a", true, Map.of()), pod("a", 1, "zone-b", true, Map.of()),
        pod("a", 2, "zone-c", true, Map.of())), led(c, 1, "voter", "voter", "voter"));
    ClusterPlan plan = ClusterPlanner.decide(c, o);
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, plan, "2026-01-01T00:00:00Z");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(s.leader).isEqualTo("a-1");
    assertThat(s.replicas).isEqualTo(3);
    assertThat(s.readyReplicas).isEqualTo(3);
    assertThat(s.selector).isEqualTo("app.kubernetes.io/name=cowsql,app.kubernetes.io/instance=a");
    assertThat(s.observedGeneration).isEqualTo(1L);
    assertThat(s.failureDomains).containsExactlyInAnyOrderEntriesOf(Map.of("zone-a", 1L, "zone-b", 2L, "zone-c", 3L));
    assertThat(s.members).extracting(m -> m.pod + " " + m.nodeId + " " + m.role + " " + m.zone + " " + m.failureDomain
        + " " + m.ready).containsExactly("a-0 1000 voter zone-a 1 true", "a-1 1001 voter zone-b 2 true",
        "a-2 1002 voter zone-c 3 true");
    assertThat(s.members.get(0).address).isEqualTo("a-0.a-peers.db.svc.cluster.local:9000");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Available").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("False");
  }

  @Test
  void aNotReadyMemberCarriesTheReasonItsAgentGives() {
    CowsqlCluster c = cluster("a");
    String why = "not a member of the configuration: leader 1000 does not list node 1002";
    ObservedCluster base = observed(3, List.of(pod("a", 0, "zone-a", true, Map.of()), pod("a", 1, "zone-b", true,
        Map.of()), pod("a", 2, "zone-c", false, Map.of())), led(c, 0, "voter", "voter"));
    ObservedCluster o = new ObservedCluster(base.statefulSetReplicas(), base.statefulSetReadyReplicas(), base.pods(),
        base.claims(), base.cowsql(), Map.of("a-2", why));
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:00:00Z");
    assertThat(s.members).extracting(m -> m.pod + ": " + m.notReadyReason)
        .containsExactly("a-0: null", "a-1: null", "a-2: " + why);
  }

  @Test
  void aPausedClusterSaysSoInProgressingAndHowToResume() {
    CowsqlCluster c = cluster("a");
    c.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(io.cowsql.operator.model.UserAnnotations
        .PAUSE_RECONCILE, "true")));
    ObservedCluster o = observed(3, List.of(pod("a", 0, "zone-a", true, Map.of()), pod("a", 1, "zone-b", true,
        Map.of()), pod("a", 2, "zone-c", true, Map.of())), led(c, 0, "voter", "voter", "voter"));
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:00:00Z");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("ReconcilePaused");
    assertThat(cond(s, "Progressing").getMessage()).endsWith("cowsql.io/pause-reconcile-");
    // The phase still follows Ready and Degraded: a healthy paused cluster is Running.
    assertThat(s.phase).isEqualTo("Running");

    c.getMetadata().getAnnotations().put(io.cowsql.operator.model.UserAnnotations.PAUSE_RECONCILE, "false");
    s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:00:00Z");
    assertThat(cond(s, "Progressing").getReason()).isNotEqualTo("ReconcilePaused");
  }

  @Test
  void unchangedObservationGivesAnEqualStatusKeepingTransitionTimes() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(1, List.of(pod("a", 0, "zone-a", true, Map.of())), led(c, 0, "voter"));
    c.getSpec().replicas = 1;
    c.getSpec().roles.voters = 1;
    CowsqlClusterStatus first = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:00:00Z");
    c.setStatus(first);
    CowsqlClusterStatus second = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:05:00Z");
    assertThat(second).usingRecursiveComparison().isEqualTo(first);
  }

  @Test
  void invalidSpecSaysWhatToFix() {
    CowsqlCluster c = cluster("a");
    c.getSpec().roles.voters = 4;
    c.getSpec().replicas = 5;
    ObservedCluster o = observed(null, List.of(), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(s.phase).isEqualTo("Invalid");
    Condition ready = cond(s, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.roles.voters: 4 is even").contains("Nothing was changed");
  }

  @Test
  void refusedShrinkIsAConditionAndTheClusterStaysReady() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 2;
    ObservedCluster o = observed(3, List.of(pod("a", 0, "z1", true, Map.of()), pod("a", 1, "z2", true, Map.of()),
        pod("a", 2, "z3", true, Map.of())), led(c, 0, "voter", "voter", "voter"));
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    Condition progressing = cond(s, "Progressing");
    assertThat(progressing.getStatus()).isEqualTo("False");
    assertThat(progressing.getReason()).isEqualTo("ScaleDownRefused");
    assertThat(progressing.getMessage()).contains("spec.replicas is 2 but spec.roles.voters is 3")
        .contains("set spec.roles.voters to 2 or less first");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("True");
    // visible in `kubectl get` (the Reason column shows Ready's reason)
    assertThat(cond(s, "Ready").getReason()).isEqualTo("ScaleDownRefused");
    assertThat(s.scaleDown.step).isEqualTo("Refused");
    assertThat(s.scaleDown.targetReplicas).isEqualTo(2);
    assertThat(s.replicas).isEqualTo(3);
    assertThat(s.voters).isEqualTo(3);
  }

  /** Pods 0..n-1, ready, in zones z1 z2 z3 z1 z2, annotated leaving with the ids given. */
  static List<ObservedPod> leavingPods(int n, String leaving) {
    String[] zones = {"z1", "z2", "z3", "z1", "z2"};
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> pod("a", i, zones[i], true,
        Map.of(Annotations.LEAVING, leaving))).toList();
  }

  @Test
  void aScaleDownUnderWayIsProgressingWithItsStepInStatus() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 3;
    ObservedCluster o = observed(5, leavingPods(5, "1003,1004"),
        led(c, 0, "voter", "voter", "voter", "standby", "spare"));
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t1");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("ScalingDown");
    assertThat(cond(s, "Progressing").getMessage()).contains("Scaling down to 3").contains("removing it");
    assertThat(cond(s, "Ready").getReason()).isEqualTo("ScalingDown");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(s.scaleDown.step).isEqualTo("RemoveMember");
    assertThat(s.scaleDown.member).isEqualTo("a-4");
    assertThat(s.scaleDown.nodeId).isEqualTo("1004");
    assertThat(s.scaleDown.startedAt).isEqualTo("t1");
    assertThat(s.scaleDown.removed).isEmpty();

    // next pass: the leader no longer lists a-4, whose agent is no longer Ready: not a degradation, the shrink
    c.setStatus(s);
    List<ObservedPod> pods = new java.util.ArrayList<>(leavingPods(5, "1003,1004"));
    ObservedPod out = pods.get(4);
    pods.set(4, new ObservedPod(out.name(), 4, out.nodeName(), out.zone(), out.podIp(), false, out.annotations(),
        out.startedAt()));
    ObservedCluster after = observed(5, pods, led(c, 0, "voter", "voter", "voter", "standby"));
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, after, ClusterPlanner.decide(c, after), "t2");
    assertThat(s2.scaleDown.step).isEqualTo("ShrinkStatefulSet");
    assertThat(s2.scaleDown.removed).containsExactly("1004");
    assertThat(s2.scaleDown.startedAt).isEqualTo("t1");
    assertThat(cond(s2, "Degraded").getStatus()).isEqualTo("False");
    assertThat(cond(s2, "Ready").getStatus()).isEqualTo("True");

    // done: no record, Reconciled
    c.setStatus(s2);
    ObservedCluster done = observed(3, leavingPods(3, ""), led(c, 0, "voter", "voter", "voter"));
    CowsqlClusterStatus s3 = StatusAggregator.aggregate(c, done, ClusterPlanner.decide(c, done), "t3");
    assertThat(s3.scaleDown).isNull();
    assertThat(cond(s3, "Progressing").getReason()).isEqualTo("Reconciled");
  }

  @Test
  void formedClusterWithoutLeaderIsDegraded() {
    CowsqlCluster c = cluster("a");
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    ObservedCluster o = observed(3, List.of(pod("a", 0, "z1", false, Map.of()), pod("a", 1, "z2", false, Map.of()),
        pod("a", 2, "z3", false, Map.of())), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(s.phase).isEqualTo("Degraded");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Degraded").getReason()).isEqualTo("NoLeader");
    assertThat(cond(s, "Available").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Ready").getMessage()).contains("0 of 3 nodes ready").contains("a-0, a-1, a-2");
  }

  @Test
  void newClusterIsCreatingUntilItHasALeader() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(3, List.of(pod("a", 0, "z1", false, Map.of())), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(s.phase).isEqualTo("Creating");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Creating");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("False");
    assertThat(s.bootstrapped).isNull();
  }

  private static List<ObservedPod> pods(String name, boolean... ready) {
    List<ObservedPod> out = new java.util.ArrayList<>();
    for (int i = 0; i < ready.length; i++) {
      out.add(pod(name, i, "z" + (i % 3), ready[i], Map.of()));
    }
    return out;
  }

  private static CowsqlClusterStatus pass(CowsqlCluster c, ObservedCluster o, String now) {
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), now);
    c.setStatus(s);
    return s;
  }

  @Test
  void creationIsCreatingAndNeverDegradedUntilFirstReady() {
    CowsqlCluster c = cluster("a");
    pass(c, observed(3, pods("a", false, false, false), noAnswer()), "t1");
    // ordinal 0 formed the cluster, the others still join
    CowsqlClusterStatus s = pass(c, observed(3, pods("a", true, false, false), led(c, 0, "voter", "spare")), "t2");
    assertThat(s.phase).isEqualTo("Creating");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Creating");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("False");
    assertThat(s.firstReadyTime).isNull();
    s = pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t3");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(s.firstReadyTime).isEqualTo("t3");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
  }

  @Test
  void readyNodesWaitingForTheirRolesAreProgressingNotReconciled() {
    CowsqlCluster c = cluster("a");
    pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t1");
    // a joined node is Ready as a spare a few seconds before the leader's role policy promotes it
    CowsqlClusterStatus s = pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "spare")), "t2");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("AssigningRoles");
    assertThat(cond(s, "Progressing").getMessage()).startsWith("Assigning roles: 2 of 3 voters, 0 of 0 standbys");
    s = pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t3");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
    // one node alone: only the leader votes
    CowsqlCluster one = cluster("b");
    one.getSpec().replicas = 1;
    one.getSpec().roles.voters = 1;
    s = pass(one, observed(1, pods("b", true), led(one, 0, "voter")), "t1");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
    // two nodes with the default targets: the leader votes and the other is a spare, as the role policy leaves them
    CowsqlCluster two = cluster("c");
    two.getSpec().replicas = 2;
    two.getSpec().roles = null;
    s = pass(two, observed(2, pods("c", true, true), led(two, 0, "voter", "spare")), "t1");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
  }

  @Test
  void scaleUpIsScalingNotDegradedAndASteadyClusterIsNotScaling() {
    CowsqlCluster c = cluster("a");
    pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t1");
    CowsqlClusterStatus s = pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t2");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
    c.getSpec().replicas = 5;
    s = pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t3");
    assertThat(s.phase).isEqualTo("Scaling");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Scaling");
    s = pass(c, observed(5, pods("a", true, true, true, false, false),
        led(c, 0, "voter", "voter", "voter", "spare")), "t4");
    assertThat(s.phase).isEqualTo("Scaling");
    assertThat(cond(s, "Progressing").getMessage()).contains("joining: a-3, a-4");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("False");
    s = pass(c, observed(5, pods("a", true, true, true, true, true),
        led(c, 0, "voter", "voter", "voter", "standby", "standby")), "t5");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
  }

  @Test
  void aMemberThatWasReadyAndIsNotIsDegradedSinceThenAlsoWhileItsPodIsRecreated() {
    CowsqlCluster c = cluster("a");
    pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t1");
    CowsqlClusterStatus s = pass(c, observed(3, pods("a", true, true, false), led(c, 0, "voter", "voter", "voter")), "t2");
    assertThat(s.phase).isEqualTo("Degraded");
    assertThat(cond(s, "Degraded").getReason()).isEqualTo("NodesNotReady");
    assertThat(cond(s, "Degraded").getMessage()).contains("a-2 (since t2)");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
    // its pod is deleted: still a member, still down since t2, and nothing "scales"
    s = pass(c, observed(3, pods("a", true, true), led(c, 0, "voter", "voter", "voter")), "t3");
    assertThat(s.members).extracting(m -> m.pod + " " + m.ready + " " + m.notReadySince + " " + m.role)
        .containsExactly("a-0 true null voter", "a-1 true null voter", "a-2 false t2 voter");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
    // recreated, not ready yet: the same member, not a new one
    s = pass(c, observed(3, pods("a", true, true, false), led(c, 0, "voter", "voter", "voter")), "t4");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Reconciled");
    assertThat(cond(s, "Degraded").getMessage()).contains("a-2 (since t2)");
    s = pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t5");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(s.members).allSatisfy(m -> assertThat(m.notReadySince).isNull());
  }

  @Test
  void aDecidedRecoveryGivesQuorumLostItsReasonAndMessageAndGoesToStatusRecovery() {
    CowsqlCluster c = cluster("a");
    pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t1");
    String a0 = io.cowsql.operator.ClusterNames.podAddress(c, "a-0");
    ObservedCluster lost = observed(3, pods("a", true, false, false), new io.cowsql.operator.cluster.CowsqlView(true,
        java.util.Optional.empty(), List.of(), java.util.Optional.of("no leader"), java.util.Set.of(a0)));
    io.cowsql.operator.model.RecoveryStatus r = new io.cowsql.operator.model.RecoveryStatus();
    r.phase = io.cowsql.operator.model.RecoveryStatus.Phase.Regrowing;
    r.epoch = 1L;
    io.cowsql.operator.recovery.RecoveryPlan regrowing = new io.cowsql.operator.recovery.RecoveryPlan(r,
        new io.cowsql.operator.recovery.RecoveryPlan.Observe(), io.cowsql.operator.recovery.RecoveryPlan.RECOVERING,
        "Plan r1-x: the template a-0 serves at epoch 1; regrowing (1 of 3 voters).");
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, lost, ClusterPlanner.decide(c, lost),
        io.cowsql.operator.roll.RolloutPlan.none(), regrowing, "t2");
    assertThat(cond(s, "QuorumLost").getStatus()).isEqualTo("True");
    assertThat(cond(s, "QuorumLost").getReason()).isEqualTo("Recovering");
    assertThat(cond(s, "QuorumLost").getMessage()).isEqualTo(regrowing.message());
    assertThat(cond(s, "Degraded").getMessage()).contains("recovery is under way");
    assertThat(s.recovery).isSameAs(r);

    io.cowsql.operator.recovery.RecoveryPlan disabled = new io.cowsql.operator.recovery.RecoveryPlan(r,
        new io.cowsql.operator.recovery.RecoveryPlan.Observe(), io.cowsql.operator.recovery.RecoveryPlan.DISABLED,
        "Quorum lost ...; spec.recovery.mode is Disabled, so the operator only reports.");
    s = StatusAggregator.aggregate(c, lost, ClusterPlanner.decide(c, lost), io.cowsql.operator.roll.RolloutPlan.none(),
        disabled, "t3");
    assertThat(cond(s, "QuorumLost").getMessage()).contains("node-image/README.md, section \"Offline subcommands"
        + " (stopped nodes)\"");

    // not decided this pass (paused): the recorded recovery stays
    c.setStatus(s);
    CowsqlClusterStatus kept = StatusAggregator.aggregate(c, lost, ClusterPlanner.decide(c, lost), "t4");
    assertThat(kept.recovery).isSameAs(r);
  }

  @Test
  void quorumLossNamesTheSilentVotersSinceWhenAndPointsAtSpecRecovery() {
    CowsqlCluster c = cluster("a");
    pass(c, observed(3, pods("a", true, true, true), led(c, 0, "voter", "voter", "voter")), "t1");
    String a0 = io.cowsql.operator.ClusterNames.podAddress(c, "a-0");
    String a1 = io.cowsql.operator.ClusterNames.podAddress(c, "a-1");
    // two of three answer (an election): no quorum loss
    CowsqlClusterStatus s = pass(c, observed(3, pods("a", false, false, false), new io.cowsql.operator.cluster.CowsqlView(
        true, java.util.Optional.empty(), List.of(), java.util.Optional.of("no leader"), java.util.Set.of(a0, a1))), "t2");
    assertThat(cond(s, "QuorumLost").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Degraded").getReason()).isEqualTo("NoLeader");
    // one of three answers
    s = pass(c, observed(3, pods("a", false, false, false), new io.cowsql.operator.cluster.CowsqlView(true,
        java.util.Optional.empty(), List.of(), java.util.Optional.of("no leader"), java.util.Set.of(a0))), "t3");
    Condition lost = cond(s, "QuorumLost");
    assertThat(lost.getStatus()).isEqualTo("True");
    assertThat(lost.getLastTransitionTime()).isEqualTo("t3");
    assertThat(lost.getMessage()).startsWith("Since t3: voters a-1 (not ready since t2), a-2 (not ready since t2) do"
        + " not answer; 1 of 3 voters answer and 2 are needed")
        .contains("spec.recovery says what the operator does if they do not (see status.recovery)");
    assertThat(s.phase).isEqualTo("Degraded");
    assertThat(cond(s, "Degraded").getReason()).isEqualTo("QuorumLost");
    // still lost later: same since, same message (no status rewrite)
    CowsqlClusterStatus later = pass(c, observed(3, pods("a", false, false, false), new io.cowsql.operator.cluster
        .CowsqlView(true, java.util.Optional.empty(), List.of(), java.util.Optional.of("no leader"), java.util.Set.of(a0))),
        "t4");
    assertThat(cond(later, "QuorumLost")).isEqualTo(lost);
  }

  @Test
  void replicasAboveVotersAndStandbysIsAWarningNotARefusal() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 7;
    CowsqlClusterStatus s = pass(c, observed(7, pods("a", true, true, true, true, true, true, true),
        led(c, 0, "voter", "voter", "voter", "standby", "standby", "standby", "spare")), "t1");
    assertThat(cond(s, "SpecWarning").getStatus()).isEqualTo("True");
    assertThat(cond(s, "SpecWarning").getMessage()).startsWith("spec.replicas: 1 node will be a spare: 7 replicas but"
        + " spec.roles asks for 3 voters + 3 standbys");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(s.phase).isEqualTo("Running");
  }

  @Test
  void phaseIsDerivedFromTheConditionsByOneRule() {
    java.util.function.BiFunction<String, String[], Condition> c = (type, sr) -> new io.fabric8.kubernetes.api.model
        .ConditionBuilder().withType(type).withStatus(sr[0]).withReason(sr[1]).build();
    assertThat(StatusAggregator.phase(List.of(c.apply("Ready", new String[] {"False", "InvalidSpec"}),
        c.apply("Degraded", new String[] {"True", "NoLeader"})))).isEqualTo("Invalid");
    assertThat(StatusAggregator.phase(List.of(c.apply("Ready", new String[] {"True", "ClusterReady"}),
        c.apply("Degraded", new String[] {"True", "NodeNotReady"})))).isEqualTo("Degraded");
    assertThat(StatusAggregator.phase(List.of(c.apply("Ready", new String[] {"True", "ClusterReady"}),
        c.apply("Progressing", new String[] {"True", "Scaling"})))).isEqualTo("Running");
    assertThat(StatusAggregator.phase(List.of(c.apply("Ready", new String[] {"False", "NodesNotReady"}),
        c.apply("Progressing", new String[] {"True", "Scaling"}), c.apply("Degraded", new String[] {"False", "x"}))))
        .isEqualTo("Scaling");
    assertThat(StatusAggregator.phase(List.of(c.apply("Ready", new String[] {"False", "NodesNotReady"}),
        c.apply("Progressing", new String[] {"True", "Creating"})))).isEqualTo("Creating");
    assertThat(StatusAggregator.phase(List.of(c.apply("Ready", new String[] {"False", "ReconcileError"}))))
        .isEqualTo("Pending");
  }

  @Test
  void failedPassTurnsReadyFalseWithTheErrorAndKeepsEverythingElse() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(3, List.of(pod("a", 0, "zone-a", true, Map.of()), pod("a", 1, "zone-b", true, Map.of()),
        pod("a", 2, "zone-c", true, Map.of())), led(c, 1, "voter", "voter", "voter"));
    CowsqlClusterStatus running = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:00:00Z");
    c.setStatus(running);
    String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(running);

    CowsqlClusterStatus failed = StatusAggregator.reconcileFailed(c, "statefulsets \"a\" is forbidden",
        "2026-01-01T00:01:00Z");
    Condition ready = cond(failed, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ReconcileError");
    assertThat(ready.getMessage()).isEqualTo("Reconcile failed, retrying with backoff: statefulsets \"a\" is forbidden");
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-01-01T00:01:00Z");
    assertThat(failed.conditions).extracting(Condition::getType)
        .containsExactly("Ready", "Available", "Progressing", "QuorumLost", "Degraded", "SpecWarning");
    assertThat(failed.conditions.subList(1, failed.conditions.size())).usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(running.conditions.subList(1, running.conditions.size()));
    assertThat(failed.members).usingRecursiveFieldByFieldElementComparator().isEqualTo(running.members);
    assertThat(failed.leader).isEqualTo("a-1");
    assertThat(failed.phase).isEqualTo(StatusAggregator.phase(failed.conditions)).isEqualTo("Pending");
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(running)).as("the input is not changed")
        .isEqualTo(before);

    // failing again: Ready was already False, so it keeps its transition time; a long error is cut
    c.setStatus(failed);
    CowsqlClusterStatus again = StatusAggregator.reconcileFailed(c, "x".repeat(5000), "2026-01-01T00:02:00Z");
    assertThat(cond(again, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:01:00Z");
    assertThat(cond(again, "Ready").getMessage()).hasSize(StatusAggregator.ERROR_MESSAGE_MAX);
  }

  @Test
  void failedFirstPassHasOnlyReady() {
    CowsqlCluster c = cluster("a");
    CowsqlClusterStatus failed = StatusAggregator.reconcileFailed(c, "connection refused", "t");
    assertThat(failed.conditions).extracting(x -> x.getType() + "=" + x.getStatus() + " " + x.getReason())
        .containsExactly("Ready=False ReconcileError");
    assertThat(failed.phase).isEqualTo("Pending");
    assertThat(c.getStatus()).isNull();
  }
}
