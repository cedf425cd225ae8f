package io.cowsql.operator.recovery;

import io.cowsql.operator.model.RecoverySpec;
import io.cowsql.operator.model.RecoveryStatus;
import io.cowsql.operator.model.RecoveryStatus.Phase;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * decide for quorum-loss recovery: (spec.recovery, what was observed, status.recovery as recorded) -> the next
 * {@link RecoveryPlan}. Pure: no Kubernetes or cowsql calls. The phases, in order:
 *
 * <ol>
 * <li>{@code Waiting}: quorum lost ({@link QuorumLossDetector}) for less than quorumLossTimeout;</li>
 * <li>{@code AwaitingEvidence} (Automatic): not every lost voter is known to be gone for good ({@link LossEvidence});
 * {@code AwaitingApproval} (Manual): the plan is shown and runs only once its exact plan id is approved (which also
 * waives missing evidence); {@code ReportOnly} (Disabled);</li>
 * <li>{@code Fencing}: the plan and the incremented epoch are recorded, then the lost members' claims and pods are
 * deleted;</li>
 * <li>{@code StoppingSurvivors}: the other members stop their engines and report their last log entry;</li>
 * <li>{@code Choosing}: the template ({@link SurvivorSelector}); an ambiguous choice waits for the approval of a
 * new plan id naming the proposed template;</li>
 * <li>{@code Reconfiguring}: once, on the template, to the target configuration (the template alone as voter); done
 * when the template's last configuration already equals the target;</li>
 * <li>{@code Regrowing}: the epoch and the template are published to the pods; every other old data dir is set aside
 * and its node joins as new; {@code Recovered} once a leader answers with the spec's voters.</li>
 * </ol>
 * Quorum coming back before the reconfigure cancels the recovery ({@code Cancelled}); from the reconfigure on, the
 * recovery only goes forward. Every step is computed from live state against the record, so repeating a pass (an
 * operator restarted at any point) repeats no completed step.
 */
public final class RecoveryPlanner {
  /** On the CowsqlCluster: the plan id a person approves (Manual mode, or an ambiguous choice of template). */
  public static final String APPROVE_ANNOTATION = "cowsql.io/approve-recovery";

  /**
   * How long the survivors have to report a stopped engine and their last entry before the choice is made without
   * them (and so is ambiguous: it then waits for a person). An agent reads its data dir in well under a second; this
   * covers a pod restart and the downward API's refresh of its annotations file (up to a minute, the kubelet's sync).
   */
  public static final Duration SURVIVOR_REPORT_WAIT = Duration.ofMinutes(2);

  /** Phases from the plan's recording up to the reconfigure: quorum coming back still cancels. */
  private static final Set<Phase> CANCELLABLE_IN_PROGRESS =
      EnumSet.of(Phase.Fencing, Phase.StoppingSurvivors, Phase.Choosing);

  private RecoveryPlanner() {}

  /**
   * @param mode              spec.recovery.mode
   * @param quorumLossTimeout spec.recovery.quorumLossTimeout
   * @param targetVoters      the voters the role policy gives spec.replicas members (then the recovery is done)
   * @param clusterName       the CowsqlCluster's name, for the approval command in messages
   */
  public record Settings(RecoverySpec.Mode mode, Duration quorumLossTimeout, int targetVoters, String clusterName) {}

  /**
   * A member of the last known configuration.
   *
   * @param answering whether it answered the operator's probe in this pass
   */
  public record Member(String pod, int ordinal, String nodeId, String address, String role, boolean answering) {}

  /** A plan id approved on the CowsqlCluster, and who wrote the annotation. */
  public record Approval(String planId, String by) {}

