package io.cowsql.operator.roll;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.RolloutStatus;
import io.cowsql.operator.plan.ObservedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One reconcile pass of the rolling update: observe ({@link RolloutObserver}) -> decide ({@link RolloutPlanner}) ->
 * act ({@link RolloutExecutor}), and one Event per pod restarted or leadership handed over. The plan goes to status.
 */
@ApplicationScoped
public class RollingUpdate {

  /** Where the pass's Event goes (the reconciler's Events on the CowsqlCluster). */
  @FunctionalInterface
  public interface Events {
    void emit(String type, String reason, String message);
  }

  private final RolloutObserver observer;
  private final RolloutExecutor executor;
  private final RolloutPlanner.Limits limits;

  public RollingUpdate(RolloutObserver observer, RolloutExecutor executor,
      @ConfigProperty(name = "cowsql.operator.rollout.member-timeout",
          defaultValue = RolloutPlanner.Limits.DEFAULT_MEMBER_TIMEOUT) Duration memberTimeout,
      @ConfigProperty(name = "cowsql.operator.rollout.caught-up-entries",
          defaultValue = RolloutPlanner.Limits.DEFAULT_CAUGHT_UP_ENTRIES) long caughtUpEntries) {
    this.observer = observer;
    this.executor = executor;
    this.limits = new RolloutPlanner.Limits(memberTimeout, caughtUpEntries);
  }

  /**
   * @param previous status.rollout as last written (since when the operator waits)
   * @param waitFor  what else is under way (a scale-down, a quorum-loss recovery), if anything: then the plan is
   *                 reported, not carried out, and says why
   */
  public RolloutPlan pass(Context<CowsqlCluster> context, CowsqlCluster cluster, ObservedCluster observed,
      Optional<RolloutStatus> previous, Optional<String> waitFor, Events events) {
    Optional<StatefulSet> sts = context.getSecondaryResource(StatefulSet.class);
    List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
    RolloutObservation o = observer.observe(cluster, sts, pods, observed);
    RolloutPlan plan = RolloutPlanner.plan(cluster, o, previous, Instant.now(), limits);
    if (plan.acts() && waitFor.isPresent()) {
      return plan.deferred(waitFor.get() + " is under way: the rolling update waits for it");
    }
    executor.execute(context.getClient(), cluster, observed, plan)
        .ifPresent(outcome -> events.emit(outcome.failed() ? "Warning" : "Normal", outcome.reason(), outcome.message()));
    return plan;
  }
}
