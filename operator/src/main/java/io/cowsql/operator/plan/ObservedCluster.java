package io.cowsql.operator.plan;

import io.cowsql.operator.cluster.AgentReport;
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
 * @param agents              pod -> what its agent said over HTTP (its not-ready reason, its data dir's report)
 */
public record ObservedCluster(Optional<Integer> statefulSetReplicas, Optional<Integer> statefulSetReadyReplicas,
    List<ObservedPod> pods, List<ObservedClaim> claims, CowsqlView cowsql, Map<String, AgentReport> agents) {

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
    agents = Map.copyOf(agents);
  }

  public AgentReport agent(String pod) {
    return agents.getOrDefault(pod, AgentReport.NONE);
  }

  public long readyPods() {
    return pods.stream().filter(ObservedPod::ready).count();
  }
}
