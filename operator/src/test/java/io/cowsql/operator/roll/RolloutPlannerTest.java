package io.cowsql.operator.roll;

import static io.cowsql.operator.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.RolloutStatus;
import io.cowsql.operator.recovery.LogPosition;
import io.cowsql.operator.roll.RolloutObservation.PodRevision;
import io.cowsql.operator.roll.RolloutPlan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RolloutPlannerTest {
  static final RolloutPlanner.Limits LIMITS = new RolloutPlanner.Limits(Duration.ofMinutes(10), 50);
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  /** A cluster as the planner sees it, changed step by step as the operator and Kubernetes would change it. */
  static final class Sim {
    final CowsqlCluster cluster = cluster("a");
    String updateRevision = "new";
    final Map<Integer, PodRevision> pods = new TreeMap<>();
    final Map<String, LogPosition> positions = new LinkedHashMap<>();
    final List<String> roles = new ArrayList<>();
    int leader;
    Optional<RolloutStatus> previous = Optional.empty();
    Instant now = T0;

    Sim(int leader, String... roles) {
      this.leader = leader;
      for (int i = 0; i < roles.length; i++) {
        this.roles.add(roles[i]);
        pods.put(i, new PodRevision(name(i), i, Optional.of("old"), true, false, false));
        positions.put(name(i), new LogPosition(1, 1000));
      }
    }

    String name(int i) {
      return ClusterNames.pod(cluster, i);
    }

    void set(int i, String revision, boolean ready) {
      PodRevision p = pods.get(i);
      pods.put(i, new PodRevision(p.name(), i, Optional.of(revision), ready, false, p.approved()));
    }

    void approve(int i) {
      PodRevision p = pods.get(i);
      pods.put(i, new PodRevision(p.name(), i, p.revision(), p.ready(), p.terminating(), true));
    }

    CowsqlView view() {
      List<CowsqlView.Member> members = new ArrayList<>();
      for (int i = 0; i < roles.size(); i++) {
        members.add(new CowsqlView.Member(Long.toHexString(0x1000 + i), ClusterNames.podAddress(cluster, name(i)),
            roles.get(i)));
      }
      return new CowsqlView(true, Optional.of(ClusterNames.podAddress(cluster, name(leader))), members,
          Optional.empty());
    }

    RolloutPlan plan() {
      RolloutObservation o = new RolloutObservation(Optional.ofNullable(updateRevision), roles.size(),
          List.copyOf(pods.values()), positions, view());
      RolloutPlan plan = RolloutPlanner.plan(cluster, o, previous, now, LIMITS);
      previous = Optional.of(plan.status());
      return plan;
    }

    /** Carries a step out the way the cluster answers it: a restarted pod comes back updated and caught up. */
    void apply(RolloutPlan plan) {
      int ordinal = ClusterNames.ordinal(cluster, plan.pod().orElseThrow());
      if (plan.step() == Step.RESTART) {
        set(ordinal, updateRevision, true);
      } else if (plan.step() == Step.TRANSFER_LEADERSHIP) {
        leader = Integer.parseInt(plan.targetNodeId().orElseThrow(), 16) - 0x1000;
      }
    }
  }

  @Test
  void sparesThenStandbysThenVoterFollowersOneAtATimeAndTheLeaderLastAfterAHandover() {
    Sim sim = new Sim(0, "voter", "voter", "voter", "standby", "spare");
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RolloutPlan plan = sim.plan();
      if (plan.step() == Step.IDLE) {
        break;
      }
      steps.add(plan.step().display() + " " + plan.pod().orElseThrow());
      sim.apply(plan);
    }
    assertThat(steps).containsExactly("Restart a-4", "Restart a-3", "Restart a-2", "Restart a-1",
        "TransferLeadership a-0", "Restart a-0");
    assertThat(sim.leader).as("leadership went to an updated voter").isEqualTo(1);
    RolloutPlan done = sim.plan();
    assertThat(done.updated()).isEqualTo(5);
    assertThat(done.total()).isEqualTo(5);
    assertThat(done.revisions()).containsEntry("a-0", "new").hasSize(5);
  }

  @Test
  void theNextPodWaitsUntilTheRestartedOneIsReadyAndCaughtUp() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    sim.set(2, "new", false);
    RolloutPlan plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.WAIT);
    assertThat(plan.pod()).contains("a-2");
    assertThat(plan.message()).contains("Ready");
    assertThat(plan.restarting("a-2")).as("its absence is the rollout's doing").isTrue();
    assertThat(plan.restarting("a-1")).isFalse();

    sim.set(2, "new", true);
    sim.positions.put("a-2", new LogPosition(1, 900));
    plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.WAIT);
    assertThat(plan.message()).contains("catch up", "900", "1000");

    sim.positions.put("a-2", new LogPosition(1, 960));
    plan = sim.plan();
    assertThat(plan.step()).as("within the bound of the leader's index").isEqualTo(Step.RESTART);
    assertThat(plan.pod()).contains("a-1");
  }

  @Test
  void aVoterIsNotRestartedWhileAnotherVoterIsBehindOrNotReady() {
    Sim sim = new Sim(0, "voter", "voter", "voter", "spare");
    sim.set(3, "new", true);
    sim.positions.put("a-1", new LogPosition(1, 10));
    RolloutPlan plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.WAIT);
    assertThat(plan.pod()).contains("a-2");
    assertThat(plan.message()).contains("Quorum check", "a-1 is behind");

    sim.positions.remove("a-1");
    assertThat(sim.plan().message()).contains("a-1 did not report its log position");

    sim.positions.put("a-1", new LogPosition(1, 1000));
    sim.set(1, "old", false);
    plan = sim.plan();
    // a-1 is outdated and not Ready, so it goes first; its own restart needs a-2 and the leader caught up: they are.
    assertThat(plan.step()).isEqualTo(Step.RESTART);
    assertThat(plan.pod()).contains("a-1");
  }

  @Test
  void aPodThatDoesNotComeBackStopsTheRolloutAndRevertingTheSpecResumesIt() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    sim.set(2, "new", false); // a bad image: it never gets Ready
    RolloutPlan first = sim.plan();
    assertThat(first.step()).isEqualTo(Step.WAIT);
    assertThat(first.waitingSince()).contains(T0);

    sim.now = T0.plus(Duration.ofMinutes(5));
    assertThat(sim.plan().waitingSince()).as("the wait counts from the first pass").contains(T0);

    sim.now = T0.plus(Duration.ofMinutes(11));
    RolloutPlan stopped = sim.plan();
    assertThat(stopped.step()).isEqualTo(Step.STOPPED);
    assertThat(stopped.acts()).isFalse();
    assertThat(stopped.message()).contains("stopped at a-2", "revert");
    assertThat(stopped.status().stopReason).contains("a-2");
    assertThat(sim.pods.get(1).revision()).as("the rest is left as it is").contains("old");

    // Reverted: the template is the old revision again, the stuck pod is the one outdated pod.
    sim.updateRevision = "old";
    RolloutPlan resumed = sim.plan();
    assertThat(resumed.step()).isEqualTo(Step.RESTART);
    assertThat(resumed.pod()).contains("a-2");
    sim.apply(resumed);
    assertThat(sim.plan().step()).isEqualTo(Step.IDLE);
  }

  @Test
  void aStoppedRolloutResumesWhenThePodComesBack() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    sim.set(2, "new", false);
    sim.plan();
    sim.now = T0.plus(Duration.ofMinutes(11));
    assertThat(sim.plan().step()).isEqualTo(Step.STOPPED);
    sim.set(2, "new", true);
    RolloutPlan plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.RESTART);
    assertThat(plan.pod()).contains("a-1");
  }

  @Test
  void aNewRestartRevisionRollsEveryPodOnce() {
    // cowsql.io/restart goes into the pod template (StatefulSetDependentTest): a new value is a new update revision.
    Sim sim = new Sim(1, "voter", "voter", "voter");
    List<String> restarted = new ArrayList<>();
    for (RolloutPlan plan = sim.plan(); plan.step() != Step.IDLE; plan = sim.plan()) {
      assertThat(restarted).as("bounded").hasSizeLessThan(10);
      if (plan.step() == Step.RESTART) {
        restarted.add(plan.pod().orElseThrow());
      }
      sim.apply(plan);
    }
    assertThat(restarted).as("each pod once, the leader a-1 last").containsExactly("a-2", "a-0", "a-1");
    assertThat(sim.pods.values()).allMatch(p -> p.revision().orElseThrow().equals("new"));
  }

  @Test
  void manualUpdatesOnlyAnnotatedPodsAndStillKeepsTheOrder() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    sim.cluster.getSpec().updateStrategy = CowsqlClusterSpec.UpdateStrategy.Manual;
    RolloutPlan plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.AWAIT_APPROVAL);
    assertThat(plan.message()).contains("cowsql.io/update", "a-0, a-1, a-2");

    sim.approve(1);
    plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.RESTART);
    assertThat(plan.pod()).as("annotated, though a-2 would come first").contains("a-1");
    sim.apply(plan);
    assertThat(sim.plan().step()).isEqualTo(Step.AWAIT_APPROVAL);

    sim.approve(0);
    plan = sim.plan();
    assertThat(plan.step()).as("the leader still hands over first").isEqualTo(Step.TRANSFER_LEADERSHIP);
    assertThat(plan.targetNodeId()).contains(Long.toHexString(0x1001));
  }

  @Test
  void theLeaderWaitsWhenNoOtherVoterRunsTheNewRevision() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    sim.cluster.getSpec().updateStrategy = CowsqlClusterSpec.UpdateStrategy.Manual;
    sim.approve(0);
    RolloutPlan plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.WAIT);
    assertThat(plan.message()).contains("no other voter runs revision new");
  }

  @Test
  void nothingRestartsWithoutALeaderOrWhileAPodTerminates() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    RolloutObservation noLeader = new RolloutObservation(Optional.of("new"), 3, List.copyOf(sim.pods.values()),
        sim.positions, CowsqlView.unreachable("no pod answers"));
    RolloutPlan plan = RolloutPlanner.plan(sim.cluster, noLeader, Optional.empty(), T0, LIMITS);
    assertThat(plan.step()).isEqualTo(Step.WAIT);
    assertThat(plan.message()).contains("no leader");

    PodRevision p = sim.pods.get(2);
    sim.pods.put(2, new PodRevision(p.name(), 2, Optional.of("old"), false, true, false));
    assertThat(sim.plan().message()).contains("a-2 is terminating");
    sim.pods.remove(2);
    assertThat(sim.plan().message()).contains("a-2 is being recreated");
  }

  @Test
  void allPodsAtTheUpdateRevisionOrARevisionNotKnownYetIsIdle() {
    Sim sim = new Sim(0, "voter", "voter", "voter");
    sim.updateRevision = "old";
    assertThat(sim.plan().step()).isEqualTo(Step.IDLE);
    assertThat(sim.plan().active()).isFalse();
    sim.updateRevision = null;
    assertThat(sim.plan().step()).isEqualTo(Step.IDLE);
  }

  @Test
  void aSingleVoterRestartsWithoutAHandover() {
    Sim sim = new Sim(0, "voter", "spare");
    sim.set(1, "new", true);
    RolloutPlan plan = sim.plan();
    assertThat(plan.step()).isEqualTo(Step.RESTART);
    assertThat(plan.message()).contains("the only voter");
  }
}
