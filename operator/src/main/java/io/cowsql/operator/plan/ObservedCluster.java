package io.cowsql.operator.plan;

import io.cowsql.operator.cluster.CowsqlView;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one reconcile pass read before deciding: Kubernetes objects and cowsql's own view.
 *
 * @param statefulSetReplicas replicas of the existing StatefulSet, empty when there is none yet
 * @param pods                the cluster's pods, by ordinal
 * @param claims              the data volume claims of the cluster
 * @param cowsql              what the nodes said
 * @param notReadyReasons     pod -> why its agent says it is not ready (only pods not Ready whose agent answered)
 */
public record ObservedCluster(Optional<Integer> statefulSetReplicas, Optional<Integer> statefulSetReadyReplicas,
    List<ObservedPod> pods, List<ObservedClaim> claims, CowsqlView cowsql, Map<String, String> notReadyReasons) {

  /** Nothing heard from the agents. */
  public ObservedCluster(Optional<Integer> statefulSetReplicas, Optional<Integer> statefulSetReadyReplicas,
      List<ObservedPod> pods, List<ObservedClaim> claims, CowsqlView cowsql) {
    this(statefulSetReplicas, statefulSetReadyReplicas, pods, claims, cowsql, Map.of());
  }

  /** A PersistentVolumeClaim of a node, and whether the CowsqlCluster owns it (deleted with it). */
  public record ObservedClaim(String name, boolean ownedByCluster) {}

  public ObservedCluster {
    pods = List.copyOf(pods);
    claims = List.copyOf(claims);
    notReadyReasons = Map.copyOf(notReadyReasons);
  }

  /** Why the agent of {@code pod} says it is not ready, if it said. */
  public Optional<String> notReadyReason(String pod) {
    return Optional.ofNullable(notReadyReasons.get(pod));
  }

  public long readyPods() {
    return pods.stream().filter(ObservedPod::ready).count();
  }
}
