package io.cowsql.operator.recovery;

import io.cowsql.contract.DurationFormat;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.RecoveryStatus;
import io.cowsql.operator.plan.ObservedCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * One reconcile pass of quorum-loss recovery: observe ({@link RecoveryObserver}) -> decide ({@link RecoveryPlanner})
 * -> record the plan in {@code status.recovery} -> act ({@link RecoveryExecutor}). The record is written before the
 * step and the step runs only once the write succeeded: an operator stopped at any point resumes from the record,
 * and every step is planned from live state against it.
 */
@ApplicationScoped
public class QuorumRecovery {
  private static final Logger LOG = Logger.getLogger(QuorumRecovery.class);

  /** Where the pass's Events go (the reconciler's Events on the CowsqlCluster). */
  @FunctionalInterface
  public interface Events {
    void emit(String type, String reason, String message);
  }

  private final RecoveryObserver observer;
  private final RecoveryExecutor executor;

  public QuorumRecovery(RecoveryObserver observer, RecoveryExecutor executor) {
    this.observer = observer;
    this.executor = executor;
  }

  /** @param nodesSource the name of the reconciler's Nodes informer (a cache of every Node) */
  public RecoveryPlan pass(Context<CowsqlCluster> context, String nodesSource, CowsqlCluster cluster,
      ObservedCluster observed, Events events) {
    KubernetesClient client = context.getClient();
    RecoveryStatus recorded = cluster.getStatus() == null ? null : cluster.getStatus().recovery;
    ClusterSpecView spec = cluster.getSpec().defaulted();
    RecoveryPlanner.Settings settings = new RecoveryPlanner.Settings(spec.recoveryMode(),
        DurationFormat.parse(spec.quorumLossTimeout()), spec.rolesOf(spec.replicas()).voters(),
        cluster.getMetadata().getName());
    RecoveryPlanner.Observation o = observer.observe(context, nodesSource, cluster, observed, recorded, Instant.now());
    RecoveryPlan plan = RecoveryPlanner.decide(settings, o, recorded);
    boolean acts = !(plan.step() instanceof RecoveryPlan.Observe);
    if (acts && !Objects.equals(recorded, plan.status())) {
      record(client, cluster, plan.status());
    }
    RecoveryStatus.Phase before = recorded == null ? null : recorded.phase;
    RecoveryStatus.Phase after = plan.status() == null ? null : plan.status().phase;
    // The QuorumLost condition's reason (Waiting, AwaitingEvidence, AwaitingApproval, Recovering, Recovered) has its
    // own Event; the phases within Recovering and a cancel get one here.
    if (after != null && after != before && (plan.inProgress() || after == RecoveryStatus.Phase.Cancelled)) {
      events.emit("Normal", "Recovery" + after.name(), plan.status().message);
    }
    if (acts) {
      Map<String, HasMetadata> seen = new LinkedHashMap<>();
      context.getSecondaryResources(Pod.class).forEach(p -> seen.put(RecoveryExecutor.POD + p.getMetadata().getName(), p));
      context.getSecondaryResources(PersistentVolumeClaim.class)
          .forEach(c -> seen.put(RecoveryExecutor.CLAIM + c.getMetadata().getName(), c));
      executor.execute(client, cluster, observed, plan.step(), seen)
          .ifPresent(done -> events.emit("Normal", "RecoveryStep", plan.status().planId + ": " + done));
    }
    return plan;
  }

  /**
   * Writes {@code status.recovery} alone, now, before the step (the pass's full status follows at its end). A JSON
   * patch replaces the whole record: fields the plan cleared go with it.
   */
  static void record(KubernetesClient client, CowsqlCluster cluster, RecoveryStatus status) {
    String value = Serialization.asJson(status);
    String patch = cluster.getStatus() == null
        ? "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"recovery\":" + value + "}}]"
        : "[{\"op\":\"add\",\"path\":\"/status/recovery\",\"value\":" + value + "}]";
    client.resources(CowsqlCluster.class).inNamespace(cluster.getMetadata().getNamespace())
        .withName(cluster.getMetadata().getName()).subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
    LOG.infof("%s/%s: recovery recorded: phase %s, plan %s, epoch %s", cluster.getMetadata().getNamespace(),
        cluster.getMetadata().getName(), status.phase, status.planId, status.epoch);
  }
}