  /**
   * What one pass saw.
   *
   * @param leaderAnswers whether a leader answered
   * @param votersNow     the voters the answering leader lists (0 without one)
   * @param members       the last known configuration (as the leader last reported it)
   * @param pods          the cluster's pods now
   * @param facts         pod -> what the API shows about that member's pod, claim and Node
   * @param reports       pod -> what its agent reported from its data dir (absent: nothing reported)
   * @param approval      the approval annotation, if any
   * @param dirEpochs     pod -> the epoch its agent's data dir records (absent: not reported)
   * @param podEpochs     pod -> the epoch its {@code cowsql.io/epoch} annotation gives it (absent: 0)
   */
  public record Observation(Instant now, boolean leaderAnswers, int votersNow, List<Member> members, List<String> pods,
      Map<String, LossEvidence.Facts> facts, Map<String, SurvivorSelector.Report> reports,
      Optional<Approval> approval, Map<String, Long> dirEpochs, Map<String, Long> podEpochs) {
    public Observation {
      members = List.copyOf(members);
      pods = List.copyOf(pods);
      facts = Map.copyOf(facts);
      reports = Map.copyOf(reports);
      dirEpochs = Map.copyOf(dirEpochs);
      podEpochs = Map.copyOf(podEpochs);
    }

    /** No data dir epochs reported, no epoch annotations on the pods. */
    public Observation(Instant now, boolean leaderAnswers, int votersNow, List<Member> members, List<String> pods,
        Map<String, LossEvidence.Facts> facts, Map<String, SurvivorSelector.Report> reports,
        Optional<Approval> approval) {
      this(now, leaderAnswers, votersNow, members, pods, facts, reports, approval, Map.of(), Map.of());
    }

    List<Member> voters() {
      return members.stream().filter(m -> ConfigMember.VOTER.equals(m.role())).toList();
    }

    QuorumLossDetector.Sample sample() {
      List<Member> voters = voters();
      return new QuorumLossDetector.Sample(now, leaderAnswers, voters.size(),
          (int) voters.stream().filter(Member::answering).count());
    }

    boolean quorumAnswers() {
      QuorumLossDetector.Sample s = sample();
      return leaderAnswers || (s.voters() > 0 && s.votersAnswering() >= s.majority());
    }
  }

  public static RecoveryPlan decide(Settings settings, Observation observed, RecoveryStatus recorded) {
    RecoveryStatus prev = recorded == null ? null : Serialization.clone(recorded);
    Phase phase = prev == null ? null : prev.phase;
    if (phase != null && CANCELLABLE_IN_PROGRESS.contains(phase) && observed.quorumAnswers()) {
      return cancel(prev, observed, "quorum came back before the reconfigure");
    }
    if (phase == Phase.Fencing) {
      return fence(settings, observed, prev);
    }
    if (phase == Phase.StoppingSurvivors) {
      return stopSurvivors(settings, observed, prev);
    }
    if (phase == Phase.Choosing) {
      return choose(settings, observed, prev);
    }
    if (phase == Phase.Reconfiguring) {
      return reconfigure(settings, observed, prev);
    }
    if (phase == Phase.Regrowing) {
      return regrow(settings, observed, prev);
    }
    return detect(settings, observed, prev);
  }

  // --- before the plan is recorded -----------------------------------------------------------------------------

