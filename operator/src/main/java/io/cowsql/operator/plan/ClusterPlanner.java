package io.cowsql.operator.plan;

import io.cowsql.contract.Annotations;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.StorageSpec;
import io.cowsql.operator.recovery.RecoveryPlanner;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** decide: (the resource, what was observed, the time) -> {@link ClusterPlan}. Pure: no I/O. */
public final class ClusterPlanner {
  /**
   * How long ordinal 0 may run without having seen its bootstrap permission before it is restarted. The node
   * agent reads COWSQL_BOOTSTRAP when its container starts, which can be before the operator granted it.
   */
  public static final Duration BOOTSTRAP_RESTART_AFTER = Duration.ofSeconds(20);

  private ClusterPlanner() {}

  public static ClusterPlan decide(CowsqlCluster cluster, ObservedCluster observed) {
    return decide(cluster, observed, Instant.now());
  }

  public static ClusterPlan decide(CowsqlCluster cluster, ObservedCluster observed, Instant now) {
    CowsqlClusterStatus status = cluster.getStatus();
    Map<String, Long> knownCodes = status == null || status.failureDomains == null ? Map.of() : status.failureDomains;
    boolean bootstrapped = (status != null && Boolean.TRUE.equals(status.bootstrapped))
        || observed.cowsql().leader().isPresent()
        || observed.pods().stream().anyMatch(ObservedPod::ready);
    List<String> errors = new ArrayList<>(SpecValidator.validateName(cluster.getMetadata().getName()));
    errors.addAll(SpecValidator.validate(cluster.getSpec()));
    String clusterId = ClusterNames.clusterId(cluster);
    errors.addAll(SpecValidator.validateIdentity(clusterId,
        Optional.ofNullable(status == null ? null : status.clusterId)));
    List<String> warnings = SpecValidator.warnings(cluster.getSpec());
    if (!errors.isEmpty()) {
      int unchanged = observed.statefulSetReplicas().orElse(0);
      return new ClusterPlan(errors, warnings, clusterId, unchanged, new ScaleDownPlan(ScaleDownPlan.Step.NONE,
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), unchanged, Optional.empty(), ""),
          new TreeMap<>(knownCodes), Map.of(), bootstrapped, List.of(), List.of(), Map.of());
    }

    ClusterSpecView spec = cluster.getSpec().defaulted();
    ScaleDownPlan scaleDown = ScaleDownPlanner.plan(cluster, observed, bootstrapped);

    Map<String, Long> codes = FailureDomainCodes.assign(recoverCodes(knownCodes, observed.pods()),
        observed.pods().stream().filter(ObservedPod::scheduled).map(p -> p.zone().orElse("")).toList());

    Map<String, String> live = new LinkedHashMap<>(NodeSettings.liveAnnotations(cluster));
    // The recovery's epoch (and, while regrowing, its template) on every pod, in the same patch as a new pod's domain.
    live.putAll(RecoveryPlanner.podAnnotations(status == null ? null : status.recovery));
    // Unknown this pass (no leader listed the members): every pod keeps the value it has.
    scaleDown.leaving().ifPresent(ids -> live.put(Annotations.LEAVING, ids.isEmpty() ? null : ids));
    Map<String, Map<String, String>> annotations = new LinkedHashMap<>();
    for (ObservedPod pod : observed.pods()) {
      Map<String, String> change = annotationChange(pod, codes, bootstrapped, live, now);
      if (!change.isEmpty()) {
        annotations.put(pod.name(), Collections.unmodifiableMap(change));
      }
    }

