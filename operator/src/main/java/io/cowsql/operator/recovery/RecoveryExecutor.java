package io.cowsql.operator.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.operator.cluster.AgentProbe;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.fabric8.kubernetes.client.KubernetesClient;
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

  /** @return what was done, for the log and an Event; empty when the step does nothing */
  public Optional<String> execute(KubernetesClient client, CowsqlCluster cluster, ObservedCluster observed,
      RecoveryPlan.Step step) {
    String ns = cluster.getMetadata().getNamespace();
    String name = ns + "/" + cluster.getMetadata().getName();
    if (step instanceof RecoveryPlan.Fence f) {
      // claims first: the claim's protection keeps it until its pod is gone, and the StatefulSet then recreates the
      // pod with a new, empty claim instead of the old volume
      f.deleteClaims().forEach(c -> client.persistentVolumeClaims().inNamespace(ns).withName(c).delete());
      f.deletePods().forEach(p -> client.pods().inNamespace(ns).withName(p).delete());
      f.forceDeletePods().forEach(p -> client.pods().inNamespace(ns).withName(p).withGracePeriod(0).delete());
      String done = "fenced: deleted claims " + f.deleteClaims() + ", pods " + f.deletePods()
          + (f.forceDeletePods().isEmpty() ? "" : ", force-deleted pods " + f.forceDeletePods());
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
      g.restart().forEach(p -> client.pods().inNamespace(ns).withName(p).delete());
      String done = "restarted " + g.restart() + " onto epoch " + g.epoch();
      LOG.infof("%s: recovery %s", name, done);
      return Optional.of(done);
    }
    if (step instanceof RecoveryPlan.Release r && !r.pods().isEmpty()) {
      r.pods().forEach(p -> client.pods().inNamespace(ns).withName(p).delete());
      String done = "recovery cancelled: restarted the stopped " + r.pods() + " so their engines start again";
      LOG.infof("%s: %s", name, done);
      return Optional.of(done);
    }
    return Optional.empty();
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