  private static RecoveryPlan detect(Settings settings, Observation o, RecoveryStatus prev) {
    RecoveryStatus s = prev == null ? new RecoveryStatus() : prev;
    // Only a loss still being watched (Waiting, AwaitingEvidence, AwaitingApproval, ReportOnly) continues its clock
    // and its record; after a recovery ended, a new loss starts from nothing.
    boolean watching = s.phase != null && s.phase != Phase.Recovered && s.phase != Phase.Cancelled;
    QuorumLossDetector.Assessment a = new QuorumLossDetector(settings.quorumLossTimeout()).assess(
        watching ? instant(s.quorumLostSince) : Optional.empty(), watching ? instant(s.lastObserved) : Optional.empty(),
        o.sample());
    if (a.state() == QuorumLossDetector.State.HEALTHY || a.state() == QuorumLossDetector.State.UNKNOWN) {
      return settled(s, o, prev == null);
    }
    Phase before = s.phase;
    s.quorumLostSince = a.lostSince().orElseThrow().toString();
    s.lastObserved = o.now().toString();
    s.lost = lostMembers(o, watching ? s.lost : List.of());
    s.survivors = survivors(o, s.lost);
    List<LossEvidence.Finding> findings = findings(s.lost);
    String silent = describeLoss(o);
    if (a.state() == QuorumLossDetector.State.LOST) {
      enter(s, Phase.Waiting, o.now(), before);
      clearPlan(s);
      s.message = silent + "; recovery is considered after " + io.cowsql.contract.DurationFormat.format(settings.quorumLossTimeout()) + ", in "
          + a.remaining().toSeconds() + " s (spec.recovery.mode " + settings.mode() + ").";
      return new RecoveryPlan(s, new RecoveryPlan.Observe(), RecoveryPlan.WAITING, s.message);
    }
    long epoch = s.epochOrZero() + 1;
    String planId = planId(epoch, s.quorumLostSince, s.lost, s.survivors);
    String missing = findings.stream().filter(f -> !f.found()).map(f -> f.pod() + ": " + f.detail())
        .collect(Collectors.joining(" "));
    String approve = approveHint(settings, planId);
    if (settings.mode() == RecoverySpec.Mode.Disabled) {
      enter(s, Phase.ReportOnly, o.now(), before);
      s.planId = planId;
      s.message = silent + " since " + s.quorumLostSince + "; spec.recovery.mode is Disabled, so the operator only"
          + " reports. " + (missing.isEmpty() ? "Every lost voter is gone for good." : missing);
      return new RecoveryPlan(s, new RecoveryPlan.Observe(), RecoveryPlan.DISABLED, s.message);
    }
    Optional<Approval> approval = o.approval();
    boolean approved = approval.map(x -> x.planId().equals(planId)).orElse(false);
    String refused = approval.filter(x -> !x.planId().equals(planId)).map(x -> " The approval '" + x.planId()
        + "' is refused: it does not name the current plan " + planId + ".").orElse("");
    boolean evidence = missing.isEmpty();
    if (approved || (settings.mode() == RecoverySpec.Mode.Automatic && evidence)) {
      s.epoch = epoch;
      s.planId = planId;
      s.planned = o.now().toString();
      s.approvedBy = approved ? approval.get().by() : null;
      s.finished = null;
      s.template = null;
      s.templateNodeId = null;
      s.targetConfiguration = new ArrayList<>();
      enter(s, Phase.Fencing, o.now(), before);
      return fence(settings, o, s);
    }
    clearPlan(s);
    s.planId = planId;
    if (settings.mode() == RecoverySpec.Mode.Manual) {
      enter(s, Phase.AwaitingApproval, o.now(), before);
      s.message = silent + " since " + s.quorumLostSince + ". Plan " + planId + ": fence " + pods(s.lost)
          + ", then recover from the most up-to-date of " + survivorPods(s) + " at epoch " + epoch + ". "
          + (evidence ? "Every lost voter is gone for good." : "Approving also waives missing evidence: " + missing)
          + " " + approve + refused;
      return new RecoveryPlan(s, new RecoveryPlan.Observe(), RecoveryPlan.AWAITING_APPROVAL, s.message);
    }
    enter(s, Phase.AwaitingEvidence, o.now(), before);
    s.message = silent + " since " + s.quorumLostSince + ". Waiting for evidence that they are gone for good: "
        + missing + " If they come back, the cluster heals by itself. To recover without the evidence (you take"
        + " responsibility that they never return with their data): " + approve + refused;
    return new RecoveryPlan(s, new RecoveryPlan.Observe(), RecoveryPlan.AWAITING_EVIDENCE, s.message);
  }

