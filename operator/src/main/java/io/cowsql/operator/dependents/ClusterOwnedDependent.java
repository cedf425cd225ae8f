package io.cowsql.operator.dependents;

import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.List;

/**
 * An object the CowsqlCluster owns as its controller: deleting the cluster deletes it (garbage collection),
 * and {@code kubectl} shows who manages it.
 */
public abstract class ClusterOwnedDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, CowsqlCluster> {

  protected ClusterOwnedDependent(Class<R> type) {
    super(type);
  }

  @Override
  protected void addReferenceHandlingMetadata(R desired, CowsqlCluster cluster) {
    desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
        .withApiVersion(cluster.getApiVersion())
        .withKind(cluster.getKind())
        .withName(cluster.getMetadata().getName())
        .withUid(cluster.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build()));
  }
}
