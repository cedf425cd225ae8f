package io.cowsql.operator.reconciler;

import io.cowsql.client.CowsqlException;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlMembership;
import io.cowsql.operator.cluster.CowsqlMembership.Kind;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.ClusterPlan;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ScaleDownPlan;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * act, beyond the dependents: the pod annotations the node agents read (failure domain, bootstrap, leaving), the
 * claims' owner references that carry storage.retention.whenDeleted, and a scale-down's step (a configuration change
 * through the leader, or a removed member's claim). Writes only what the plan lists.
 */
@ApplicationScoped
public class PlanExecutor {
  private static final Logger LOG = Logger.getLogger(PlanExecutor.class);

  private final CowsqlMembership membership;

  public PlanExecutor(CowsqlMembership membership) {
    this.membership = membership;
  }

  /**
   * The scale-down's step of this pass, if it acts: one configuration change through the leader, or deleting a
   * removed member's claim. Other steps only wait (the StatefulSet shrinks through its dependent).
   *
   * @return why the step failed, empty when it was carried out or there was nothing to do; a failed step is planned
   *         again from the next pass's observation
   */
  public Optional<String> scaleDown(KubernetesClient client, CowsqlCluster cluster, ObservedCluster observed,
      ClusterPlan plan) {
    ScaleDownPlan step = plan.scaleDown();
    String name = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    step.claim().ifPresent(claim -> {
      LOG.infof("%s: deleting claim %s of the removed member %s (whenScaled: Delete)", name, claim,
          step.pod().orElse(""));
      client.persistentVolumeClaims().inNamespace(cluster.getMetadata().getNamespace()).withName(claim).delete();
    });
    if (!step.changesMembership()) {
      return Optional.empty();
    }
    CowsqlMembership.Change change = switch (step.step()) {
      case TRANSFER_LEADERSHIP -> CowsqlMembership.Change.of(Kind.TRANSFER_LEADERSHIP, step.targetNodeId().orElseThrow());
      case PROMOTE_REPLACEMENT -> CowsqlMembership.Change.of(Kind.PROMOTE_TO_VOTER, step.targetNodeId().orElseThrow());
      case DEMOTE_TO_SPARE -> CowsqlMembership.Change.of(Kind.DEMOTE_TO_SPARE, step.nodeId().orElseThrow());
      case REMOVE_MEMBER -> CowsqlMembership.Change.of(Kind.REMOVE, step.nodeId().orElseThrow());
      default -> throw new IllegalStateException(step.step() + " changes no membership");
    };
    String leader = observed.cowsql().leader().orElseThrow();
    Map<String, String> dialable = new LinkedHashMap<>();
    observed.pods().forEach(p -> p.podIp().ifPresent(ip ->
        dialable.put(ClusterNames.podAddress(cluster, p.name()), ip + ":" + ClusterNames.COWSQL_PORT)));
    LOG.infof("%s: scale-down, %s: %s through the leader %s", name, step.step().display(), change, leader);
    try {
      membership.apply(leader, dialable, change);
      return Optional.empty();
    } catch (CowsqlException e) {
      LOG.warnf("%s: scale-down step %s (%s) failed, planned again next pass: %s", name, step.step().display(), change,
          e.getMessage());
      return Optional.of(step.step().display() + " (" + change + ") through " + leader + " failed: " + e.getMessage());
    }
  }

  public void annotatePods(KubernetesClient client, CowsqlCluster cluster, ClusterPlan plan) {
    String ns = cluster.getMetadata().getNamespace();
    plan.podAnnotations().forEach((pod, annotations) -> {
      Map<String, Object> patch = Map.of("metadata", Map.of("annotations", new LinkedHashMap<>(annotations)));
      LOG.infof("%s/%s: pod %s annotations %s", ns, cluster.getMetadata().getName(), pod, annotations);
      try {
        client.pods().inNamespace(ns).withName(pod)
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        LOG.debugf("%s/%s: pod %s is gone; its replacement is annotated in the next pass", ns,
            cluster.getMetadata().getName(), pod);
      }
    });
  }

  public void restartPods(KubernetesClient client, CowsqlCluster cluster, ClusterPlan plan) {
    String ns = cluster.getMetadata().getNamespace();
    plan.podsToRestart().forEach((pod, why) -> {
      LOG.infof("%s/%s: deleting pod %s: %s", ns, cluster.getMetadata().getName(), pod, why);
      client.pods().inNamespace(ns).withName(pod).delete();
    });
  }

  public void applyClaimRetention(KubernetesClient client, CowsqlCluster cluster, ClusterPlan plan) {
    String ns = cluster.getMetadata().getNamespace();
    String uid = cluster.getMetadata().getUid();
    OwnerReference owner = new OwnerReferenceBuilder()
        .withApiVersion(cluster.getApiVersion())
        .withKind(cluster.getKind())
        .withName(cluster.getMetadata().getName())
        .withUid(uid)
        .build();
    for (String claim : plan.claimsToOwn()) {
      client.persistentVolumeClaims().inNamespace(ns).withName(claim).edit(pvc -> new PersistentVolumeClaimBuilder(pvc)
          .editMetadata().addToOwnerReferences(owner).endMetadata().build());
    }
    for (String claim : plan.claimsToRelease()) {
      client.persistentVolumeClaims().inNamespace(ns).withName(claim).edit(pvc -> {
        List<OwnerReference> kept = pvc.getMetadata().getOwnerReferences().stream()
            .filter(o -> !uid.equals(o.getUid())).toList();
        return new PersistentVolumeClaimBuilder(pvc).editMetadata().withOwnerReferences(kept).endMetadata().build();
      });
    }
  }
}
