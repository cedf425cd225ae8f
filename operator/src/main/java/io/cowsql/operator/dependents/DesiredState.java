package io.cowsql.operator.dependents;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.ClusterPlan;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * What the dependents build from: the plan of this reconcile pass and the operator's defaults. The reconciler
 * puts it in the workflow context before it runs the dependents.
 */
public record DesiredState(ClusterPlan plan, NodeDefaults defaults) {

  public static void put(Context<CowsqlCluster> context, DesiredState state) {
    context.managedWorkflowAndDependentResourceContext().put(DesiredState.class, state);
  }

  public static DesiredState of(Context<CowsqlCluster> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(DesiredState.class, DesiredState.class);
  }
}
