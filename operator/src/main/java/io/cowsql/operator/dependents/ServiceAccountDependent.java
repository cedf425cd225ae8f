package io.cowsql.operator.dependents;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The nodes' ServiceAccount. The agent never calls the API, so no token is mounted and no role is bound. */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR),
    // Kubernetes 1.20 answers an apply that carries resourceVersion "create only" with a bare 500, which the
    // client retries for minutes: create by plain apply instead.
    createResourceOnlyIfNotExistingWithSSA = false)
public class ServiceAccountDependent extends ClusterOwnedDependent<ServiceAccount> {

  public ServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    return build(cluster);
  }

  public static ServiceAccount build(CowsqlCluster cluster) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
          .withName(ClusterNames.serviceAccount(cluster))
          .withNamespace(cluster.getMetadata().getNamespace())
          .withLabels(ClusterNames.labels(cluster))
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
