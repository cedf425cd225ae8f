package io.cowsql.operator.dependents;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Voluntary disruptions (drains, evictions) take at most one node at a time, so never more than one voter.
 * policy/v1, where the server serves it ({@link PodDisruptionBudgetApi}); {@link PodDisruptionBudgetV1beta1Dependent}
 * writes the same budget on Kubernetes 1.20.
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

  /** The one definition of the budget; the v1beta1 dependent converts it (the spec fields are the same). */
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

  /** Activation condition: the server serves policy/v1. */
  public static final class Served implements Condition<PodDisruptionBudget, CowsqlCluster> {
    @Override
    public boolean isMet(DependentResource<PodDisruptionBudget, CowsqlCluster> dependent, CowsqlCluster cluster,
        Context<CowsqlCluster> context) {
      return PodDisruptionBudgetApi.of(context) == PodDisruptionBudgetApi.V1;
    }
  }
}
