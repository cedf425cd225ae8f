package io.cowsql.operator.plan;

import io.cowsql.operator.cluster.CowsqlView;
import java.util.List;
import java.util.Optional;

/**
 * Everything one reconcile pass read before deciding: Kubernetes objects and cowsql's own view.
 *
 * @param statefulSetReplicas replicas of the existing StatefulSet, empty when there is none yet
 * @param pods                the cluster's pods, by ordinal
 * @param claims              the data volume claims of the cluster
 * @param cowsql              what the nodes said
 */
public record ObservedCluster(Optional<Integer> statefulSetReplicas, Optional<Integer> statefulSetReadyReplicas,
    List<ObservedPod> pods, List<ObservedClaim> claims, CowsqlView cowsql) {

  /** A PersistentVolumeClaim of a node, and whether the CowsqlCluster owns it (deleted with it). */
  public record ObservedClaim(String name, boolean ownedByCluster) {}

  public ObservedCluster {
    pods = List.copyOf(pods);
    claims = List.copyOf(claims);
  }

  public long readyPods() {
    return pods.stream().filter(ObservedPod::ready).count();
  }
}