  /** Quorum answers (or cannot be judged): a recovery not yet under way ends; the epoch and history stay. */
  private static RecoveryPlan settled(RecoveryStatus s, Observation o, boolean nothingRecorded) {
    if (nothingRecorded) {
      return new RecoveryPlan(null, new RecoveryPlan.Observe(), "", "");
    }
    if (s.phase == Phase.AwaitingApproval || s.phase == Phase.AwaitingEvidence || s.phase == Phase.ReportOnly) {
      return cancel(s, o, "quorum came back");
    }
    if (s.phase == Phase.Waiting) {
      s.phase = null;
      s.phaseSince = null;
      s.quorumLostSince = null;
      s.lastObserved = null;
      s.message = null;
      s.lost = new ArrayList<>();
      s.survivors = new ArrayList<>();
    }
    if (s.phase == Phase.Cancelled) {
      // a stop instruction the cancelling pass could not withdraw (its restart failed) is withdrawn now
      List<String> stopped = stoppedFor(o, survivorPods(s));
      if (!stopped.isEmpty()) {
        return new RecoveryPlan(s, new RecoveryPlan.Release(stopped), "", "");
      }
    }
    return new RecoveryPlan(s, new RecoveryPlan.Observe(), "", "");
  }

  // --- the recorded plan ---------------------------------------------------------------------------------------

  private static RecoveryPlan fence(Settings settings, Observation o, RecoveryStatus s) {
    List<String> claims = new ArrayList<>();
    List<String> pods = new ArrayList<>();
    List<String> force = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (RecoveryStatus.LostMember lost : s.lost) {
      LossEvidence.Facts f = o.facts().get(lost.pod);
      if (f == null) {
        unknown.add(lost.pod);
        continue;
      }
      Optional<String> recorded = Optional.ofNullable(lost.claimUid);
      boolean replaced = LossEvidence.claimReplaced(f, recorded);
      if (replaced || (!f.podPresent() && LossEvidence.volumeGone(f, recorded))) {
        continue; // fenced: the member's volume is gone and no pod runs on it
      }
      if (f.claim() == LossEvidence.ClaimState.PRESENT || f.claim() == LossEvidence.ClaimState.LOST) {
        // a Lost claim too: the StatefulSet would recreate the pod on it for ever
        claims.add(f.claimName());
      }
      if (f.podPresent()) {
        boolean nodeGone = f.node() == LossEvidence.NodeState.DELETED
            || f.node() == LossEvidence.NodeState.OUT_OF_SERVICE;
        (nodeGone ? force : pods).add(lost.pod);
      }
    }
    if (!unknown.isEmpty()) {
      s.message = "Fencing " + pods(s.lost) + ": nothing observed about " + String.join(", ", unknown)
          + " in this pass; waiting.";
      return new RecoveryPlan(s, new RecoveryPlan.Observe(), RecoveryPlan.RECOVERING, s.message);
    }
    if (claims.isEmpty() && pods.isEmpty() && force.isEmpty()) {
      enter(s, Phase.StoppingSurvivors, o.now(), Phase.Fencing);
      return stopSurvivors(settings, o, s);
    }
    s.message = "Plan " + s.planId + ", epoch " + s.epoch + ": fencing " + pods(s.lost) + " (deleting claims "
        + claims + ", pods " + pods + (force.isEmpty() ? "" : ", force-deleting pods " + force + " whose Node is gone")
        + ").";
    return new RecoveryPlan(s, new RecoveryPlan.Fence(claims, pods, force), RecoveryPlan.RECOVERING, s.message);
  }

  private static RecoveryPlan stopSurvivors(Settings settings, Observation o, RecoveryStatus s) {
    List<String> pending = s.survivors.stream().map(x -> x.pod)
        .filter(pod -> !Optional.ofNullable(o.reports().get(pod)).map(SurvivorSelector.Report::reported)
            .orElse(false))
        .toList();
    Instant since = instant(s.phaseSince).orElse(o.now());
    if (pending.isEmpty() || !o.now().isBefore(since.plus(SURVIVOR_REPORT_WAIT))) {
      enter(s, Phase.Choosing, o.now(), Phase.StoppingSurvivors);
      return choose(settings, o, s);
    }
    s.message = "Plan " + s.planId + ": stopping the survivors' engines; waiting for " + String.join(", ", pending)
        + " to report a stopped engine and its last log entry (the choice is made without them after "
        + SURVIVOR_REPORT_WAIT.toMinutes() + " min, and is then ambiguous).";
    return new RecoveryPlan(s, new RecoveryPlan.StopSurvivors(stopId(s), survivorPods(s)), RecoveryPlan.RECOVERING,
        s.message);
  }

