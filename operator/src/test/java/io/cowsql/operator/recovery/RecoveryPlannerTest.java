package io.cowsql.operator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.RecoverySpec.Mode;
import io.cowsql.operator.model.RecoveryStatus;
import io.cowsql.operator.model.RecoveryStatus.Phase;
import io.cowsql.operator.recovery.LossEvidence.ClaimState;
import io.cowsql.operator.recovery.LossEvidence.NodeState;
import io.cowsql.operator.recovery.RecoveryPlanner.Approval;
import io.cowsql.operator.recovery.RecoveryPlanner.Member;
import io.cowsql.operator.recovery.RecoveryPlanner.Observation;
import io.cowsql.operator.recovery.RecoveryPlanner.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The safety rules of quorum-loss recovery, one pass at a time: a three-node cluster db-0, db-1, db-2 whose voters
 * db-1 and db-2 stop answering; db-0 survives.
 */
class RecoveryPlannerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final List<ConfigMember> OLD_CONFIG = List.of(cfg(0), cfg(1), cfg(2));

  private static ConfigMember cfg(int ordinal) {
    return new ConfigMember("n" + ordinal, "db-" + ordinal + ".db-peers:9000", "voter");
  }

  private static Settings settings(Mode mode) {
    return new Settings(mode, TIMEOUT, 3, "db");
  }

  /** A mutable world the tests change between passes. */
  private static final class World {
    Instant now = T0;
    boolean leader;
    int votersNow;
    final Map<Integer, Boolean> answering = new HashMap<>(Map.of(0, true, 1, false, 2, false));
    final Map<String, LossEvidence.Facts> facts = new LinkedHashMap<>();
    final Map<String, SurvivorSelector.Report> reports = new LinkedHashMap<>();
    Optional<Approval> approval = Optional.empty();
    /** pod -> the epoch its data dir records, as its agent reports it. */
    final Map<String, Long> dirEpochs = new LinkedHashMap<>();
    /** pod -> the epoch its annotation gives it. */
    final Map<String, Long> podEpochs = new LinkedHashMap<>();

    World() {
      for (int i = 0; i < 3; i++) {
        intact(i);
      }
    }

    void intact(int ordinal) {
      onNode(ordinal, NodeState.PRESENT);
    }

    /** Pod and claim intact, on a Node in this state. */
    void onNode(int ordinal, NodeState node) {
      facts.put("db-" + ordinal, new LossEvidence.Facts("db-" + ordinal, true, "data-db-" + ordinal,
          ClaimState.PRESENT, Optional.of("uid-" + ordinal), Optional.of("node-" + ordinal), node));
    }

    void gone(int ordinal) {
      facts.put("db-" + ordinal, new LossEvidence.Facts("db-" + ordinal, false, "data-db-" + ordinal,
          ClaimState.DELETED, Optional.empty(), Optional.of("node-" + ordinal), NodeState.PRESENT));
    }

    /** The StatefulSet recreated the pod, with a new claim. */
    void recreated(int ordinal) {
      facts.put("db-" + ordinal, new LossEvidence.Facts("db-" + ordinal, true, "data-db-" + ordinal,
          ClaimState.PRESENT, Optional.of("new-uid-" + ordinal), Optional.of("node-x"), NodeState.PRESENT));
    }

    void stopped(int ordinal, long term, long index, List<ConfigMember> config) {
      reports.put("db-" + ordinal, new SurvivorSelector.Report("db-" + ordinal, ordinal, "n" + ordinal, true,
          Optional.of(new LogPosition(term, index)), config, List.of()));
    }

    Observation observe() {
      List<Member> members = List.of(0, 1, 2).stream().map(i -> new Member("db-" + i, i, "n" + i,
          "db-" + i + ".db-peers:9000", "voter", answering.get(i))).toList();
      return new Observation(now, leader, votersNow, members, List.of("db-0", "db-1", "db-2"), facts, reports,
          approval, dirEpochs, podEpochs);
    }
  }

  /** Runs passes every 10 s (the operator's busy resync) until {@code until}, carrying the status forward. */
  private static RecoveryPlan passes(Settings settings, World w, RecoveryStatus start, Duration until,
      List<RecoveryPlan> seen) {
    RecoveryStatus status = start;
    RecoveryPlan plan = null;
    Instant end = w.now.plus(until);
    while (!w.now.isAfter(end)) {
      plan = RecoveryPlanner.decide(settings, w.observe(), status);
      seen.add(plan);
      status = plan.status();
      w.now = w.now.plusSeconds(10);
    }
    return plan;
  }

  private static boolean destructive(RecoveryPlan p) {
    return p.step() instanceof RecoveryPlan.Fence || p.step() instanceof RecoveryPlan.Reconfigure
        || p.step() instanceof RecoveryPlan.StopSurvivors || p.step() instanceof RecoveryPlan.Regrow;
  }

  @Test
  void aHealthyClusterRecordsNothing() {
    World w = new World();
    w.leader = true;
    RecoveryPlan p = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), null);
    assertThat(p.status()).isNull();
    assertThat(p.step()).isInstanceOf(RecoveryPlan.Observe.class);
  }

  @Test
  void votersPausedForLessThanTheTimeoutOnlyWaitAndSayHowLong() {
    World w = new World();
    RecoveryPlan first = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), null);
    assertThat(first.status().phase).isEqualTo(Phase.Waiting);
    assertThat(first.reason()).isEqualTo(RecoveryPlan.WAITING);
    assertThat(first.message()).contains("db-1, db-2", "1 of 3", "2 needed", "in 300 s");
    List<RecoveryPlan> seen = new java.util.ArrayList<>();
    RecoveryPlan last = passes(settings(Mode.Automatic), w, first.status(), TIMEOUT.minusSeconds(20), seen);
    assertThat(last.status().phase).isEqualTo(Phase.Waiting);
    assertThat(seen).noneMatch(RecoveryPlannerTest::destructive);
  }

  @Test
  void votersPausedForLongerWithTheirVolumesIntactNeverRecoverAndTheStatusSaysWhatWouldCount() {
    World w = new World();
    List<RecoveryPlan> seen = new java.util.ArrayList<>();
    RecoveryPlan last = passes(settings(Mode.Automatic), w, null, Duration.ofHours(1), seen);
    assertThat(seen).noneMatch(RecoveryPlannerTest::destructive);
    assertThat(last.status().phase).isEqualTo(Phase.AwaitingEvidence);
    assertThat(last.status().epoch).isNull();
    assertThat(last.reason()).isEqualTo(RecoveryPlan.AWAITING_EVIDENCE);
    assertThat(last.message()).contains("db-1", "db-2", "data-db-1", "node-2", LossEvidence.OUT_OF_SERVICE_TAINT,
        "heals by itself");
    assertThat(last.status().lost).extracting(m -> m.evidence).containsOnlyNulls();

    // they resume: the recovery is cancelled, nothing was done
    w.answering.putAll(Map.of(1, true, 2, true));
    w.leader = true;
    RecoveryPlan back = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), last.status());
    assertThat(back.status().phase).isEqualTo(Phase.Cancelled);
    assertThat(back.step()).isInstanceOf(RecoveryPlan.Observe.class);
    assertThat(back.status().history).singleElement().extracting(h -> h.outcome).isEqualTo(Phase.Cancelled);
  }

  @Test
  void evidenceForOnlyOneOfTheLostVotersIsNotEnough() {
    World w = new World();
    w.gone(1);
    RecoveryPlan last = passes(settings(Mode.Automatic), w, null, TIMEOUT.plusMinutes(1), new java.util.ArrayList<>());
    assertThat(last.status().phase).isEqualTo(Phase.AwaitingEvidence);
    assertThat(last.message()).contains("db-2").doesNotContain("db-1: ");
  }

  @Test
  void quorumReturningBeforeFencingCancelsAndABriefReturnRestartsTheClock() {
    World w = new World();
    RecoveryPlan p = passes(settings(Mode.Automatic), w, null, Duration.ofMinutes(4), new java.util.ArrayList<>());
    assertThat(p.status().phase).isEqualTo(Phase.Waiting);
    w.answering.put(1, true); // one pass with a majority
    p = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    assertThat(p.status().phase).isNull();
    w.answering.put(1, false);
    w.gone(1);
    w.gone(2);
    w.now = w.now.plusSeconds(10);
    p = passes(settings(Mode.Automatic), w, p.status(), Duration.ofMinutes(4), new java.util.ArrayList<>());
    assertThat(p.status().phase).as("the clock restarted when quorum came back").isEqualTo(Phase.Waiting);
  }

  @Test
  void automaticRecoveryRunsEveryStepOnceInOrderAndEndsRecovered() {
    World w = new World();
    List<RecoveryPlan> seen = new java.util.ArrayList<>();
    RecoveryPlan p = passes(settings(Mode.Automatic), w, null, Duration.ofMinutes(1), seen);
    // pods and volumes of db-1 and db-2 deleted for good
    w.gone(1);
    w.gone(2);
    p = passes(settings(Mode.Automatic), w, p.status(), TIMEOUT, seen);
    RecoveryStatus s = p.status();
    assertThat(s.phase).isEqualTo(Phase.StoppingSurvivors);
    assertThat(s.epoch).isEqualTo(1L);
    assertThat(s.planId).startsWith("r1-");
    assertThat(s.lost).extracting(m -> m.pod + ":" + m.evidence).containsExactly("db-1:VolumeGone", "db-2:VolumeGone");
    assertThat(p.step()).isEqualTo(new RecoveryPlan.StopSurvivors(s.planId, List.of("db-0")));

    w.stopped(0, 7, 120, OLD_CONFIG);
    p = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), s);
    seen.add(p);
    assertThat(p.status().phase).isEqualTo(Phase.Reconfiguring);
    assertThat(p.status().template).isEqualTo("db-0");
    assertThat(p.status().survivors).singleElement().satisfies(x -> {
      assertThat(x.term).isEqualTo(7L);
      assertThat(x.index).isEqualTo(120L);
    });
    List<ConfigMember> target = List.of(cfg(0));
    assertThat(p.step()).isEqualTo(new RecoveryPlan.Reconfigure(p.status().planId, "db-0", "n0", target));

    // the operator dies after the reconfigure, before its status write: the same record again, the template's
    // configuration already the target -> no second reconfigure
    w.stopped(0, 8, 121, target);
    RecoveryPlan again = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    seen.add(again);
    assertThat(again.status().phase).isEqualTo(Phase.Regrowing);
    assertThat(again.status().publishedEpoch).as("published from regrowing on").isEqualTo(1L);
    assertThat(RecoveryPlanner.podAnnotations(again.status())).containsEntry("cowsql.io/epoch", "1")
        .containsEntry("cowsql.io/epoch-template", "n0");
    // the pods' annotations do not show the epoch yet: nothing is restarted before they do
    w.dirEpochs.putAll(Map.of("db-0", 0L, "db-1", 0L, "db-2", 1L));
    assertThat(again.step()).isEqualTo(new RecoveryPlan.Regrow(1, "n0", List.of()));
    w.podEpochs.putAll(Map.of("db-0", 1L, "db-1", 1L, "db-2", 1L));
    RecoveryPlan restart = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), again.status());
    assertThat(restart.step()).as("the stopped template and a node that started during the recovery, at epoch 0")
        .isEqualTo(new RecoveryPlan.Regrow(1, "n0", List.of("db-0", "db-1")));
    seen.add(restart);
    w.dirEpochs.putAll(Map.of("db-0", 1L, "db-1", 1L));

    w.leader = true;
    w.votersNow = 1;
    p = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), restart.status());
    assertThat(p.status().phase).as("one voter is not the spec's three").isEqualTo(Phase.Regrowing);
    assertThat(p.step()).isEqualTo(new RecoveryPlan.Regrow(1, "n0", List.of()));
    w.votersNow = 3;
    p = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    assertThat(p.status().phase).isEqualTo(Phase.Recovered);
    assertThat(p.reason()).isEqualTo(RecoveryPlan.RECOVERED);
    assertThat(p.step()).isInstanceOf(RecoveryPlan.Observe.class);
    assertThat(RecoveryPlanner.podAnnotations(p.status())).as("the template's exemption is withdrawn")
        .containsEntry("cowsql.io/epoch", "1").containsEntry("cowsql.io/epoch-template", null);
    assertThat(p.status().history).singleElement().satisfies(h -> {
      assertThat(h.outcome).isEqualTo(Phase.Recovered);
      assertThat(h.epoch).isEqualTo(1L);
      assertThat(h.template).isEqualTo("db-0");
    });
    seen.add(p);
    assertThat(seen.stream().filter(x -> x.step() instanceof RecoveryPlan.Reconfigure)).hasSize(1);

    // healthy from then on: the epoch stays published, nothing else happens
    RecoveryPlan healthy = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    assertThat(healthy.status().epoch).isEqualTo(1L);
    assertThat(healthy.status().phase).isEqualTo(Phase.Recovered);
    assertThat(healthy.step()).isInstanceOf(RecoveryPlan.Observe.class);
    assertThat(healthy.status().publishedEpoch).isEqualTo(1L);
  }

  @Test
  void fencingDeletesClaimsAndPodsForcingWhereTheNodeIsGoneAndIsDoneOnceOnlyNewIncarnationsRemain() {
    World w = new World();
    w.onNode(1, NodeState.DELETED);
    w.onNode(2, NodeState.OUT_OF_SERVICE);
    RecoveryPlan p = passes(settings(Mode.Automatic), w, null, TIMEOUT, new java.util.ArrayList<>());
    assertThat(p.status().phase).isEqualTo(Phase.Fencing);
    assertThat(p.status().lost).extracting(m -> m.evidence).containsExactly("NodeDeleted", "NodeOutOfService");
    assertThat(p.step()).isEqualTo(new RecoveryPlan.Fence(List.of("data-db-1", "data-db-2"), List.of(),
        List.of("db-1", "db-2")));
    String planId = p.status().planId;

    // the same pass again (an operator restarted): the same step, the same plan
    RecoveryPlan repeat = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    assertThat(repeat.step()).isEqualTo(p.step());
    assertThat(repeat.status().planId).isEqualTo(planId);

    // the StatefulSet recreated both on new claims: fenced
    w.recreated(1);
    w.recreated(2);
    RecoveryPlan done = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), repeat.status());
    assertThat(done.status().phase).isEqualTo(Phase.StoppingSurvivors);
    assertThat(done.status().epoch).isEqualTo(1L);
  }

  @Test
  void quorumReturningDuringFencingCancelsAndReleasesNothingNotStopped() {
    World w = new World();
    w.onNode(1, NodeState.DELETED);
    w.onNode(2, NodeState.DELETED);
    RecoveryPlan p = passes(settings(Mode.Automatic), w, null, TIMEOUT, new java.util.ArrayList<>());
    assertThat(p.status().phase).isEqualTo(Phase.Fencing);
    w.leader = true;
    RecoveryPlan c = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    assertThat(c.status().phase).isEqualTo(Phase.Cancelled);
    assertThat(c.step()).isInstanceOf(RecoveryPlan.Observe.class);
    assertThat(c.message()).contains("cancelled in Fencing");
  }

  @Test
  void quorumReturningWhileSurvivorsAreStoppedCancelsAndReleasesThem() {
    World w = new World();
    w.gone(1);
    w.gone(2);
    RecoveryPlan p = passes(settings(Mode.Automatic), w, null, TIMEOUT, new java.util.ArrayList<>());
    assertThat(p.status().phase).isEqualTo(Phase.StoppingSurvivors);
    w.stopped(0, 7, 120, OLD_CONFIG);
    w.answering.putAll(Map.of(1, true, 2, true));
    RecoveryPlan c = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), p.status());
    assertThat(c.status().phase).isEqualTo(Phase.Cancelled);
    assertThat(c.step()).isEqualTo(new RecoveryPlan.Release(List.of("db-0")));
    assertThat(c.status().publishedEpoch).as("a cancelled recovery never published its epoch").isNull();
    // the restart did not happen (the operator died, the delete failed): the next pass releases it again
    RecoveryPlan again = RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), c.status());
    assertThat(again.step()).isEqualTo(new RecoveryPlan.Release(List.of("db-0")));
    // restarted, its engine runs: nothing more
    w.reports.put("db-0", new SurvivorSelector.Report("db-0", 0, "n0", false, Optional.empty(), List.of(), List.of()));
    assertThat(RecoveryPlanner.decide(settings(Mode.Automatic), w.observe(), again.status()).step())
        .isInstanceOf(RecoveryPlan.Observe.class);
  }

  @Test
  void manualModeRunsOnlyOnTheExactPlanIdAndRefusesAStaleOne() {
    World w = new World();
    w.gone(1);
    w.gone(2);
    List<RecoveryPlan> seen = new java.util.ArrayList<>();
    RecoveryPlan p = passes(settings(Mode.Manual), w, null, Duration.ofMinutes(30), seen);
    assertThat(seen).noneMatch(RecoveryPlannerTest::destructive);
    assertThat(p.status().phase).isEqualTo(Phase.AwaitingApproval);
    assertThat(p.reason()).isEqualTo(RecoveryPlan.AWAITING_APPROVAL);
    String planId = p.status().planId;
    assertThat(p.message()).contains("kubectl annotate cowsqlcluster/db " + RecoveryPlanner.APPROVE_ANNOTATION + "="
        + planId);

    w.approval = Optional.of(new Approval("r1-00000000", "alice"));
    RecoveryPlan stale = RecoveryPlanner.decide(settings(Mode.Manual), w.observe(), p.status());
    assertThat(stale.status().phase).isEqualTo(Phase.AwaitingApproval);
    assertThat(stale.message()).contains("'r1-00000000' is refused", planId);
    assertThat(destructive(stale)).isFalse();

    w.approval = Optional.of(new Approval(planId, "alice"));
    RecoveryPlan go = RecoveryPlanner.decide(settings(Mode.Manual), w.observe(), stale.status());
    assertThat(go.status().phase).isEqualTo(Phase.StoppingSurvivors);
    assertThat(go.status().approvedBy).isEqualTo("alice");
    assertThat(go.status().epoch).isEqualTo(1L);
  }

  @Test
  void aLostStandbyIsFencedLikeAVoterOnlyWithEvidenceAndIsNoSurvivor() {
    // five members: voters db-0..2, standbys db-3 and db-4; db-0, db-1 and the standby db-3 lost
    Map<String, Boolean> answering = Map.of("db-0", false, "db-1", false, "db-2", true, "db-3", false, "db-4", true);
    List<Member> members = List.of(0, 1, 2, 3, 4).stream().map(i -> new Member("db-" + i, i, "n" + i,
        "db-" + i + ".db-peers:9000", i < 3 ? "voter" : "standby", answering.get("db-" + i))).toList();
    Map<String, LossEvidence.Facts> facts = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      facts.put("db-" + i, new LossEvidence.Facts("db-" + i, true, "data-db-" + i, ClaimState.PRESENT,
          Optional.of("uid-" + i), Optional.of("node-" + i), NodeState.PRESENT));
    }
    Settings automatic = new Settings(Mode.Automatic, TIMEOUT, 3, "db");
    RecoveryPlan p = RecoveryPlanner.decide(automatic, new Observation(T0, false, 0, members, List.of("db-0", "db-1",
        "db-2", "db-3", "db-4"), facts, Map.of(), Optional.empty()), null);
    assertThat(p.status().lost).extracting(m -> m.pod).containsExactly("db-0", "db-1", "db-3");
    assertThat(p.status().survivors).extracting(m -> m.pod).containsExactly("db-2", "db-4");
    // after the timeout: the standby's volume is intact, so it may come back with a log ahead of db-2's: wait
    RecoveryPlan later = p;
    for (Instant t = T0.plusSeconds(10); !t.isAfter(T0.plus(TIMEOUT).plusSeconds(10)); t = t.plusSeconds(10)) {
      later = RecoveryPlanner.decide(automatic, new Observation(t, false, 0, members, List.of("db-0", "db-1", "db-2",
          "db-3", "db-4"), facts, Map.of(), Optional.empty()), later.status());
      assertThat(destructive(later)).isFalse();
    }
    assertThat(later.status().phase).isEqualTo(Phase.AwaitingEvidence);
    assertThat(later.message()).contains("db-3");
    // all three gone for good (pods and claims deleted): the recovery runs, and stops only the two that answer
    for (String pod : List.of("db-0", "db-1", "db-3")) {
      facts.put(pod, new LossEvidence.Facts(pod, false, "data-" + pod, ClaimState.DELETED, Optional.empty(),
          Optional.of("node-x"), NodeState.PRESENT));
    }
    RecoveryPlan go = RecoveryPlanner.decide(automatic, new Observation(T0.plus(TIMEOUT).plusSeconds(20), false, 0,
        members, List.of("db-2", "db-4"), facts, Map.of(), Optional.empty()), later.status());
    assertThat(go.status().phase).isEqualTo(Phase.StoppingSurvivors);
    assertThat(go.step()).isEqualTo(new RecoveryPlan.StopSurvivors(go.status().planId, List.of("db-2", "db-4")));
  }

  @Test
  void anApprovalLeftFromAnEarlierLossOfTheSameMembersNeverApprovesALaterOne() {
    World w = new World(); // db-1 and db-2 paused, volumes intact
    RecoveryPlan first = passes(settings(Mode.Manual), w, null, TIMEOUT.plusMinutes(1), new java.util.ArrayList<>());
    assertThat(first.status().phase).isEqualTo(Phase.AwaitingApproval);
    String earlier = first.status().planId;
    w.approval = Optional.of(new Approval(earlier, "alice")); // approved, but they came back before it ran
    w.answering.putAll(Map.of(1, true, 2, true));
    w.leader = true;
    RecoveryPlan back = RecoveryPlanner.decide(settings(Mode.Manual), w.observe(), first.status());
    // the approval ran the plan in this pass or quorum cancelled it: quorum answers, so nothing destructive runs
    assertThat(destructive(back)).isFalse();
    // an hour later the same two are lost again; the annotation is still on the resource
    w.now = w.now.plus(Duration.ofHours(1));
    w.answering.putAll(Map.of(1, false, 2, false));
    w.leader = false;
    List<RecoveryPlan> seen = new java.util.ArrayList<>();
    RecoveryPlan later = passes(settings(Mode.Manual), w, back.status(), TIMEOUT.plusMinutes(1), seen);
    assertThat(later.status().planId).isNotEqualTo(earlier);
    assertThat(later.status().phase).isEqualTo(Phase.AwaitingApproval);
    assertThat(later.message()).contains("'" + earlier + "' is refused");
    assertThat(seen).noneMatch(RecoveryPlannerTest::destructive);
  }

  @Test
  void aManualApprovalWaivesMissingEvidenceAndThePlanStatesIt() {
    World w = new World(); // db-1 and db-2 merely paused
    RecoveryPlan p = passes(settings(Mode.Manual), w, null, TIMEOUT.plusMinutes(1), new java.util.ArrayList<>());
    assertThat(p.message()).contains("waives missing evidence", "paused or partitioned");
    w.approval = Optional.of(new Approval(p.status().planId, "bob"));
    RecoveryPlan go = RecoveryPlanner.decide(settings(Mode.Manual), w.observe(), p.status());
    assertThat(go.status().phase).isEqualTo(Phase.Fencing);
    assertThat(go.step()).isEqualTo(new RecoveryPlan.Fence(List.of("data-db-1", "data-db-2"),
        List.of("db-1", "db-2"), List.of()));
  }

  @Test
  void anApprovalOfAnOlderPlanDoesNotApproveANewLoss() {
    World w = new World();
    w.gone(1);
    w.gone(2);
    RecoveryPlan p = passes(settings(Mode.Manual), w, null, TIMEOUT.plusMinutes(1), new java.util.ArrayList<>());
    String first = p.status().planId;
    // db-0 is lost as well now... and db-1 answers again: another set of lost members, another plan
    w.answering.putAll(Map.of(0, false, 1, true));
    w.approval = Optional.of(new Approval(first, "alice"));
    RecoveryPlan q = RecoveryPlanner.decide(settings(Mode.Manual), w.observe(), p.status());
    assertThat(q.status().planId).isNotEqualTo(first);
    assertThat(q.status().phase).isEqualTo(Phase.AwaitingApproval);
    assertThat(q.message()).contains("refused");
  }

  @Test
  void disabledModeOnlyReports() {
    World w = new World();
    w.gone(1);
    w.gone(2);
    List<RecoveryPlan> seen = new java.util.ArrayList<>();
    w.approval = Optional.of(new Approval("anything", "alice"));
    RecoveryPlan p = passes(settings(Mode.Disabled), w, null, Duration.ofMinutes(30), seen);
    assertThat(seen).noneMatch(RecoveryPlannerTest::destructive);
    assertThat(p.status().phase).isEqualTo(Phase.ReportOnly);
    assertThat(p.reason()).isEqualTo(RecoveryPlan.DISABLED);
    assertThat(p.message()).contains("Disabled", "gone for good");
  }

  /** Five members, three lost; the survivors db-3 and db-4 stand at different positions. */
  @Test
  void theMoreUpToDateSurvivorIsTheTemplateAndAMissingReportWaitsForAPerson() {
    RecoveryStatus s = recorded(Phase.StoppingSurvivors, 3, "r3-abcdef01");
    s.survivors = List.of(survivor("db-3", "n3"), survivor("db-4", "n4"));
    List<ConfigMember> config = List.of(new ConfigMember("n3", "db-3.db-peers:9000", "voter"),
        new ConfigMember("n4", "db-4.db-peers:9000", "voter"));
    Map<String, SurvivorSelector.Report> reports = new LinkedHashMap<>();
    reports.put("db-3", new SurvivorSelector.Report("db-3", 3, "n3", true, Optional.of(new LogPosition(5, 400)),
        config, List.of()));
    Observation o = fiveMembers(T0.plusSeconds(5), reports, Optional.empty());
    RecoveryPlan waiting = RecoveryPlanner.decide(new Settings(Mode.Automatic, TIMEOUT, 5, "db"), o, s);
    assertThat(waiting.status().phase).isEqualTo(Phase.StoppingSurvivors);
    assertThat(waiting.message()).contains("db-4");

    // db-4 never reports: after the wait the choice is made, ambiguous -> a new plan id to approve
    Observation late = fiveMembers(T0.plus(RecoveryPlanner.SURVIVOR_REPORT_WAIT), reports,
        Optional.of(new Approval("r3-abcdef01", "alice")));
    RecoveryPlan ambiguous = RecoveryPlanner.decide(new Settings(Mode.Automatic, TIMEOUT, 5, "db"), late,
        waiting.status());
    assertThat(ambiguous.status().phase).isEqualTo(Phase.Choosing);
    assertThat(ambiguous.reason()).isEqualTo(RecoveryPlan.AWAITING_APPROVAL);
    String choice = ambiguous.status().planId;
    assertThat(choice).isNotEqualTo("r3-abcdef01");
    assertThat(ambiguous.message()).contains("db-4 did not report", "Proposed: db-3", "'r3-abcdef01' is refused");
    assertThat(ambiguous.step()).isInstanceOf(RecoveryPlan.StopSurvivors.class);

    // db-4 reports after all, further ahead: the proposal changes, and so does the id to approve
    reports.put("db-4", new SurvivorSelector.Report("db-4", 4, "n4", true, Optional.of(new LogPosition(6, 10)),
        config, List.of()));
    RecoveryPlan chosen = RecoveryPlanner.decide(new Settings(Mode.Automatic, TIMEOUT, 5, "db"),
        fiveMembers(late.now().plusSeconds(10), reports, Optional.of(new Approval(choice, "alice"))),
        ambiguous.status());
    assertThat(chosen.status().template).isEqualTo("db-4");
    // the engines stay stopped for the plan they were stopped for: the reconfigure names it, not the choice's id
    String stoppedFor = RecoveryPlanner.stopId(chosen.status());
    assertThat(stoppedFor).isNotEqualTo(chosen.status().planId);
    assertThat(ambiguous.step()).isEqualTo(new RecoveryPlan.StopSurvivors(stoppedFor, ((RecoveryPlan.StopSurvivors)
        ambiguous.step()).pods()));
    assertThat(chosen.step()).isEqualTo(new RecoveryPlan.Reconfigure(stoppedFor, "db-4", "n4",
        List.of(new ConfigMember("n4", "db-4.db-peers:9000", "voter"))));
  }

  @Test
  void anApprovedAmbiguousChoiceProceedsWithTheProposedTemplate() {
    RecoveryStatus s = recorded(Phase.Choosing, 1, "r1-11111111");
    s.survivors = List.of(survivor("db-3", "n3"), survivor("db-4", "n4"));
    Map<String, SurvivorSelector.Report> reports = Map.of("db-3", new SurvivorSelector.Report("db-3", 3, "n3", true,
        Optional.of(new LogPosition(5, 400)), List.of(new ConfigMember("n3", "db-3.db-peers:9000", "voter"),
            new ConfigMember("n4", "db-4.db-peers:9000", "voter")), List.of()));
    Settings settings = new Settings(Mode.Automatic, TIMEOUT, 5, "db");
    RecoveryPlan ask = RecoveryPlanner.decide(settings, fiveMembers(T0, reports, Optional.empty()), s);
    RecoveryPlan go = RecoveryPlanner.decide(settings,
        fiveMembers(T0.plusSeconds(10), reports, Optional.of(new Approval(ask.status().planId, "carol"))),
        ask.status());
    assertThat(go.status().phase).isEqualTo(Phase.Reconfiguring);
    assertThat(go.status().template).isEqualTo("db-3");
    assertThat(go.status().approvedBy).isEqualTo("carol");
  }

  @Test
  void theTemplateIsNeverExchangedWhileReconfiguring() {
    RecoveryStatus s = recorded(Phase.Reconfiguring, 1, "r1-22222222");
    s.template = "db-3";
    s.templateNodeId = "n3";
    s.survivors = List.of(survivor("db-3", "n3"), survivor("db-4", "n4"));
    s.targetConfiguration = List.of(new RecoveryStatus.ConfigMember("n3", "db-3.db-peers:9000", "voter"));
    // db-3 restarted and its engine runs; db-4 reports a better position
    Map<String, SurvivorSelector.Report> reports = Map.of(
        "db-3", new SurvivorSelector.Report("db-3", 3, "n3", false, Optional.empty(), List.of(), List.of()),
        "db-4", new SurvivorSelector.Report("db-4", 4, "n4", true, Optional.of(new LogPosition(9, 9)), List.of(),
            List.of()));
    RecoveryPlan p = RecoveryPlanner.decide(new Settings(Mode.Automatic, TIMEOUT, 5, "db"),
        fiveMembers(T0, reports, Optional.empty()), s);
    assertThat(p.status().template).isEqualTo("db-3");
    assertThat(p.step()).isEqualTo(new RecoveryPlan.StopSurvivors(RecoveryPlanner.stopId(s), List.of("db-3")));
    assertThat(p.message()).contains("no other member will be used");
  }

  @Test
  void aReportFromAnotherNodeOnTheSurvivorsPodDoesNotCountAsTheSurvivor() {
    RecoveryStatus s = recorded(Phase.Choosing, 1, "r1-33333333");
    s.survivors = List.of(survivor("db-3", "n3"));
    Map<String, SurvivorSelector.Report> reports = Map.of("db-3", new SurvivorSelector.Report("db-3", 3, "other",
        true, Optional.of(new LogPosition(1, 1)), List.of(), List.of()));
    RecoveryPlan p = RecoveryPlanner.decide(new Settings(Mode.Automatic, TIMEOUT, 5, "db"),
        fiveMembers(T0, reports, Optional.empty()), s);
    assertThat(p.status().template).isNull();
    assertThat(p.message()).contains("db-3 did not report");
  }

  /** A status recorded in {@code phase} since T0. */
  private static RecoveryStatus recorded(Phase phase, long epoch, String planId) {
    RecoveryStatus s = new RecoveryStatus();
    s.phase = phase;
    s.phaseSince = T0.toString();
    s.epoch = epoch;
    s.planId = planId;
    return s;
  }

  private static RecoveryStatus.Survivor survivor(String pod, String nodeId) {
    RecoveryStatus.Survivor s = new RecoveryStatus.Survivor();
    s.pod = pod;
    s.nodeId = nodeId;
    return s;
  }

  private static Observation fiveMembers(Instant now, Map<String, SurvivorSelector.Report> reports,
      Optional<Approval> approval) {
    List<Member> members = List.of(0, 1, 2, 3, 4).stream().map(i -> new Member("db-" + i, i, "n" + i,
        "db-" + i + ".db-peers:9000", "voter", false)).toList();
    return new Observation(now, false, 0, members, List.of("db-0", "db-1", "db-2", "db-3", "db-4"), Map.of(),
        reports, approval);
  }
}