    StorageSpec.RetentionPolicy whenDeleted = spec.whenDeleted();
    List<String> own = new ArrayList<>();
    List<String> release = new ArrayList<>();
    for (ObservedCluster.ObservedClaim claim : observed.claims()) {
      if (whenDeleted == StorageSpec.RetentionPolicy.Delete && !claim.ownedByCluster()) {
        own.add(claim.name());
      } else if (whenDeleted == StorageSpec.RetentionPolicy.Retain && claim.ownedByCluster()) {
        release.add(claim.name());
      }
    }
    Map<String, String> restart = new LinkedHashMap<>();
    for (ObservedPod pod : observed.pods()) {
      bootstrapRestart(pod, bootstrapped, now).ifPresent(why -> restart.put(pod.name(), why));
    }
    return new ClusterPlan(List.of(), warnings, clusterId, scaleDown.statefulSetReplicas(), scaleDown, codes, Collections.unmodifiableMap(annotations),
        bootstrapped, own, release, Collections.unmodifiableMap(restart));
  }

  /**
   * Ordinal 0 of a cluster that never formed, whose node started before it was granted the bootstrap permission
   * and is still not ready a while after: its agent read no permission and waits to join a cluster that does
   * not exist. Deleting it (no data yet) lets it start again with the permission.
   */
  static Optional<String> bootstrapRestart(ObservedPod pod, boolean bootstrapped, Instant now) {
    if (bootstrapped || pod.ordinal() != 0 || pod.ready() || pod.startedAt().isEmpty()
        || !"true".equals(pod.annotations().get(ClusterNames.ANNOTATION_BOOTSTRAP))) {
      return Optional.empty();
    }
    Instant granted;
    try {
      granted = Instant.parse(pod.annotations().getOrDefault(ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED, ""));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    if (pod.startedAt().get().isBefore(granted) && now.isAfter(granted.plus(BOOTSTRAP_RESTART_AFTER))) {
      return Optional.of("its node started at " + pod.startedAt().get() + ", before the bootstrap permission ("
          + granted + "), and the cluster has not formed");
    }
    return Optional.empty();
  }

  /**
   * The annotations a pod must gain or lose: the live settings (the role targets and the members a scale-down takes
   * out, which running agents re-read),
   * its failure domain (once scheduled) and, on ordinal 0 of a cluster that never formed, the bootstrap
   * permission; the permission is withdrawn once the cluster formed so a wiped volume can never bootstrap a second
   * cluster.
   */
  static Map<String, String> annotationChange(ObservedPod pod, Map<String, Long> codes, boolean bootstrapped,
      Map<String, String> live, Instant now) {
    Map<String, String> desired = new LinkedHashMap<>(live);
    if (pod.scheduled()) {
      String zone = pod.zone().orElse("");
      desired.put(ClusterNames.ANNOTATION_ZONE, zone);
      desired.put(ClusterNames.ANNOTATION_FAILURE_DOMAIN, Long.toString(FailureDomainCodes.codeOf(codes, zone)));
    }
    if (pod.ordinal() == 0 && !bootstrapped) {
      // granted as soon as the pod exists, so that it is usually there before the node starts
      desired.put(ClusterNames.ANNOTATION_BOOTSTRAP, "true");
      desired.put(ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED,
          pod.annotations().getOrDefault(ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED, now.toString()));
    } else {
      desired.put(ClusterNames.ANNOTATION_BOOTSTRAP, null);
      desired.put(ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED, null);
    }
    Map<String, String> change = new LinkedHashMap<>();
    desired.forEach((key, value) -> {
      String current = pod.annotations().get(key);
      if (!Objects.equals(current, value)) {
        change.put(key, value);
      }
    });
    return change;
  }

  /**
   * Codes already on pods but missing from status (a status write lost after the pods were annotated) are
   * taken back, unless the code is already used by another zone.
   */
  static Map<String, Long> recoverCodes(Map<String, Long> known, List<ObservedPod> pods) {
    Map<String, Long> codes = new TreeMap<>(known);
    Set<Long> used = new HashSet<>(codes.values());
    for (ObservedPod pod : pods) {
      String zone = pod.annotations().get(ClusterNames.ANNOTATION_ZONE);
      String code = pod.annotations().get(ClusterNames.ANNOTATION_FAILURE_DOMAIN);
      if (zone == null || zone.isEmpty() || code == null || codes.containsKey(zone)) {
        continue;
      }
      try {
        long c = Long.parseLong(code);
        if (c > 0 && used.add(c)) {
          codes.put(zone, c);
        }
      } catch (NumberFormatException e) {
        // not ours to keep
      }
    }
    return codes;
  }
}
