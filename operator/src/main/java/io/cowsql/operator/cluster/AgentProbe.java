package io.cowsql.operator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks node agents about themselves over their HTTP API, all at once and within one timeout (an agent that does not
 * answer in time is reported as not having answered, so one silent pod cannot stall the pass): {@code /readyz}'s
 * reason for a pod that is not Ready, and {@code /datadir} (the data dir's epoch, engine state, last entry and last
 * configuration) while a recovery needs the survivors' reports.
 */
@ApplicationScoped
public class AgentProbe {
  /** The agent's endpoint that reports its data dir. */
  public static final String DATA_DIR_PATH = "/datadir";

  private final Duration timeout;
  private final HttpClient http;

  public AgentProbe(@ConfigProperty(name = "cowsql.operator.probe-timeout", defaultValue = "2s") Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * @param notReady pod -> its agent's HTTP address (ip:port), for the pods whose reason is asked
   * @param dataDirs pod -> its agent's HTTP address, for the pods whose data dir report is asked
   * @return pod -> what its agent said (pods that said nothing are absent)
   */
  public Map<String, AgentReport> ask(Map<String, String> notReady, Map<String, String> dataDirs) {
    Map<String, CompletableFuture<HttpResponse<String>>> reasons = new LinkedHashMap<>();
    notReady.forEach((pod, address) -> reasons.put(pod, get(address, "/readyz")));
    Map<String, CompletableFuture<HttpResponse<String>>> dirs = new LinkedHashMap<>();
    dataDirs.forEach((pod, address) -> dirs.put(pod, get(address, DATA_DIR_PATH)));
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, AgentReport> out = new LinkedHashMap<>();
    reasons.forEach((pod, f) -> await(f, deadline).filter(r -> r.statusCode() == 503)
        .map(r -> r.body().strip()).filter(s -> !s.isEmpty())
        .ifPresent(reason -> out.put(pod, new AgentReport(Optional.of(reason), Optional.empty()))));
    dirs.forEach((pod, f) -> await(f, deadline).filter(r -> r.statusCode() == 200).flatMap(r -> parseDataDir(r.body()))
        .ifPresent(d -> out.put(pod, out.getOrDefault(pod, AgentReport.NONE).withDataDir(d))));
    return out;
  }

  private CompletableFuture<HttpResponse<String>> get(String address, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(timeout).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static Optional<HttpResponse<String>> await(CompletableFuture<HttpResponse<String>> f, long deadline) {
    try {
      return Optional.of(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (ExecutionException | TimeoutException e) {
      f.cancel(true);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The {@code /datadir} document; empty when it is not one (an agent of another version). */
  static Optional<AgentReport.DataDir> parseDataDir(String body) {
    try {
      JsonNode n = Serialization.jsonMapper().readTree(body);
      if (n == null || !n.hasNonNull("id")) {
        return Optional.empty();
      }
      Optional<AgentReport.Entry> last = n.hasNonNull("lastEntry")
          ? Optional.of(new AgentReport.Entry(n.get("lastEntry").path("term").asLong(),
              n.get("lastEntry").path("index").asLong()))
          : Optional.empty();
      List<CowsqlView.Member> configuration = new ArrayList<>();
      n.path("lastConfiguration").forEach(m -> configuration.add(new CowsqlView.Member(m.path("id").asText(),
          m.path("address").asText(), m.path("role").asText())));
      List<String> problems = new ArrayList<>();
      n.path("problems").forEach(p -> problems.add(p.asText()));
      return Optional.of(new AgentReport.DataDir(n.get("id").asText(), n.path("epoch").asLong(),
          n.path("engineStopped").asBoolean(), Optional.ofNullable(n.hasNonNull("stopPlan")
              ? n.get("stopPlan").asText() : null), last, configuration, problems));
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
