package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static io.cowsql.operator.Fixtures.led;
import static io.cowsql.operator.Fixtures.noAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.Annotations;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.Fixtures;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.ScaleDownStatus;
import io.cowsql.operator.model.StorageSpec;
import io.cowsql.operator.plan.ScaleDownPlan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The next step of a scale-down from one observation: each step and each refusal, as a value. */
class ScaleDownPlannerTest {
  static final String[] ZONES = {"z1", "z2", "z3", "z1", "z2"};
  static final String LEAVING_3_4 = "1003,1004";

  /** A 5-node cluster asked to go to 3. */
  static CowsqlCluster fiveToThree() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 3;
    return c;
  }

  /** Ready pods 0..n-1 in ZONES, each annotated leaving with the given ids (null: not annotated). */
  static List<ObservedPod> pods(int n, String leaving) {
    return IntStream.range(0, n).mapToObj(i -> Fixtures.pod("a", i, ZONES[i % ZONES.length], true,
        leaving == null ? Map.of() : Map.of(Annotations.LEAVING, leaving))).toList();
  }

  static ObservedCluster observed(int sts, List<ObservedPod> pods, CowsqlView view) {
    return observed(sts, pods, List.of(), view);
  }

  static ObservedCluster observed(int sts, List<ObservedPod> pods, List<String> claims, CowsqlView view) {
    return new ObservedCluster(Optional.of(sts), Optional.of(sts), pods,
        claims.stream().map(n -> new ObservedCluster.ObservedClaim(n, false)).toList(), view);
  }

  static ScaleDownPlan plan(CowsqlCluster c, ObservedCluster o) {
    return ScaleDownPlanner.plan(c, o, true);
  }

  static List<ObservedPod> withNotReady(List<ObservedPod> pods, int ordinal) {
    List<ObservedPod> out = new ArrayList<>(pods);
    ObservedPod p = out.get(ordinal);
    out.set(ordinal, new ObservedPod(p.name(), p.ordinal(), p.nodeName(), p.zone(), p.podIp(), false, p.annotations(),
        p.startedAt()));
    return out;
  }

  @Test
  void membersToGoAreMarkedLeavingOnEveryPodBeforeAnyChange() {
    CowsqlCluster c = fiveToThree();
    ObservedCluster o = observed(5, pods(5, null), led(c, 0, "voter", "voter", "voter", "standby", "standby"));
    ScaleDownPlan plan = plan(c, o);
    assertThat(plan.step()).isEqualTo(Step.MARK_LEAVING);
    assertThat(plan.pod()).contains("a-4");
    assertThat(plan.nodeId()).contains("1004");
    assertThat(plan.leaving()).contains(LEAVING_3_4);
    assertThat(plan.statefulSetReplicas()).isEqualTo(5);
    assertThat(plan.changesMembership()).isFalse();

    ClusterPlan whole = ClusterPlanner.decide(c, o);
    assertThat(whole.statefulSetReplicas()).isEqualTo(5);
    assertThat(whole.podAnnotations()).containsOnlyKeys("a-0", "a-1", "a-2", "a-3", "a-4");
    whole.podAnnotations().values().forEach(a -> assertThat(a).containsEntry(Annotations.LEAVING, LEAVING_3_4));
  }

  @Test
  void aLeavingLeaderHandsLeadershipToAReadyVoterThatStays() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, pods(5, LEAVING_3_4),
        led(c, 4, "spare", "voter", "voter", "standby", "voter")));
    assertThat(plan.step()).isEqualTo(Step.TRANSFER_LEADERSHIP);
    assertThat(plan.nodeId()).contains("1004");
    assertThat(plan.targetNodeId()).contains("1001");
    assertThat(plan.statefulSetReplicas()).isEqualTo(5);
  }

  @Test
  void aLeavingVoterIsReplacedFirstInAFailureDomainNoVoterUses() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 4;
    // zones: 0 z1, 1 z2, 2 z3, 3 z1; voters 0 (z1) and 1 (z2) stay: the spare in z3 goes before the standby in z1
    ScaleDownPlan plan = plan(c, observed(5, pods(5, "1004"), led(c, 0, "voter", "voter", "spare", "standby", "voter")));
    assertThat(plan.step()).isEqualTo(Step.PROMOTE_REPLACEMENT);
    assertThat(plan.nodeId()).contains("1004");
    assertThat(plan.targetNodeId()).contains("1002");
  }

  @Test
  void aStandbyReplacesBeforeASpareWhenBothAreInNewDomains() {
    CowsqlCluster c = fiveToThree();
    // voters 0 (z1) and 4 (z2, leaving); the spare 1 (z2) and the standby 2 (z3) stay, in domains no staying voter uses
    ScaleDownPlan plan = plan(c, observed(5, pods(5, LEAVING_3_4), led(c, 0, "voter", "spare", "standby", "spare", "voter")));
    assertThat(plan.step()).isEqualTo(Step.PROMOTE_REPLACEMENT);
    // the standby has the data: it goes first
    assertThat(plan.targetNodeId()).contains("1002");
  }

  @Test
  void aLeavingVoterIsDemotedOnceTheVotersThatStayMeetTheTarget() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, pods(5, LEAVING_3_4), led(c, 0, "voter", "voter", "voter", "spare", "voter")));
    assertThat(plan.step()).isEqualTo(Step.DEMOTE_TO_SPARE);
    assertThat(plan.nodeId()).contains("1004");
    assertThat(plan.changesMembership()).isTrue();
  }

  @Test
  void aLeavingStandbyIsDemotedEvenWhileAVoterIsNotReady() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, withNotReady(pods(5, LEAVING_3_4), 1),
        led(c, 0, "voter", "voter", "voter", "standby", "standby")));
    assertThat(plan.step()).as("a standby does not vote: a leader is enough").isEqualTo(Step.DEMOTE_TO_SPARE);
  }

  @Test
  void aLeavingSpareIsRemovedThroughTheLeader() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, pods(5, LEAVING_3_4), led(c, 0, "voter", "voter", "voter", "standby", "spare")));
    assertThat(plan.step()).isEqualTo(Step.REMOVE_MEMBER);
    assertThat(plan.nodeId()).contains("1004");
    assertThat(plan.statefulSetReplicas()).as("the StatefulSet keeps the member until the leader no longer lists it")
        .isEqualTo(5);
  }

  @Test
  void theStatefulSetShrinksOnlyOnceTheLeaderNoLongerListsTheMember() {
    CowsqlCluster c = fiveToThree();
    // a restarted operator that last recorded the removal: the member is gone, so it is not removed again
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().scaleDown = new ScaleDownStatus();
    c.getStatus().scaleDown.step = Step.REMOVE_MEMBER.display();
    c.getStatus().scaleDown.member = "a-4";
    c.getStatus().scaleDown.nodeId = "1004";
    ScaleDownPlan plan = plan(c, observed(5, pods(5, "1003"), led(c, 0, "voter", "voter", "voter", "standby")));
    assertThat(plan.step()).isEqualTo(Step.SHRINK_STATEFUL_SET);
    assertThat(plan.pod()).contains("a-4");
    assertThat(plan.nodeId()).isEmpty();
    assertThat(plan.statefulSetReplicas()).isEqualTo(4);
    assertThat(plan.leaving()).as("only members still listed stay marked").contains("1003");
    assertThat(plan.changesMembership()).isFalse();
  }

  @Test
  void afterTheShrinkTheNextHighestOrdinalIsTakenOut() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(4, pods(4, "1003"), led(c, 0, "voter", "voter", "voter", "standby")));
    assertThat(plan.step()).isEqualTo(Step.DEMOTE_TO_SPARE);
    assertThat(plan.pod()).contains("a-3");
  }

  @Test
  void withWhenScaledDeleteTheClaimGoesOnceThePodIsGone() {
    CowsqlCluster c = fiveToThree();
    c.getSpec().storage.retention.whenScaled = StorageSpec.RetentionPolicy.Delete;
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().scaleDown = new ScaleDownStatus();
    List<String> claims = List.of("data-a-0", "data-a-1", "data-a-2", "data-a-3", "data-a-4");
    CowsqlView view = led(c, 0, "voter", "voter", "voter", "standby");
    ScaleDownPlan terminating = plan(c, observed(4, pods(5, "1003"), claims, view));
    assertThat(terminating.step()).isEqualTo(Step.AWAIT_POD_GONE);
    assertThat(terminating.pod()).contains("a-4");
    assertThat(terminating.claim()).isEmpty();

    ScaleDownPlan gone = plan(c, observed(4, pods(4, "1003"), claims, view));
    assertThat(gone.step()).isEqualTo(Step.DELETE_CLAIM);
    assertThat(gone.claim()).contains("data-a-4");
    assertThat(gone.statefulSetReplicas()).isEqualTo(4);
  }

  @Test
  void withWhenScaledRetainTheClaimStays() {
    CowsqlCluster c = fiveToThree();
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().scaleDown = new ScaleDownStatus();
    List<String> claims = List.of("data-a-0", "data-a-1", "data-a-2", "data-a-3", "data-a-4");
    ScaleDownPlan plan = plan(c, observed(4, pods(4, "1003"), claims, led(c, 0, "voter", "voter", "voter", "standby")));
    assertThat(plan.pod()).contains("a-3");
    assertThat(plan.claim()).isEmpty();

    // the scale-down done: nothing left to go, the leaving mark is cleared, the retained claims stay
    ScaleDownPlan done = plan(c, observed(3, pods(3, ""), claims, led(c, 0, "voter", "voter", "voter")));
    assertThat(done.step()).isEqualTo(Step.NONE);
    assertThat(done.leaving()).contains("");
    assertThat(done.statefulSetReplicas()).isEqualTo(3);
  }

  /** The view with one more member: {@code id} at pod {@code a-<ordinal>}, as a pod that joined as a new node. */
  static CowsqlView withMember(CowsqlCluster c, CowsqlView view, String id, int ordinal, String role) {
    List<CowsqlView.Member> members = new ArrayList<>(view.members());
    members.add(new CowsqlView.Member(id, ClusterNames.podAddress(c, ClusterNames.pod(c, ordinal)), role));
    return new CowsqlView(true, view.leader(), members, Optional.empty());
  }

  @Test
  void aPodThatRestartedAfterItsRemovalJoinsAsANewSpareAndIsTakenOutBeforeTheShrink() {
    CowsqlCluster c = fiveToThree();
    // 1004 was removed; a-4 restarted before the StatefulSet lost it, set the old data aside and joined as 5eed
    CowsqlView view = withMember(c, led(c, 0, "voter", "voter", "voter", "standby"), "5eed", 4, "spare");
    ScaleDownPlan mark = plan(c, observed(5, pods(5, "1003"), view));
    assertThat(mark.step()).isEqualTo(Step.MARK_LEAVING);
    assertThat(mark.pod()).contains("a-4");
    assertThat(mark.nodeId()).contains("5eed");
    assertThat(mark.leaving()).contains("1003,5eed");
    assertThat(mark.statefulSetReplicas()).as("the StatefulSet keeps a-4 while a member there is listed").isEqualTo(5);

    ScaleDownPlan remove = plan(c, observed(5, pods(5, "1003,5eed"), view));
    assertThat(remove.step()).isEqualTo(Step.REMOVE_MEMBER);
    assertThat(remove.nodeId()).contains("5eed");
    assertThat(remove.statefulSetReplicas()).isEqualTo(5);
  }

  @Test
  void aStrayMemberAtARemovedOrdinalIsRemovedAfterTheShrinkBeforeTheScaleDownIsDone() {
    CowsqlCluster c = fiveToThree();
    // a-4 joined as 5eed after the last observation before the shrink; its pod is gone since
    CowsqlView view = withMember(c, led(c, 0, "voter", "voter", "voter"), "5eed", 4, "spare");
    ScaleDownPlan mark = plan(c, observed(3, pods(3, ""), view));
    assertThat(mark.step()).isEqualTo(Step.MARK_LEAVING);
    assertThat(mark.nodeId()).contains("5eed");
    assertThat(mark.leaving()).contains("5eed");

    ScaleDownPlan remove = plan(c, observed(3, pods(3, "5eed"), view));
    assertThat(remove.step()).isEqualTo(Step.REMOVE_MEMBER);
    assertThat(remove.pod()).contains("a-4");
    assertThat(remove.nodeId()).contains("5eed");
    assertThat(remove.statefulSetReplicas()).isEqualTo(3);
    assertThat(remove.active()).as("not done while it is listed").isTrue();
  }

  @Test
  void theScaleDownIsNotDoneWhileAPodAboveTheTargetStillTerminates() {
    CowsqlCluster c = fiveToThree();
    CowsqlView view = led(c, 0, "voter", "voter", "voter");
    // whenScaled: Retain, the StatefulSet at 3 and the leader lists only the three that stay, but a-3 still runs
    ScaleDownPlan terminating = plan(c, observed(3, pods(4, ""), view));
    assertThat(terminating.step()).isEqualTo(Step.AWAIT_POD_GONE);
    assertThat(terminating.pod()).contains("a-3");
    assertThat(terminating.claim()).isEmpty();
    assertThat(terminating.changesMembership()).isFalse();
    assertThat(terminating.statefulSetReplicas()).isEqualTo(3);
    assertThat(terminating.message()).contains("Waiting for pod a-3 to terminate");

    ScaleDownPlan done = plan(c, observed(3, pods(3, ""), view));
    assertThat(done.step()).isEqualTo(Step.NONE);
  }

  @Test
  void aNewNodeBelowTheTargetIsNeverTakenOut() {
    CowsqlCluster c = fiveToThree();
    // a-1 lost its member and joined again as 5eed: it stays, only a-3 goes
    CowsqlView view = withMember(c, led(c, 0, "voter", "voter", "voter", "standby"), "5eed", 1, "spare");
    ScaleDownPlan plan = plan(c, observed(4, pods(4, "1003"), view));
    assertThat(plan.step()).isEqualTo(Step.DEMOTE_TO_SPARE);
    assertThat(plan.nodeId()).contains("1003");
    assertThat(plan.leaving()).contains("1003");

    CowsqlView after = withMember(c, led(c, 0, "voter", "voter", "voter"), "5eed", 1, "spare");
    ScaleDownPlan done = plan(c, observed(3, pods(3, ""), after));
    assertThat(done.step()).isEqualTo(Step.NONE);
    assertThat(done.leaving()).contains("");
  }

  @Test
  void aTargetBelowTheVoterTargetIsRefusedAndNothingIsMarked() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 2;
    ScaleDownPlan plan = plan(c, observed(3, pods(3, null), led(c, 0, "voter", "voter", "voter")));
    assertThat(plan.step()).isEqualTo(Step.REFUSED);
    assertThat(plan.statefulSetReplicas()).isEqualTo(3);
    assertThat(plan.leaving()).contains("");
    assertThat(plan.message()).contains("spec.replicas is 2 but spec.roles.voters is 3")
        .contains("set spec.roles.voters to 2 or less first").contains("set spec.replicas back to 3");
  }

  @Test
  void withoutALeaderNothingIsChangedAndTheLeavingMarksStay() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, pods(5, LEAVING_3_4), noAnswer()));
    assertThat(plan.step()).isEqualTo(Step.REFUSED);
    assertThat(plan.statefulSetReplicas()).isEqualTo(5);
    assertThat(plan.leaving()).as("unknown: every pod keeps its mark").isEmpty();
    assertThat(plan.message()).contains("no leader answers").contains("resumes by itself");
  }

  @Test
  void aVoterThatIsNotReadyHoldsBackEveryVoterChange() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, withNotReady(pods(5, LEAVING_3_4), 1),
        led(c, 0, "voter", "voter", "voter", "spare", "voter")));
    assertThat(plan.step()).isEqualTo(Step.REFUSED);
    assertThat(plan.message()).contains("voters a-1 are not Ready").contains("resumes by itself");
    assertThat(plan.statefulSetReplicas()).isEqualTo(5);
  }

  @Test
  void aVoterWithNoReadyReplacementIsRefused() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = plan(c, observed(5, withNotReady(pods(5, LEAVING_3_4), 2),
        led(c, 0, "voter", "voter", "spare", "spare", "voter")));
    assertThat(plan.step()).isEqualTo(Step.REFUSED);
    assertThat(plan.message()).contains("2 voters stay and 3 are wanted").contains("no standby or spare that stays is Ready");
  }

  @Test
  void raisingReplicasBackEndsTheScaleDownAndClearsTheMarks() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 5;
    ObservedCluster o = observed(5, pods(5, LEAVING_3_4), led(c, 0, "voter", "voter", "voter", "spare", "spare"));
    ScaleDownPlan plan = plan(c, o);
    assertThat(plan.step()).isEqualTo(Step.NONE);
    assertThat(plan.leaving()).contains("");
    ClusterPlan whole = ClusterPlanner.decide(c, o);
    whole.podAnnotations().values().forEach(a -> assertThat(a).containsEntry(Annotations.LEAVING, null));
  }

  @Test
  void aClusterThatNeverFormedShrinksAtOnce() {
    CowsqlCluster c = fiveToThree();
    ScaleDownPlan plan = ScaleDownPlanner.plan(c, observed(5, List.of(), noAnswer()), false);
    assertThat(plan.step()).isEqualTo(Step.SHRINK_STATEFUL_SET);
    assertThat(plan.statefulSetReplicas()).isEqualTo(3);
  }
}
