package io.cowsql.operator.reconciler;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.AgentProbe;
import io.cowsql.operator.cluster.CowsqlStateProbe;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.FailureDomainsSpec;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * observe: the StatefulSet, pods, claims and the pods' Nodes (zone label, Ready), all from the informers' caches,
 * and cowsql itself. No request to the API server.
 */
@ApplicationScoped
public class ClusterObserver {
  private final CowsqlStateProbe probe;
  private final AgentProbe agents;

  public ClusterObserver(CowsqlStateProbe probe, AgentProbe agents) {
    this.probe = probe;
    this.agents = agents;
  }

  public ObservedCluster observe(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    Map<String, Node> nodes = context.getSecondaryResources(Node.class).stream()
        .collect(Collectors.toMap(n -> n.getMetadata().getName(), n -> n, (a, b) -> a));
    Optional<StatefulSet> sts = context.getSecondaryResource(StatefulSet.class);
    String topologyKey = cluster.getSpec().failureDomains == null || cluster.getSpec().failureDomains.topologyKey == null
        ? FailureDomainsSpec.DEFAULT_TOPOLOGY_KEY : cluster.getSpec().failureDomains.topologyKey;

    List<ObservedPod> pods = new ArrayList<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      int ordinal = ClusterNames.ordinal(cluster, pod.getMetadata().getName());
      if (ordinal < 0 || pod.getMetadata().getDeletionTimestamp() != null && pod.getSpec().getNodeName() == null) {
        continue;
      }
      Optional<String> nodeName = Optional.ofNullable(pod.getSpec().getNodeName()).filter(n -> !n.isEmpty());
      Optional<String> zone = Optional.empty();
      String annotatedZone = pod.getMetadata().getAnnotations() == null ? null
          : pod.getMetadata().getAnnotations().get(ClusterNames.ANNOTATION_ZONE);
      Optional<Node> node = nodeName.map(nodes::get);
      if (nodeName.isPresent() && annotatedZone != null) {
        zone = Optional.of(annotatedZone); // read from its Node once, when it was scheduled
      } else if (nodeName.isPresent()) {
        if (node.isEmpty()) {
          nodeName = Optional.empty(); // cannot place it yet: treat as unscheduled, retry next pass
        } else {
          Map<String, String> labels = node.get().getMetadata().getLabels();
          zone = Optional.of(labels == null ? "" : labels.getOrDefault(topologyKey, ""));
        }
      }
      boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
          && pod.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      Optional<String> ip = Optional.ofNullable(pod.getStatus() == null ? null : pod.getStatus().getPodIP())
          .filter(s -> !s.isEmpty());
      Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of()
          : pod.getMetadata().getAnnotations();
      Optional<java.time.Instant> startedAt = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
          ? Optional.empty()
          : pod.getStatus().getContainerStatuses().stream()
              .filter(cs -> io.cowsql.operator.dependents.StatefulSetDependent.CONTAINER.equals(cs.getName()))
              .filter(cs -> cs.getState() != null && cs.getState().getRunning() != null
                  && cs.getState().getRunning().getStartedAt() != null)
              .map(cs -> java.time.Instant.parse(cs.getState().getRunning().getStartedAt()))
              .findFirst();
      pods.add(new ObservedPod(pod.getMetadata().getName(), ordinal, nodeName, zone, ip, ready, annotations,
          startedAt, node.flatMap(ClusterObserver::nodeReady)));
    }
    pods.sort(Comparator.comparingInt(ObservedPod::ordinal));

    List<ObservedCluster.ObservedClaim> claims = new ArrayList<>();
    for (PersistentVolumeClaim pvc : context.getSecondaryResources(PersistentVolumeClaim.class)) {
      boolean owned = pvc.getMetadata().getOwnerReferences() != null && pvc.getMetadata().getOwnerReferences().stream()
          .anyMatch(o -> o.getUid() != null && o.getUid().equals(cluster.getMetadata().getUid()));
      claims.add(new ObservedCluster.ObservedClaim(pvc.getMetadata().getName(), owned));
    }

    // Ready pods first: they answer fastest.
    Map<String, String> dialable = new LinkedHashMap<>();
    pods.stream().filter(ObservedPod::ready).forEach(p -> p.podIp().ifPresent(ip ->
        dialable.put(ClusterNames.podAddress(cluster, p.name()), ip + ":" + ClusterNames.COWSQL_PORT)));
    pods.stream().filter(p -> !p.ready()).forEach(p -> p.podIp().ifPresent(ip ->
        dialable.put(ClusterNames.podAddress(cluster, p.name()), ip + ":" + ClusterNames.COWSQL_PORT)));
    CowsqlView view = probe.probe(dialable);

    // The agents of pods not Ready say why (status shows it per member).
    Map<String, String> notReady = new LinkedHashMap<>();
    pods.stream().filter(p -> !p.ready()).forEach(p -> p.podIp().ifPresent(ip -> notReady.put(p.name(),
        AgentProbe.httpAddress(ip))));
    Map<String, String> said = notReady.isEmpty() ? Map.of() : agents.notReadyReasons(notReady);

    return new ObservedCluster(
        sts.map(s -> s.getSpec().getReplicas()),
        sts.map(s -> s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0
            : s.getStatus().getReadyReplicas()),
        pods, claims, view, said);
  }

  /**
   * Ready=True: true; False or Unknown (the node-lifecycle controller's mark of a silent kubelet): false; empty when
   * the Node reports no Ready condition at all (not yet registered by its kubelet).
   */
  static Optional<Boolean> nodeReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
        .map(c -> "True".equals(c.getStatus()));
  }
}
