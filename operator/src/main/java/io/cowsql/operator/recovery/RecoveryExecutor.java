package io.cowsql.operator.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.operator.cluster.AgentProbe;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * act for quorum-loss recovery: carries out one {@link RecoveryPlan.Step}, after its plan was recorded in status.
 * Each step names only what live state still lacks, so carrying one out twice does no harm; what an agent answers is
 * not trusted here but read again by the next pass ({@code GET /datadir}).
 */
@ApplicationScoped
public class RecoveryExecutor {
  private static final Logger LOG = Logger.getLogger(RecoveryExecutor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The agent's instruction to stop its engine for a plan. */
  public static final String STOP_PATH = "/datadir/stop";
  /** The agent's instruction to rewrite its stopped dir's configuration, for the plan that stopped it. */
  public static final String RECONFIGURE_PATH = "/datadir/reconfigure";

  private final AgentProbe agents;

  public RecoveryExecutor(AgentProbe agents) {
    this.agents = agents;
  }

  /**
   * @param seen the pods and claims as this pass observed them (the informers' caches), by name: a delete names the
   *             resourceVersion seen, so a pod or claim the StatefulSet recreated under the same name since (which
   *             the cache may not show yet) is never deleted by mistake, and a pass repeated before the cache caught
   *             up deletes nothing twice
   * @return what was done, for the log and an Event; empty when the step does nothing
   */
  public Optional<String> execute(KubernetesClient client, CowsqlCluster cluster, ObservedCluster observed,
      RecoveryPlan.Step step, Map<String, ? extends HasMetadata> seen) {
    String ns = cluster.getMetadata().getNamespace();
    String name = ns + "/" + cluster.getMetadata().getName();
    if (step instanceof RecoveryPlan.Fence f) {
      // claims first: the claim's protection keeps it until its pod is gone, and the StatefulSet then recreates the
      // pod with a new, empty claim instead of the old volume
      List<String> claims = f.deleteClaims().stream().filter(c -> deleteAsSeen(client.persistentVolumeClaims()
          .inNamespace(ns).withName(c), seen.get(CLAIM + c), name, c)).toList();
      List<String> pods = f.deletePods().stream().filter(p -> deleteAsSeen(client.pods().inNamespace(ns).withName(p),
          seen.get(POD + p), name, p)).toList();
      List<String> forced = f.forceDeletePods().stream().filter(p -> forceDeleteAsSeen(client, ns, seen.get(POD + p),
          name)).toList();
      if (claims.isEmpty() && pods.isEmpty() && forced.isEmpty()) {
        return Optional.empty();
      }
      String done = "fenced: deleted claims " + claims + ", pods " + pods
          + (forced.isEmpty() ? "" : ", force-deleted pods " + forced);
      LOG.infof("%s: recovery %s", name, done);
      return Optional.of(done);
    }
    if (step instanceof RecoveryPlan.StopSurvivors s) {
      Map<String, String> answers = agents.post(addresses(observed, s.pods()), STOP_PATH + "?plan="
          + URLEncoder.encode(s.planId(), StandardCharsets.UTF_8), "", RecoveryExecutor::outcome);
      LOG.infof("%s: recovery plan %s: stop the engines of %s: %s", name, s.planId(), s.pods(), answers);
      return Optional.empty(); // repeated every pass until all reported: the phase's Event says it
    }
    if (step instanceof RecoveryPlan.Reconfigure r) {
      String body = reconfigureBody(r.target());
      Map<String, String> answers = agents.post(addresses(observed, List.of(r.pod())), RECONFIGURE_PATH + "?plan="
          + URLEncoder.encode(r.planId(), StandardCharsets.UTF_8), body, RecoveryExecutor::outcome);
      String done = "reconfigure of the template " + r.pod() + " (node " + r.nodeId() + ") to " + body + ": "
          + answers.getOrDefault(r.pod(), "no answer (read again next pass)");
      LOG.infof("%s: recovery plan %s: %s", name, r.planId(), done);
      return Optional.of(done);
    }
    if (step instanceof RecoveryPlan.Regrow g && !g.restart().isEmpty()) {
      List<String> restarted = g.restart().stream().filter(p -> deleteAsSeen(client.pods().inNamespace(ns)
          .withName(p), seen.get(POD + p), name, p)).toList();
      if (restarted.isEmpty()) {
        return Optional.empty();
      }
      String done = "restarted " + restarted + " onto epoch " + g.epoch();
      LOG.infof("%s: recovery %s", name, done);
      return Optional.of(done);
    }
    if (step instanceof RecoveryPlan.Release r && !r.pods().isEmpty()) {
      List<String> released = r.pods().stream().filter(p -> deleteAsSeen(client.pods().inNamespace(ns).withName(p),
          seen.get(POD + p), name, p)).toList();
      if (released.isEmpty()) {
        return Optional.empty();
      }
      String done = "recovery cancelled: restarted the stopped " + released + " so their engines start again";
      LOG.infof("%s: %s", name, done);
      return Optional.of(done);
    }
    return Optional.empty();
  }

  /** Keys of {@code seen}: a pod's or a claim's name behind its kind. */
  public static final String POD = "pod/";
  public static final String CLAIM = "claim/";

  /**
   * Deletes the object only if it is still the version this pass saw (a delete precondition on its resourceVersion);
   * one already being deleted, gone, or changed since is left alone (the next pass plans from what it then sees).
   */
  private static boolean deleteAsSeen(Resource<? extends HasMetadata> resource, HasMetadata seen, String cluster,
      String what) {
    if (seen == null || seen.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    try {
      resource.lockResourceVersion(seen.getMetadata().getResourceVersion()).delete();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409) {
        LOG.infof("%s: recovery: %s not deleted, it changed since this pass saw it (%d); planned again next pass",
            cluster, what, e.getCode());
        return false;
      }
      throw e;
    }
  }

  /**
   * Force-deletes a pod whose Node is gone (its kubelet will never confirm), only if the pod of that name is still
   * the one this pass saw (same uid): a delete with a grace period of 0 takes no resourceVersion precondition here.
   */
  private static boolean forceDeleteAsSeen(KubernetesClient client, String ns, HasMetadata seen, String cluster) {
    if (seen == null) {
      return false;
    }
    var pod = client.pods().inNamespace(ns).withName(seen.getMetadata().getName());
    var now = pod.get();
    if (now == null || !now.getMetadata().getUid().equals(seen.getMetadata().getUid())) {
      LOG.infof("%s: recovery: pod %s is gone or was replaced since this pass saw it; not force-deleted", cluster,
          seen.getMetadata().getName());
      return false;
    }
    pod.withGracePeriod(0).delete();
    return true;
  }

  /** The pods' agents' HTTP addresses (pods without an IP cannot be told anything this pass). */
  private static Map<String, String> addresses(ObservedCluster observed, List<String> pods) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ObservedPod p : observed.pods()) {
      if (pods.contains(p.name())) {
        p.podIp().ifPresent(ip -> out.put(p.name(), AgentProbe.httpAddress(ip)));
      }
    }
    return out;
  }

  /** The agent's body of {@code POST /datadir/reconfigure}: the target configuration, ids in hex. */
  static String reconfigureBody(List<ConfigMember> target) {
    List<Map<String, String>> members = target.stream()
        .map(m -> Map.of("id", m.nodeId(), "address", m.address(), "role", m.role())).toList();
    try {
      return JSON.writeValueAsString(Map.of("members", members));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> outcome(HttpResponse<String> r) {
    String body = r.body() == null ? "" : r.body().strip();
    return Optional.of(r.statusCode() + (body.isEmpty() ? "" : " " + (body.length() > 300 ? body.substring(0, 300)
        + "..." : body)));
  }
}
