package io.cowsql.operator.plan;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.roll.RolloutPlan;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.recovery.RecoveryPlan;
import io.cowsql.operator.model.ScaleDownStatus;
import io.cowsql.operator.model.UserAnnotations;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that turns (resource, observation, plan) into status: conditions with reasons and messages a person
 * can act on, the phase derived from them ({@link #phase}), members, leader, role counts and the failure-domain map.
 * Pure; a condition keeps its lastTransitionTime while its status does not change, so an unchanged cluster gives an
 * equal status.
 *
 * <p>A pod that never was Ready is new (creation, scale-up: Progressing); a pod that was Ready and is not now is down
 * (Degraded), from {@code members[].notReadySince}.
 */
public final class StatusAggregator {
  public static final String READY = "Ready";
  public static final String AVAILABLE = "Available";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String QUORUM_LOST = "QuorumLost";
  public static final String SPEC_WARNING = "SpecWarning";

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_CREATING = "Creating";
  public static final String PHASE_SCALING = "Scaling";
  public static final String PHASE_RUNNING = "Running";
  public static final String PHASE_DEGRADED = "Degraded";
  public static final String PHASE_INVALID = "Invalid";

  public static final String REASON_CREATING = "Creating";
  public static final String REASON_SCALING = "Scaling";
  /** Every node is there and ready, but the leader's role policy has not yet given each its role. */
  public static final String REASON_ASSIGNING_ROLES = "AssigningRoles";
  /** A shrink asked for is not carried out now (a target below the voters, or the cluster not healthy enough). */
  public static final String REASON_SCALE_DOWN_REFUSED = "ScaleDownRefused";
  /** Members above spec.replicas are being taken out, one at a time (status.scaleDown has the step). */
  public static final String REASON_SCALING_DOWN = "ScalingDown";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  /** Pods run an old revision of the template and are restarted one at a time (status.rollout has the step). */
  public static final String REASON_ROLLING_UPDATE = "RollingUpdate";
  /** A rolling update waited for one pod longer than its timeout: nothing more is restarted (status.rollout says why). */
  public static final String REASON_ROLLOUT_STOPPED = "RolloutStopped";
  public static final String REASON_RECONCILE_PAUSED = "ReconcilePaused";
  /** spec.updateStrategy Manual: outdated pods wait for the cowsql.io/update annotation. */
  public static final String REASON_AWAITING_UPDATE_APPROVAL = "AwaitingUpdateApproval";
  public static final String PHASE_UPDATING = "Updating";
  /** A reconcile pass failed (an API call refused or unanswered): the operator retries with backoff. */
  public static final String REASON_RECONCILE_ERROR = "ReconcileError";
  /** Longest condition message from an exception (an API server's error body can be long). */
  static final int ERROR_MESSAGE_MAX = 1000;

  /** The manual procedure for a lost majority (a path in this repository), for mode Disabled. */
  public static final String MANUAL_RECOVERY = "node-image/README.md, section \"Offline subcommands (stopped nodes)\"";

  private StatusAggregator() {}

  public static CowsqlClusterStatus aggregate(CowsqlCluster cluster, ObservedCluster observed, ClusterPlan plan,
      String now) {
    return aggregate(cluster, observed, plan, RolloutPlan.none(), now);
  }

  /** @param rollout the rolling update's step this pass ({@link RolloutPlan#none()} when none was decided) */
  public static CowsqlClusterStatus aggregate(CowsqlCluster cluster, ObservedCluster observed, ClusterPlan plan,
      RolloutPlan rollout, String now) {
    return aggregate(cluster, observed, plan, rollout, null, now);
  }

  /**
   * @param rollout  the rolling update's step this pass ({@link RolloutPlan#none()} when none was decided)
   * @param recovery the quorum-loss recovery's plan this pass; null when none was decided (an invalid spec, a paused
   *                 cluster): the recorded {@code status.recovery} stays as it was
   */
  public static CowsqlClusterStatus aggregate(CowsqlCluster cluster, ObservedCluster observed, ClusterPlan plan,
      RolloutPlan rollout, RecoveryPlan recovery, String now) {
    CowsqlClusterStatus previous = cluster.getStatus() == null ? new CowsqlClusterStatus() : cluster.getStatus();
    Long generation = cluster.getMetadata().getGeneration();
    CowsqlView cowsql = observed.cowsql();

    CowsqlClusterStatus s = new CowsqlClusterStatus();
    s.observedGeneration = generation;
    s.replicas = observed.pods().size();
    s.readyReplicas = (int) observed.readyPods();
    s.selector = ClusterNames.selectorString(cluster);
    s.failureDomains = new TreeMap<>(plan.failureDomains());
    s.bootstrapped = plan.bootstrapped() ? Boolean.TRUE : null;
    s.clusterId = plan.bootstrapped() && plan.valid() ? plan.clusterId() : previous.clusterId;
    s.members = members(cluster, observed, plan, previous, now);
    s.voters = count(s.members, "voter");
    s.standbys = count(s.members, "standby");
    Optional<String> leaderPod = cowsql.leader().flatMap(address -> observed.pods().stream()
        .filter(p -> ClusterNames.podAddress(cluster, p.name()).equals(address)).map(ObservedPod::name).findFirst());
    s.leader = leaderPod.orElse(null);

    ScaleDownPlan scaleDown = plan.scaleDown();
    boolean scalingDown = scaleDown.active() && scaleDown.step() != ScaleDownPlan.Step.REFUSED;
    boolean paused = UserAnnotations.reconcilePaused(cluster);
    // Paused, nothing is carried out: the recorded scale-down stays as it was, to resume from.
    s.scaleDown = paused ? previous.scaleDown : scaleDownStatus(cluster, observed, scaleDown, previous, now);
    s.rollout = rollout.updateRevision().isPresent() ? rollout.status() : previous.rollout;
    s.recovery = recovery == null ? previous.recovery : recovery.status();
    int wanted = plan.statefulSetReplicas();
    // Members being taken out stop being Ready once they are out of the configuration: only those that stay count.
    int target = cluster.getSpec().defaulted().replicas();
    boolean allReady = scalingDown
        ? observed.pods().stream().filter(p -> p.ordinal() < target && p.ready()).count() >= target && target > 0
        : s.readyReplicas >= wanted && wanted > 0;
    boolean available = cowsql.leader().isPresent();
    s.firstReadyTime = previous.firstReadyTime != null ? previous.firstReadyTime
        : plan.valid() && allReady && available ? now : null;
    List<Condition> conditions = new ArrayList<>();
    Conditions c = new Conditions(previous, generation, now, conditions);

    if (!plan.valid()) {
      String message = String.join("; ", plan.specErrors()) + ". Nothing was changed; the running cluster is left as it was.";
      c.add(READY, "False", REASON_INVALID_SPEC, message);
      c.add(AVAILABLE, available ? "True" : "False", available ? "LeaderElected" : "NoLeader",
          availableMessage(cowsql, leaderPod));
      c.add(PROGRESSING, "False", REASON_INVALID_SPEC, "Fix the spec to continue: " + message);
      c.add(DEGRADED, "False", REASON_INVALID_SPEC, "The spec is invalid; see Ready.");
      addSpecWarning(c, plan);
      s.conditions = conditions;
      s.phase = phase(conditions);
      return s;
    }

    boolean formed = plan.bootstrapped();
    List<CowsqlClusterStatus.Member> down = s.members.stream().filter(m -> !Boolean.TRUE.equals(m.ready)
        && m.notReadySince != null && !(scalingDown && ClusterNames.ordinal(cluster, m.pod) >= target)
        && !rollout.restarting(m.pod)).toList();
    List<CowsqlClusterStatus.Member> joining = s.members.stream().filter(m -> !m.hasBeenReady()).toList();
    List<CowsqlClusterStatus.Member> onDownNodes = s.members.stream()
        .filter(m -> Boolean.FALSE.equals(m.nodeReady)).toList();
    Optional<String> quorumLost = formed && !available ? quorumLostMessage(s.members, cowsql) : Optional.empty();

    if (allReady && available) {
      String reason = plan.scaleDownRefused().isPresent() ? REASON_SCALE_DOWN_REFUSED
          : scalingDown ? REASON_SCALING_DOWN : "ClusterReady";
      int counted = scalingDown ? target : wanted;
      c.add(READY, "True", reason, (scalingDown ? target : s.readyReplicas) + " of " + counted + " nodes ready; leader "
          + s.leader + "." + plan.scaleDownRefused().map(r -> " A shrink is refused: see Progressing.").orElse("")
          + (scalingDown ? " Scaling down to " + target + ": see Progressing." : ""));
    } else if (!allReady) {
      c.add(READY, "False", "NodesNotReady", s.readyReplicas + " of " + wanted + " nodes ready"
          + notReadyHint(s.members) + ".");
    } else {
      c.add(READY, "False", "NoLeader", availableMessage(cowsql, leaderPod));
    }

    c.add(AVAILABLE, available ? "True" : "False", available ? "LeaderElected" : "NoLeader",
        availableMessage(cowsql, leaderPod));

    // Nodes are being added when the StatefulSet is resized, or members are missing that never were there.
    boolean sizing = observed.statefulSetReplicas().map(r -> r != wanted).orElse(true) || s.members.size() < wanted;
    if (paused) {
      c.add(PROGRESSING, "False", REASON_RECONCILE_PAUSED, "Reconciling is paused by the annotation "
          + UserAnnotations.PAUSE_RECONCILE + ": the operator reports but changes nothing (no pod, member, StatefulSet"
          + " or volume). Resume with: kubectl annotate -n " + cluster.getMetadata().getNamespace() + " cowsqlcluster/"
          + cluster.getMetadata().getName() + " " + UserAnnotations.PAUSE_RECONCILE + "-");
    } else if (plan.scaleDownRefused().isPresent()) {
      c.add(PROGRESSING, "False", REASON_SCALE_DOWN_REFUSED, plan.scaleDownRefused().get());
    } else if (scalingDown) {
      c.add(PROGRESSING, "True", REASON_SCALING_DOWN, "Scaling down to " + target + " nodes, one at a time, highest"
          + " ordinal first: " + scaleDown.message());
    } else if (s.firstReadyTime == null) {
      c.add(PROGRESSING, "True", REASON_CREATING, "Creating the cluster: " + s.readyReplicas + " of " + wanted
          + " nodes ready" + (formed ? ", leader " + Objects.requireNonNullElse(s.leader, "being elected") : "") + ".");
    } else if (sizing || !joining.isEmpty()) {
      c.add(PROGRESSING, "True", REASON_SCALING, "Adding nodes: " + wanted + " wanted, " + s.members.size()
          + " known, " + s.readyReplicas + " ready" + (joining.isEmpty() ? "" : "; joining: " + names(joining)) + ".");
    } else if (rollout.step() == RolloutPlan.Step.STOPPED) {
      c.add(PROGRESSING, "False", REASON_ROLLOUT_STOPPED, rollout.message());
    } else if (rollout.step() == RolloutPlan.Step.AWAIT_APPROVAL) {
      c.add(PROGRESSING, "False", REASON_AWAITING_UPDATE_APPROVAL, rollout.message());
    } else if (rollout.active()) {
      c.add(PROGRESSING, "True", REASON_ROLLING_UPDATE, rollout.updated() + " of " + rollout.total() + " pods run"
          + " revision " + rollout.updateRevision().orElse("") + "; " + rollout.step().display() + ": " + rollout.message());
    } else if (down.isEmpty() && rolesPending(cluster, s.members).isPresent()) {
      c.add(PROGRESSING, "True", REASON_ASSIGNING_ROLES, rolesPending(cluster, s.members).get());
    } else {
      c.add(PROGRESSING, "False", "Reconciled", "The cluster matches the spec."
          + (down.isEmpty() ? "" : " Nodes that are down: see Degraded."));
    }

    // QuorumLost before Degraded: the one Event for the shared reason carries what the recovery waits for.
    String recoveryReason = recovery == null ? "" : recovery.reason();
    boolean recovering = !recoveryReason.isEmpty() && !RecoveryPlan.RECOVERED.equals(recoveryReason);
    if (recovering) {
      c.add(QUORUM_LOST, "True", recoveryReason, recovery.message()
          + (RecoveryPlan.DISABLED.equals(recoveryReason) ? " " + manualRecovery() : ""));
    } else if (quorumLost.isPresent()) {
      String since = c.since(QUORUM_LOST, "True");
      c.add(QUORUM_LOST, "True", QUORUM_LOST, "Since " + since + ": " + quorumLost.get());
    } else if (RecoveryPlan.RECOVERED.equals(recoveryReason)) {
      c.add(QUORUM_LOST, "False", RecoveryPlan.RECOVERED, recovery.message());
    } else if (formed && !available && s.voters == null) {
      c.add(QUORUM_LOST, "Unknown", "NoMembership", "No leader, and the voters were never listed: cannot tell.");
    } else {
      c.add(QUORUM_LOST, "False", "AsExpected", available ? "A leader answers." : "The cluster has not formed yet.");
    }
    if (recovering || quorumLost.isPresent()) {
      c.add(DEGRADED, "True", QUORUM_LOST, recovery != null && recovery.inProgress()
          ? "A quorum-loss recovery is under way: see QuorumLost and status.recovery."
          : "A majority of the voters does not answer: see QuorumLost.");
    } else if (formed && !available) {
      c.add(DEGRADED, "True", "NoLeader", "The cluster formed but no node reports a leader (an election may be"
          + " running): " + availableMessage(cowsql, leaderPod));
    } else if (!down.isEmpty()) {
      c.add(DEGRADED, "True", "NodesNotReady", "Nodes that were ready are not: " + down.stream()
          .map(m -> m.pod + " (since " + m.notReadySince + ")").collect(Collectors.joining(", "))
          + "; see `kubectl describe pod` and the pod logs.");
    } else if (!onDownNodes.isEmpty()) {
      c.add(DEGRADED, "True", "MemberNodeNotReady", "Members on a Node that is not Ready: " + onDownNodes.stream()
          .map(m -> m.pod + " on " + m.node).collect(Collectors.joining(", "))
          + "; Kubernetes evicts them once the Node's not-ready toleration runs out.");
    } else {
      c.add(DEGRADED, "False", "AsExpected", "No node is missing.");
    }

    addSpecWarning(c, plan);
    s.conditions = conditions;
    s.phase = phase(conditions);
    return s;
  }

  /**
   * status.scaleDown: the step the plan is at, with the node ids the leader stopped listing during this scale-down
   * (the member of the previous record that is no longer in the configuration); null when there is no scale-down.
   */
  static ScaleDownStatus scaleDownStatus(CowsqlCluster cluster, ObservedCluster observed, ScaleDownPlan plan,
      CowsqlClusterStatus previous, String now) {
    if (!plan.active()) {
      return null;
    }
    ScaleDownStatus before = previous.scaleDown;
    ScaleDownStatus s = new ScaleDownStatus();
    s.targetReplicas = cluster.getSpec().defaulted().replicas();
    s.member = plan.pod().orElse(null);
    s.nodeId = plan.nodeId().orElse(null);
    s.step = plan.step().display();
    s.message = plan.message();
    s.startedAt = before != null && before.startedAt != null ? before.startedAt : now;
    s.removed = new ArrayList<>(before == null || before.removed == null ? List.of() : before.removed);
    CowsqlView cowsql = observed.cowsql();
    boolean listed = cowsql.leader().isPresent() && !cowsql.members().isEmpty();
    if (before != null && before.nodeId != null && listed && !s.removed.contains(before.nodeId)
        && cowsql.members().stream().noneMatch(m -> before.nodeId.equals(m.nodeId()))) {
      s.removed.add(before.nodeId);
    }
    return s;
  }

  /**
   * The status after a failed pass: nothing was observed, so everything stays as last written except Ready, which turns
   * False with reason {@link #REASON_RECONCILE_ERROR} and says what failed; the phase follows from the conditions.
   * Ready keeps its lastTransitionTime when it was already False.
   */
  public static CowsqlClusterStatus reconcileFailed(CowsqlCluster cluster, String error, String now) {
    CowsqlClusterStatus previous = cluster.getStatus() == null ? new CowsqlClusterStatus() : cluster.getStatus();
    CowsqlClusterStatus s = Serialization.clone(previous);
    String message = "Reconcile failed, retrying with backoff: " + error;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(previous, READY, "False", REASON_RECONCILE_ERROR,
        message.length() > ERROR_MESSAGE_MAX ? message.substring(0, ERROR_MESSAGE_MAX) : message,
        cluster.getMetadata().getGeneration(), now));
    if (s.conditions != null) {
      s.conditions.stream().filter(c -> !READY.equals(c.getType())).forEach(conditions::add);
    }
    s.conditions = conditions;
    s.phase = phase(conditions);
    return s;
  }

  /**
   * The phase, from the conditions alone (first match): Ready reason InvalidSpec -> Invalid; Degraded=True ->
   * Degraded; Ready=True -> Running; Progressing=True with reason Creating or Scaling -> that; else Pending.
   */
  public static String phase(List<Condition> conditions) {
    Map<String, Condition> byType = conditions.stream()
        .collect(Collectors.toMap(Condition::getType, Function.identity(), (a, b) -> a));
    Condition ready = byType.get(READY);
    Condition degraded = byType.get(DEGRADED);
    Condition progressing = byType.get(PROGRESSING);
    if (ready != null && REASON_INVALID_SPEC.equals(ready.getReason())) {
      return PHASE_INVALID;
    }
    if (degraded != null && "True".equals(degraded.getStatus())) {
      return PHASE_DEGRADED;
    }
    if (ready != null && "True".equals(ready.getStatus())) {
      return PHASE_RUNNING;
    }
    if (progressing != null && "True".equals(progressing.getStatus())) {
      if (REASON_CREATING.equals(progressing.getReason())) {
        return PHASE_CREATING;
      }
      if (REASON_SCALING.equals(progressing.getReason())) {
        return PHASE_SCALING;
      }
      if (REASON_ROLLING_UPDATE.equals(progressing.getReason())) {
        return PHASE_UPDATING;
      }
    }
    return PHASE_PENDING;
  }

  /**
   * When no leader answers: which of the last known voters did not answer the probe. Quorum is lost when fewer
   * than a majority answered; empty otherwise (an election can take a few seconds with a majority present).
   */
  static Optional<String> quorumLostMessage(List<CowsqlClusterStatus.Member> members, CowsqlView cowsql) {
    List<CowsqlClusterStatus.Member> voters = members.stream().filter(m -> "voter".equals(m.role)).toList();
    if (voters.isEmpty()) {
      return Optional.empty();
    }
    List<CowsqlClusterStatus.Member> silent = voters.stream().filter(m -> !cowsql.answered().contains(m.address))
        .toList();
    int majority = voters.size() / 2 + 1;
    if (voters.size() - silent.size() >= majority) {
      return Optional.empty();
    }
    return Optional.of("voters " + silent.stream().map(m -> m.pod + (m.notReadySince == null ? ""
        : " (not ready since " + m.notReadySince + ")")).collect(Collectors.joining(", "))
        + " do not answer; " + (voters.size() - silent.size()) + " of " + voters.size() + " voters answer and "
        + majority + " are needed, so no leader can be elected and no write is accepted. If they come back the"
        + " cluster recovers by itself; spec.recovery says what the operator does if they do not (see"
        + " status.recovery).");
  }

  private static String manualRecovery() {
    return "To recover by hand, as " + MANUAL_RECOVERY + " describes: stop the survivors, inspect their data dirs,"
        + " reconfigure the most up-to-date one and copy its data to the others; or set spec.recovery.mode to Manual"
        + " or Automatic.";
  }

  private static void addSpecWarning(Conditions c, ClusterPlan plan) {
    if (plan.specWarnings().isEmpty()) {
      c.add(SPEC_WARNING, "False", "AsExpected", "No warnings.");
    } else {
      c.add(SPEC_WARNING, "True", "ReplicasAboveRoles", String.join("; ", plan.specWarnings()) + ".");
    }
  }

  static List<CowsqlClusterStatus.Member> members(CowsqlCluster cluster, ObservedCluster observed, ClusterPlan plan,
      CowsqlClusterStatus previous, String now) {
    Map<String, CowsqlClusterStatus.Member> before = new TreeMap<>();
    if (previous.members != null) {
      previous.members.forEach(m -> before.put(m.pod, m));
    }
    // Without a leader the configuration cannot change: keep what the leader last said.
    boolean listed = !observed.cowsql().members().isEmpty();
    List<CowsqlClusterStatus.Member> out = new ArrayList<>();
    for (ObservedPod pod : observed.pods()) {
      String address = ClusterNames.podAddress(cluster, pod.name());
      Optional<CowsqlView.Member> m = observed.cowsql().member(address);
      Optional<CowsqlClusterStatus.Member> last = Optional.ofNullable(before.get(pod.name()));
      CowsqlClusterStatus.Member member = new CowsqlClusterStatus.Member();
      member.pod = pod.name();
      member.address = address;
      member.nodeId = listed ? m.map(CowsqlView.Member::nodeId).orElse(null) : last.map(x -> x.nodeId).orElse(null);
      member.role = listed ? m.map(CowsqlView.Member::role).orElse(null) : last.map(x -> x.role).orElse(null);
      member.zone = pod.zone().filter(z -> !z.isEmpty()).orElse(null);
      member.failureDomain = pod.scheduled() ? FailureDomainCodes.codeOf(plan.failureDomains(), pod.zone().orElse(""))
          : null;
      member.ready = pod.ready();
      member.node = pod.nodeName().orElse(null);
      member.nodeReady = pod.nodeReady().orElse(null);
      if (!pod.ready()) {
        member.notReadySince = last.map(x -> notReadySince(x, now)).orElse(null);
        member.notReadyReason = observed.notReadyReason(pod.name()).orElse(null);
      }
      out.add(member);
      before.remove(pod.name());
    }
    // A member whose pod is gone (deleted, being recreated by the StatefulSet) stays listed, not ready: it is
    // still in the configuration, and its replacement is the same member, not a new one.
    before.values().stream()
        .filter(x -> ClusterNames.ordinal(cluster, x.pod) >= 0 && ClusterNames.ordinal(cluster, x.pod) < plan.statefulSetReplicas())
        .forEach(x -> {
          CowsqlClusterStatus.Member member = new CowsqlClusterStatus.Member();
          member.pod = x.pod;
          member.address = x.address;
          Optional<CowsqlView.Member> m = observed.cowsql().member(x.address);
          member.nodeId = listed ? m.map(CowsqlView.Member::nodeId).orElse(null) : x.nodeId;
          member.role = listed ? m.map(CowsqlView.Member::role).orElse(null) : x.role;
          member.zone = x.zone;
          member.failureDomain = x.failureDomain;
          member.ready = false;
          member.notReadySince = notReadySince(x, now);
          out.add(member);
        });
    out.sort(java.util.Comparator.comparingInt(x -> ClusterNames.ordinal(cluster, x.pod)));
    return out;
  }

  private static String notReadySince(CowsqlClusterStatus.Member last, String now) {
    return last.notReadySince != null ? last.notReadySince : Boolean.TRUE.equals(last.ready) ? now : null;
  }

  /**
   * Whether the ready members' roles still differ from what the role policy makes of the targets (a cluster of
   * fewer than three keeps only the leader voting; then as many voters as the target allows, then standbys), and
   * the message saying so. A node that joined is Ready as a spare before the policy promotes it, a few seconds later.
   */
  static Optional<String> rolesPending(CowsqlCluster cluster, List<CowsqlClusterStatus.Member> members) {
    int serving = (int) members.stream().filter(m -> Boolean.TRUE.equals(m.ready) && m.role != null).count();
    if (serving == 0) {
      return Optional.empty();
    }
    // What the agents' role policy converges to among the serving members (a 2-member cluster has no standby).
    ClusterSpecView.RoleCounts want = cluster.getSpec().defaulted().rolesOf(serving);
    int voters = want.voters();
    int standbys = want.standbys();
    int haveVoters = (int) members.stream().filter(m -> "voter".equals(m.role)).count();
    int haveStandbys = (int) members.stream().filter(m -> "standby".equals(m.role)).count();
    if (haveVoters == voters && haveStandbys == standbys) {
      return Optional.empty();
    }
    return Optional.of("Assigning roles: " + haveVoters + " of " + voters + " voters, " + haveStandbys + " of " + standbys
        + " standbys; the leader's role policy promotes and demotes one member every few seconds.");
  }

  private static Integer count(List<CowsqlClusterStatus.Member> members, String role) {
    if (members.stream().allMatch(m -> m.role == null)) {
      return null;
    }
    return (int) members.stream().filter(m -> role.equals(m.role)).count();
  }

  private static String names(List<CowsqlClusterStatus.Member> members) {
    return members.stream().map(m -> m.pod).collect(Collectors.joining(", "));
  }

  private static String availableMessage(CowsqlView cowsql, Optional<String> leaderPod) {
    if (cowsql.leader().isPresent()) {
      return "Leader " + leaderPod.orElse(cowsql.leader().get()) + " answers.";
    }
    return "No node reports a leader" + cowsql.problem().map(p -> " (" + p + ")").orElse("") + ".";
  }

  private static String notReadyHint(List<CowsqlClusterStatus.Member> members) {
    List<String> names = members.stream().filter(m -> !Boolean.TRUE.equals(m.ready)).map(m -> m.pod).toList();
    return names.isEmpty() ? "" : " (not ready: " + String.join(", ", names)
        + "; see `kubectl describe pod` and the pod logs)";
  }

  /** The conditions of one status, each keeping the previous lastTransitionTime while its status is unchanged. */
  private record Conditions(CowsqlClusterStatus previous, Long generation, String now, List<Condition> out) {
    void add(String type, String status, String reason, String message) {
      out.add(condition(previous, type, status, reason, message, generation, now));
    }

    String since(String type, String status) {
      return condition(previous, type, status, "", "", generation, now).getLastTransitionTime();
    }
  }

  /** A condition that keeps the previous lastTransitionTime when its status is unchanged. */
  static Condition condition(CowsqlClusterStatus previous, String type, String status, String reason, String message,
      Long generation, String now) {
    String since = now;
    if (previous.conditions != null) {
      for (Condition c : previous.conditions) {
        if (type.equals(c.getType()) && Objects.equals(status, c.getStatus()) && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build();
  }

  /** The condition of a type in a status, if present. */
  public static Optional<Condition> find(CowsqlClusterStatus status, String type) {
    if (status == null || status.conditions == null) {
      return Optional.empty();
    }
    return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
