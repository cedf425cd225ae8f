package io.cowsql.operator.roll;

import io.cowsql.client.CowsqlException;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlMembership;
import io.cowsql.operator.dependents.StatefulSetDependent;
import io.cowsql.operator.plan.ObservedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.cowsql.operator.model.CowsqlCluster;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * act, for the rolling update: the plan's one step. {@link RolloutPlan.Step#RESTART} deletes the pod (the
 * StatefulSet controller recreates it from the update revision), after reading it once more from the API server:
 * a pod that is already terminating or already runs the update revision (the informer's cache was behind) is left
 * alone, so a stale cache never restarts a pod twice. {@link RolloutPlan.Step#TRANSFER_LEADERSHIP} asks the leader
 * to hand over, as {@link CowsqlMembership} changes the configuration.
 */
@ApplicationScoped
public class RolloutExecutor {
  private static final Logger LOG = Logger.getLogger(RolloutExecutor.class);

  /** What a step did, for the caller's Event: the Event's reason and message, or why the step failed. */
  public record Outcome(boolean failed, String reason, String message) {}

  public static final String POD_RESTARTED = "RollingUpdatePodRestarted";
  public static final String LEADERSHIP_TRANSFERRED = "RollingUpdateLeadershipTransferred";
  public static final String STEP_FAILED = "RollingUpdateStepFailed";

  private final CowsqlMembership membership;

  public RolloutExecutor(CowsqlMembership membership) {
    this.membership = membership;
  }

  /** @return what was done (one Event's worth), empty when the step does nothing */
  public Optional<Outcome> execute(KubernetesClient client, CowsqlCluster cluster, ObservedCluster observed,
      RolloutPlan plan) {
    String ns = cluster.getMetadata().getNamespace();
    String name = ns + "/" + cluster.getMetadata().getName();
    switch (plan.step()) {
      case RESTART -> {
        String pod = plan.pod().orElseThrow();
        Pod live = client.pods().inNamespace(ns).withName(pod).get();
        String revision = live == null || live.getMetadata().getLabels() == null ? null
            : live.getMetadata().getLabels().get(StatefulSetDependent.REVISION_LABEL);
        if (live == null || live.getMetadata().getDeletionTimestamp() != null
            || plan.updateRevision().map(r -> r.equals(revision)).orElse(true)) {
          LOG.debugf("%s: rolling update: %s is gone, terminating or updated already; planned again next pass", name,
              pod);
          return Optional.empty();
        }
        LOG.infof("%s: rolling update: deleting pod %s: %s", name, pod, plan.message());
        client.pods().inNamespace(ns).withName(pod).delete();
        return Optional.of(new Outcome(false, POD_RESTARTED, "Restarted " + pod + " (" + plan.updated() + " of "
            + plan.total() + " pods updated before it): " + plan.message()));
      }
      case TRANSFER_LEADERSHIP -> {
        CowsqlMembership.Change change = CowsqlMembership.Change.of(CowsqlMembership.Kind.TRANSFER_LEADERSHIP,
            plan.targetNodeId().orElseThrow());
        String leader = observed.cowsql().leader().orElseThrow();
        Map<String, String> dialable = new LinkedHashMap<>();
        observed.pods().forEach(p -> p.podIp().ifPresent(ip ->
            dialable.put(ClusterNames.podAddress(cluster, p.name()), ip + ":" + ClusterNames.COWSQL_PORT)));
        LOG.infof("%s: rolling update: %s through the leader %s", name, change, leader);
        try {
          membership.apply(leader, dialable, change);
          return Optional.of(new Outcome(false, LEADERSHIP_TRANSFERRED, plan.message()));
        } catch (CowsqlException e) {
          LOG.warnf("%s: rolling update: %s failed, planned again next pass: %s", name, change, e.getMessage());
          return Optional.of(new Outcome(true, STEP_FAILED, "Handing leadership from " + plan.pod().orElse("")
              + " to node " + plan.targetNodeId().orElse("") + " failed (planned again next pass): " + e.getMessage()));
        }
      }
      default -> {
        return Optional.empty();
      }
    }
  }
}