  private static RecoveryPlan choose(Settings settings, Observation o, RecoveryStatus s) {
    List<SurvivorSelector.Report> reports = new ArrayList<>();
    for (RecoveryStatus.Survivor survivor : s.survivors) {
      SurvivorSelector.Report r = o.reports().get(survivor.pod);
      if (r == null || !Objects.equals(r.nodeId(), survivor.nodeId)) {
        // nothing, or a report from another node than the member (its data dir was replaced): not this survivor's
        r = SurvivorSelector.Report.missing(survivor.pod, ordinalOf(o, survivor.pod), survivor.nodeId);
      }
      reports.add(r);
      survivor.term = r.reported() ? r.lastEntry().get().term() : null;
      survivor.index = r.reported() ? r.lastEntry().get().index() : null;
    }
    SurvivorSelector.Selection selection = SurvivorSelector.select(reports);
    RecoveryPlan.Step keepStopped = new RecoveryPlan.StopSurvivors(stopId(s), survivorPods(s));
    if (selection.template().isEmpty()) {
      s.message = "Plan " + s.planId + ": no template can be chosen: " + String.join("; ", selection.ambiguities())
          + ". Waiting for a survivor to report.";
      return new RecoveryPlan(s, keepStopped, RecoveryPlan.RECOVERING, s.message);
    }
    SurvivorSelector.Report template = selection.template().get();
    if (selection.ambiguous()) {
      String choiceId = choiceId(s, template, reports);
      boolean approved = o.approval().map(x -> x.planId().equals(choiceId)).orElse(false);
      if (!approved) {
        String refused = o.approval().filter(x -> !x.planId().equals(choiceId)).map(x -> " The approval '"
            + x.planId() + "' is refused: it does not name the current plan " + choiceId + ".").orElse("");
        s.planId = choiceId;
        s.message = "The choice of template is ambiguous: " + String.join("; ", selection.ambiguities())
            + ". Proposed: " + template.pod() + " at " + template.lastEntry().orElseThrow() + ". "
            + approveHint(settings, choiceId) + refused;
        return new RecoveryPlan(s, keepStopped, RecoveryPlan.AWAITING_APPROVAL, s.message);
      }
      s.planId = choiceId;
      s.approvedBy = o.approval().get().by();
    }
    s.template = template.pod();
    s.templateNodeId = template.nodeId();
    String address = template.lastConfiguration().stream().filter(m -> m.nodeId().equals(template.nodeId()))
        .map(ConfigMember::address).findFirst()
        .orElseGet(() -> o.members().stream().filter(m -> m.pod().equals(template.pod())).map(Member::address)
            .findFirst().orElse(null));
    if (address == null) {
      s.message = "Plan " + s.planId + ": the address of the template " + template.pod() + " is unknown (neither its"
          + " log nor the last known configuration lists node " + template.nodeId() + "); waiting.";
      return new RecoveryPlan(s, keepStopped, RecoveryPlan.RECOVERING, s.message);
    }
    s.targetConfiguration = List.of(new RecoveryStatus.ConfigMember(template.nodeId(), address, ConfigMember.VOTER));
    enter(s, Phase.Reconfiguring, o.now(), Phase.Choosing);
    return reconfigure(settings, o, s);
  }

