package io.cowsql.operator.dependents;

import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Which PodDisruptionBudget API the API server serves, discovered once when the operator starts: {@code policy/v1}
 * from Kubernetes 1.21 on (1.25 removed {@code policy/v1beta1}), {@code policy/v1beta1} on 1.20. Each version has its
 * dependent, activated only where the server serves it, so an informer never watches a version that is not there.
 * RBAC rules name a group and a resource, not a version: one rule covers both.
 */
public enum PodDisruptionBudgetApi {
  V1(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
  V1BETA1(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class),
  /** Neither version is served: clusters get no disruption budget. */
  NONE(null);

  private final Class<? extends HasMetadata> type;

  PodDisruptionBudgetApi(Class<? extends HasMetadata> type) {
    this.type = type;
  }

  /** The newest version the server lists in its discovery documents ({@code /apis/policy/v1}, then v1beta1). */
  public static PodDisruptionBudgetApi servedBy(KubernetesClient client) {
    for (PodDisruptionBudgetApi api : values()) {
      if (api.type != null && client.supports(api.type)) {
        return api;
      }
    }
    return NONE;
  }

  /** {@code policy/v1}, {@code policy/v1beta1}, or {@code none}. */
  public String apiVersion() {
    return type == null ? "none" : HasMetadata.getApiVersion(type);
  }

  /** The reconciler puts the discovered version in the workflow context before it runs the dependents. */
  public void put(Context<CowsqlCluster> context) {
    context.managedWorkflowAndDependentResourceContext().put(PodDisruptionBudgetApi.class, this);
  }

  static PodDisruptionBudgetApi of(Context<CowsqlCluster> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(PodDisruptionBudgetApi.class,
        PodDisruptionBudgetApi.class);
  }
}
