package io.cowsql.operator.dependents;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The budget of {@link PodDisruptionBudgetDependent} as policy/v1beta1, for servers without policy/v1 (Kubernetes
 * 1.20; 1.25 removed v1beta1).
 */
// Plain create, as PodDisruptionBudgetDependent says why: 1.20 is exactly where this version is used.
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR),
    createResourceOnlyIfNotExistingWithSSA = false)
public class PodDisruptionBudgetV1beta1Dependent extends ClusterOwnedDependent<PodDisruptionBudget> {

  public PodDisruptionBudgetV1beta1Dependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    PodDisruptionBudget budget = context.getClient().getKubernetesSerialization()
        .convertValue(PodDisruptionBudgetDependent.build(cluster), PodDisruptionBudget.class);
    budget.setApiVersion(HasMetadata.getApiVersion(PodDisruptionBudget.class));
    return budget;
  }

  /** Activation condition: the server serves policy/v1beta1 and not policy/v1. */
  public static final class Served implements Condition<PodDisruptionBudget, CowsqlCluster> {
    @Override
    public boolean isMet(DependentResource<PodDisruptionBudget, CowsqlCluster> dependent, CowsqlCluster cluster,
        Context<CowsqlCluster> context) {
      return PodDisruptionBudgetApi.of(context) == PodDisruptionBudgetApi.V1BETA1;
    }
  }
}