  private static RecoveryPlan reconfigure(Settings settings, Observation o, RecoveryStatus s) {
    List<ConfigMember> target = s.targetConfiguration.stream()
        .map(m -> new ConfigMember(m.nodeId, m.address, m.role)).toList();
    SurvivorSelector.Report r = o.reports().get(s.template);
    if (r != null && r.engineStopped() && Objects.equals(r.nodeId(), s.templateNodeId)
        && Set.copyOf(r.lastConfiguration()).equals(Set.copyOf(target))) {
      enter(s, Phase.Regrowing, o.now(), Phase.Reconfiguring);
      return regrow(settings, o, s);
    }
    if (r == null || !r.engineStopped() || !Objects.equals(r.nodeId(), s.templateNodeId)) {
      s.message = "Plan " + s.planId + ": waiting for the template " + s.template + " (node " + s.templateNodeId
          + ") to report a stopped engine before its configuration is rewritten; no other member will be used.";
      return new RecoveryPlan(s, new RecoveryPlan.StopSurvivors(stopId(s), List.of(s.template)),
          RecoveryPlan.RECOVERING, s.message);
    }
    s.message = "Plan " + s.planId + ": rewriting the configuration of the template " + s.template + " to "
        + SurvivorSelector.describe(target) + " (once).";
    return new RecoveryPlan(s, new RecoveryPlan.Reconfigure(stopId(s), s.template, s.templateNodeId, target),
        RecoveryPlan.RECOVERING, s.message);
  }

  private static RecoveryPlan regrow(Settings settings, Observation o, RecoveryStatus s) {
    // From here the new epoch is on the pods (cowsql.io/epoch, with the template's id in cowsql.io/epoch-template).
    s.publishedEpoch = s.epoch;
    List<String> restart = olderThanPublished(o, s.epochOrZero());
    if (o.leaderAnswers() && o.votersNow() >= settings.targetVoters() && restart.isEmpty()) {
      enter(s, Phase.Recovered, o.now(), Phase.Regrowing);
      s.finished = o.now().toString();
      s.message = "Recovered at epoch " + s.epoch + " from " + s.template + "; " + o.votersNow() + " voters.";
      addHistory(s, Phase.Recovered);
      // the template's own data dir now records the new epoch: its exemption is withdrawn with the phase
      return new RecoveryPlan(s, new RecoveryPlan.Observe(), RecoveryPlan.RECOVERED, s.message);
    }
    s.message = "Plan " + s.planId + ": the template " + s.template + " serves at epoch " + s.epoch
        + "; regrowing (" + (o.leaderAnswers() ? o.votersNow() + " of " + settings.targetVoters() + " voters"
            : "no leader answers yet") + (restart.isEmpty() ? "" : "; restarting " + String.join(", ", restart)
            + " onto epoch " + s.epoch) + ").";
    return new RecoveryPlan(s, new RecoveryPlan.Regrow(s.epochOrZero(), s.templateNodeId, restart),
        RecoveryPlan.RECOVERING, s.message);
  }

  /**
   * The pods to restart onto the published epoch: their annotation already gives it (so the restarted agent reads
   * it) and their data dir records an older one (the stopped survivors, the template among them, and nodes that
   * started during the recovery). A pod whose annotation does not show the epoch yet waits for the next pass.
   */
  static List<String> olderThanPublished(Observation o, long epoch) {
    return o.pods().stream()
        .filter(pod -> o.podEpochs().getOrDefault(pod, 0L) == epoch)
        .filter(pod -> o.dirEpochs().containsKey(pod) && o.dirEpochs().get(pod) < epoch)
        .toList();
  }

  /** The pods among {@code pods} whose agent reports its engine stopped (for any plan: none may stay stopped). */
  private static List<String> stoppedFor(Observation o, List<String> pods) {
    return pods.stream().filter(pod -> Optional.ofNullable(o.reports().get(pod))
        .map(SurvivorSelector.Report::engineStopped).orElse(false)).toList();
  }

