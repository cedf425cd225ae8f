package io.cowsql.operator.roll;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.dependents.StatefulSetDependent;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.UserAnnotations;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.roll.RolloutObservation.PodRevision;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * observe, for the rolling update: the StatefulSet's update revision (only once its controller observed the
 * current generation: before that it may name the previous template), each pod's revision label, and the agents'
 * log positions. Pods and the StatefulSet from the informers' caches; the positions from the agents.
 */
@ApplicationScoped
public class RolloutObserver {
  private final AgentLogPositions positions;

  public RolloutObserver(AgentLogPositions positions) {
    this.positions = positions;
  }

  public RolloutObservation observe(CowsqlCluster cluster, Optional<StatefulSet> sts, List<Pod> pods,
      ObservedCluster observed) {
    Optional<String> updateRevision = sts.filter(RolloutObserver::observedCurrentGeneration)
        .map(s -> s.getStatus().getUpdateRevision());
    List<PodRevision> revisions = new ArrayList<>();
    for (Pod pod : pods) {
      int ordinal = ClusterNames.ordinal(cluster, pod.getMetadata().getName());
      if (ordinal < 0) {
        continue;
      }
      Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
      Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of()
          : pod.getMetadata().getAnnotations();
      boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
          && pod.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      revisions.add(new PodRevision(pod.getMetadata().getName(), ordinal,
          Optional.ofNullable(labels.get(StatefulSetDependent.REVISION_LABEL)), ready,
          pod.getMetadata().getDeletionTimestamp() != null, annotations.containsKey(UserAnnotations.UPDATE)));
    }
    revisions.sort(Comparator.comparingInt(PodRevision::ordinal));
    // The agents are asked only while some pod runs another revision: the positions matter to nothing else.
    boolean rolling = updateRevision.isPresent() && revisions.stream()
        .anyMatch(p -> p.revision().isPresent() && !p.revision().equals(updateRevision));
    Map<String, String> ips = new LinkedHashMap<>();
    observed.pods().forEach(p -> p.podIp().ifPresent(ip -> ips.put(p.name(), ip)));
    return new RolloutObservation(updateRevision, sts.map(s -> s.getSpec().getReplicas()).orElse(0), revisions,
        rolling ? positions.read(ips) : Map.of(), observed.cowsql());
  }

  static boolean observedCurrentGeneration(StatefulSet sts) {
    return sts.getStatus() != null && sts.getStatus().getUpdateRevision() != null
        && sts.getStatus().getObservedGeneration() != null && sts.getMetadata().getGeneration() != null
        && sts.getStatus().getObservedGeneration() >= sts.getMetadata().getGeneration();
  }
}
