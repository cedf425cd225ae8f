package io.cowsql.operator.dependents;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Voluntary disruptions (drains, evictions) take at most one node at a time, so never more than one voter.
 * policy/v1beta1: the only version Kubernetes 1.20 serves (policy/v1 arrives in 1.21).
 */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR),
    // Kubernetes 1.20 answers an apply that carries resourceVersion "create only" with a bare 500, which the
    // client retries for minutes: create by plain apply instead.
    createResourceOnlyIfNotExistingWithSSA = false)
public class PodDisruptionBudgetDependent extends ClusterOwnedDependent<PodDisruptionBudget> {

  public PodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    return build(cluster);
  }

  public static PodDisruptionBudget build(CowsqlCluster cluster) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
          .withName(ClusterNames.podDisruptionBudget(cluster))
          .withNamespace(cluster.getMetadata().getNamespace())
          .withLabels(ClusterNames.labels(cluster))
        .endMetadata()
        .withNewSpec()
          .withMaxUnavailable(new IntOrString(1))
          .withNewSelector().withMatchLabels(ClusterNames.selectorLabels(cluster)).endSelector()
        .endSpec()
        .build();
  }
}
