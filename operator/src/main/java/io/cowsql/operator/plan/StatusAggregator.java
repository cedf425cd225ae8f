package io.cowsql.operator.plan;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one place that turns (resource, observation, plan) into status: phase, conditions with reasons and
 * messages a person can act on, members, leader and the failure-domain map. Pure; a condition keeps its
 * lastTransitionTime while its status does not change, so an unchanged cluster gives an equal status.
 */
public final class StatusAggregator {
  public static final String READY = "Ready";
  public static final String AVAILABLE = "Available";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  public static final String PHASE_PENDING = "Pending";
  public static final String PHASE_CREATING = "Creating";
  public static final String PHASE_RUNNING = "Running";
  public static final String PHASE_DEGRADED = "Degraded";
  public static final String PHASE_INVALID = "Invalid";

  private StatusAggregator() {}

  public static CowsqlClusterStatus aggregate(CowsqlCluster cluster, ObservedCluster observed, ClusterPlan plan,
      String now) {
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
    s.members = members(cluster, observed, plan);
    Optional<String> leaderPod = cowsql.leader().flatMap(address -> observed.pods().stream()
        .filter(p -> ClusterNames.podAddress(cluster, p.name()).equals(address)).map(ObservedPod::name).findFirst());
    s.leader = leaderPod.orElse(null);

    int wanted = plan.statefulSetReplicas();
    boolean allReady = s.readyReplicas >= wanted && wanted > 0;
    boolean available = cowsql.leader().isPresent();
    List<Condition> conditions = new ArrayList<>();

    if (!plan.valid()) {
      s.phase = PHASE_INVALID;
      String message = String.join("; ", plan.specErrors()) + ". Nothing was changed; the running cluster is left as it was.";
      conditions.add(condition(previous, READY, "False", "InvalidSpec", message, generation, now));
      conditions.add(condition(previous, AVAILABLE, available ? "True" : "False", available ? "LeaderElected" : "NoLeader",
          availableMessage(cowsql, leaderPod), generation, now));
      conditions.add(condition(previous, PROGRESSING, "False", "InvalidSpec", "Fix the spec to continue: " + message,
          generation, now));
      conditions.add(condition(previous, DEGRADED, "False", "InvalidSpec", "The spec is invalid; see Ready.", generation, now));
      s.conditions = conditions;
      return s;
    }

    boolean formed = plan.bootstrapped();
    if (observed.pods().isEmpty() && !formed) {
      s.phase = PHASE_PENDING;
    } else if (!formed) {
      s.phase = PHASE_CREATING;
    } else if (allReady && available) {
      s.phase = PHASE_RUNNING;
    } else {
      s.phase = PHASE_DEGRADED;
    }

    if (allReady && available) {
      conditions.add(condition(previous, READY, "True", "ClusterReady",
          s.readyReplicas + " of " + wanted + " nodes ready; leader " + s.leader + ".", generation, now));
    } else if (!allReady) {
      conditions.add(condition(previous, READY, "False", "NodesNotReady", s.readyReplicas + " of " + wanted
          + " nodes ready" + notReadyHint(observed) + ".", generation, now));
    } else {
      conditions.add(condition(previous, READY, "False", "NoLeader", availableMessage(cowsql, leaderPod), generation, now));
    }

    conditions.add(condition(previous, AVAILABLE, available ? "True" : "False", available ? "LeaderElected" : "NoLeader",
        availableMessage(cowsql, leaderPod), generation, now));

    if (plan.scaleDownRefused().isPresent()) {
      conditions.add(condition(previous, PROGRESSING, "False", "ScaleDownRefused", plan.scaleDownRefused().get(),
          generation, now));
    } else if (observed.statefulSetReplicas().map(r -> r != wanted).orElse(true) || observed.pods().size() != wanted
        || !allReady) {
      String reason = formed ? "Scaling" : "Creating";
      conditions.add(condition(previous, PROGRESSING, "True", reason, "Bringing the cluster to " + wanted + " ready nodes ("
          + s.readyReplicas + " ready now).", generation, now));
    } else {
      conditions.add(condition(previous, PROGRESSING, "False", "Reconciled", "The cluster matches the spec.", generation, now));
    }

    if (formed && (!allReady || !available)) {
      String why = !available ? "the cluster has no leader (quorum may be lost): " + availableMessage(cowsql, leaderPod)
          : (wanted - s.readyReplicas) + " of " + wanted + " nodes not ready" + notReadyHint(observed);
      conditions.add(condition(previous, DEGRADED, "True", available ? "NodesNotReady" : "NoLeader",
          "The cluster formed but " + why + ".", generation, now));
    } else {
      conditions.add(condition(previous, DEGRADED, "False", "AsExpected", "No node is missing.", generation, now));
    }
    s.conditions = conditions;
    return s;
  }

  static List<CowsqlClusterStatus.Member> members(CowsqlCluster cluster, ObservedCluster observed, ClusterPlan plan) {
    List<CowsqlClusterStatus.Member> out = new ArrayList<>();
    for (ObservedPod pod : observed.pods()) {
      String address = ClusterNames.podAddress(cluster, pod.name());
      Optional<CowsqlView.Member> m = observed.cowsql().member(address);
      String zone = pod.zone().filter(z -> !z.isEmpty()).orElse(null);
      Long code = pod.scheduled() ? FailureDomainCodes.codeOf(plan.failureDomains(), pod.zone().orElse("")) : null;
      out.add(new CowsqlClusterStatus.Member(pod.name(), m.map(CowsqlView.Member::nodeId).orElse(null), address,
          m.map(CowsqlView.Member::role).orElse(null), code, zone, pod.ready()));
    }
    return out;
  }

  private static String availableMessage(CowsqlView cowsql, Optional<String> leaderPod) {
    if (cowsql.leader().isPresent()) {
      return "Leader " + leaderPod.orElse(cowsql.leader().get()) + " answers.";
    }
    return "No node reports a leader" + cowsql.problem().map(p -> " (" + p + ")").orElse("") + ".";
  }

  private static String notReadyHint(ObservedCluster observed) {
    List<String> names = observed.pods().stream().filter(p -> !p.ready()).map(ObservedPod::name).toList();
    return names.isEmpty() ? "" : " (not ready: " + String.join(", ", names)
        + "; see `kubectl describe pod` and the pod logs)";
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
