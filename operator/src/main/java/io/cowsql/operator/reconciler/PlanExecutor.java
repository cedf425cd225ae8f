package io.cowsql.operator.reconciler;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.ClusterPlan;
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
import org.jboss.logging.Logger;

/**
 * act, beyond the dependents: the pod annotations the node agents read (failure domain, bootstrap) and the
 * claims' owner references that carry storage.retention.whenDeleted. Writes only what the plan lists.
 */
@ApplicationScoped
public class PlanExecutor {
  private static final Logger LOG = Logger.getLogger(PlanExecutor.class);

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