  /**
   * The recovery's pod annotations, the same on every pod: the published epoch ({@code cowsql.io/epoch}, absent
   * while it is 0) and, while regrowing, the template's node id ({@code cowsql.io/epoch-template}) so that the one
   * data dir of the old epoch allowed to start is the template's. The operator writes them in the same patch as a
   * new pod's failure domain, which the agent waits for: no pod starts its engine without knowing the epoch.
   */
  public static Map<String, String> podAnnotations(RecoveryStatus recorded) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    long published = recorded == null ? 0 : recorded.publishedEpochOrZero();
    out.put(io.cowsql.contract.Annotations.EPOCH, published == 0 ? null : Long.toString(published));
    out.put(io.cowsql.contract.Annotations.EPOCH_TEMPLATE,
        recorded != null && recorded.phase == Phase.Regrowing ? recorded.templateNodeId : null);
    return out;
  }

  private static RecoveryPlan cancel(RecoveryStatus s, Observation o, String why) {
    List<String> release = stoppedFor(o, survivorPods(s));
    Phase before = s.phase;
    enter(s, Phase.Cancelled, o.now(), before);
    s.finished = o.now().toString();
    s.message = "Recovery " + (s.planId == null ? "" : s.planId + " ") + "cancelled in " + before + ": " + why + ".";
    addHistory(s, Phase.Cancelled);
    return new RecoveryPlan(s, release.isEmpty() ? new RecoveryPlan.Observe() : new RecoveryPlan.Release(release), "",
        s.message);
  }

  // --- helpers -------------------------------------------------------------------------------------------------

  /**
   * The voters and standbys that do not answer (the members that held data: a standby's log may even be ahead of
   * the surviving voters', so a silent one is lost only with the same evidence as a voter); each keeps the claim uid
   * recorded when it was first seen lost. Quorum is judged by the voters alone.
   */
  static List<RecoveryStatus.LostMember> lostMembers(Observation o, List<RecoveryStatus.LostMember> before) {
    List<RecoveryStatus.LostMember> out = new ArrayList<>();
    for (Member voter : o.members()) {
      if (voter.answering() || !holdsData(voter)) {
        continue;
      }
      RecoveryStatus.LostMember m = new RecoveryStatus.LostMember();
      m.pod = voter.pod();
      m.nodeId = voter.nodeId();
      LossEvidence.Facts f = o.facts().get(voter.pod());
      Optional<RecoveryStatus.LostMember> seen = before == null ? Optional.empty()
          : before.stream().filter(x -> x.pod.equals(voter.pod()) && Objects.equals(x.nodeId, voter.nodeId()))
              .findFirst();
      m.claimUid = seen.map(x -> x.claimUid).orElseGet(() -> f == null ? null : f.claimUid().orElse(""));
      if (f != null) {
        LossEvidence.Finding finding = LossEvidence.assess(f, Optional.ofNullable(m.claimUid));
        m.evidence = finding.kind().map(Enum::name).orElse(null);
        m.detail = finding.detail();
      } else {
        m.detail = "nothing observed about its pod, claim or Node";
      }
      out.add(m);
    }
    return out;
  }

  private static boolean holdsData(Member m) {
    return ConfigMember.VOTER.equals(m.role()) || ConfigMember.STANDBY.equals(m.role());
  }

  private static List<LossEvidence.Finding> findings(List<RecoveryStatus.LostMember> lost) {
    return lost.stream().map(m -> new LossEvidence.Finding(m.pod,
        m.evidence == null ? Optional.empty() : Optional.of(LossEvidence.Kind.valueOf(m.evidence)), m.detail))
        .toList();
  }

  /** The voters and standbys that answer: the members that still hold their data (spares hold none). */
  private static List<RecoveryStatus.Survivor> survivors(Observation o, List<RecoveryStatus.LostMember> lost) {
    Set<String> lostPods = lost.stream().map(m -> m.pod).collect(Collectors.toSet());
    return o.members().stream()
        .filter(RecoveryPlanner::holdsData)
        .filter(m -> !lostPods.contains(m.pod()))
        .map(m -> {
          RecoveryStatus.Survivor s = new RecoveryStatus.Survivor();
          s.pod = m.pod();
          s.nodeId = m.nodeId();
          return s;
        }).toList();
  }

  private static String describeLoss(Observation o) {
    QuorumLossDetector.Sample s = o.sample();
    List<String> silent = o.voters().stream().filter(m -> !m.answering()).map(Member::pod).toList();
    return "Quorum lost: voters " + String.join(", ", silent) + " do not answer (" + s.votersAnswering() + " of "
        + s.voters() + " answer, " + s.majority() + " needed)";
  }

  private static void enter(RecoveryStatus s, Phase phase, Instant now, Phase before) {
    if (before != phase || s.phaseSince == null) {
      s.phaseSince = now.toString();
    }
    s.phase = phase;
  }

  private static void clearPlan(RecoveryStatus s) {
    s.planId = null;
    s.planned = null;
    s.approvedBy = null;
    s.finished = null;
    s.template = null;
    s.templateNodeId = null;
    s.targetConfiguration = new ArrayList<>();
  }

  private static void addHistory(RecoveryStatus s, Phase outcome) {
    RecoveryStatus.HistoryEntry h = new RecoveryStatus.HistoryEntry();
    h.planId = s.planId;
    h.epoch = s.epoch;
    h.outcome = outcome;
    h.template = s.template;
    h.quorumLostSince = s.quorumLostSince;
    h.finished = s.finished;
    h.message = s.message;
    List<RecoveryStatus.HistoryEntry> history = new ArrayList<>();
    history.add(h);
    if (s.history != null) {
      s.history.stream().limit(RecoveryStatus.HISTORY_SIZE - 1).forEach(history::add);
    }
    s.history = history;
  }

  private static String approveHint(Settings settings, String planId) {
    return "Approve with: kubectl annotate cowsqlcluster/" + settings.clusterName() + " " + APPROVE_ANNOTATION + "="
        + planId + " --overwrite";
  }

  private static List<String> survivorPods(RecoveryStatus s) {
    return s.survivors == null ? List.of() : s.survivors.stream().map(x -> x.pod).toList();
  }

  private static String pods(List<RecoveryStatus.LostMember> lost) {
    return lost.stream().map(m -> m.pod).collect(Collectors.joining(", "));
  }

  private static int ordinalOf(Observation o, String pod) {
    return o.members().stream().filter(m -> m.pod().equals(pod)).mapToInt(Member::ordinal).findFirst()
        .orElse(Integer.MAX_VALUE);
  }

  /**
   * The id the survivors are stopped for, the same through the whole recovery: the plan id as first recorded (an
   * approved ambiguous choice puts its own id in {@code planId}).
   */
  static String stopId(RecoveryStatus s) {
    return planId(s.epochOrZero(), s.quorumLostSince, s.lost, s.survivors);
  }

  /**
   * The plan id: the epoch it leads to and a digest of since when quorum is lost, who is lost and who survives. The
   * loss's start makes each incident's id its own: an approval left on the resource from an earlier loss of the same
   * members (cancelled when they came back) never approves a later one.
   */
  static String planId(long epoch, String quorumLostSince, List<RecoveryStatus.LostMember> lost,
      List<RecoveryStatus.Survivor> survivors) {
    String text = "epoch=" + epoch + ";since=" + quorumLostSince + ";lost=" + lost.stream().map(m -> m.pod + "/"
        + m.nodeId).sorted().toList()
        + ";survivors=" + survivors.stream().map(m -> m.pod + "/" + m.nodeId).sorted().toList();
    return "r" + epoch + "-" + digest(text);
  }

  /**
   * The id of an ambiguous choice: the plan (recomputed from who is lost and who survives, since {@code planId}
   * then holds this id), the proposed template and every survivor's report.
   */
  static String choiceId(RecoveryStatus s, SurvivorSelector.Report template, List<SurvivorSelector.Report> reports) {
    String text = planId(s.epochOrZero(), s.quorumLostSince, s.lost, s.survivors) + ";template=" + template.pod() + "/" + template.nodeId() + ";reports=" + reports.stream()
        .map(r -> r.pod() + "/" + r.nodeId() + "/" + r.reported() + "/" + r.lastEntry().map(LogPosition::toString)
            .orElse("-") + "/" + SurvivorSelector.describe(r.lastConfiguration()))
        .sorted().toList();
    return "r" + s.epochOrZero() + "-" + digest(text);
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Instant> instant(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
