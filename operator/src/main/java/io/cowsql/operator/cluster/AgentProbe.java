package io.cowsql.operator.cluster;

import io.cowsql.operator.ClusterNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks node agents over their HTTP API, all at once and within one timeout: an agent that does not answer in time is
 * left out, so one silent pod cannot stall the reconcile pass: why a pod is not ready ({@code /readyz}'s 503
 * answer, e.g. "not a member of the configuration: ..."), a data dir's report for a quorum-loss recovery, and the
 * recovery's instructions (stop the engine, rewrite the template's configuration).
 */
@ApplicationScoped
public class AgentProbe {
  /** The agent's readiness endpoint; its 503 body is the reason. */
  public static final String READYZ_PATH = "/readyz";
  /** A reason longer than this is cut: status is no place for an agent's stack of errors. */
  static final int MAX_REASON_CHARS = 400;

  private final Duration timeout;
  private final HttpClient http;

  public AgentProbe(@ConfigProperty(name = "cowsql.operator.probe-timeout", defaultValue = "2s") Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * @param agents pod -> its agent's HTTP address ({@link #httpAddress})
   * @return pod -> the reason its agent gives for not being ready; pods that answered ready, or not at all, are absent
   */
  public Map<String, String> notReadyReasons(Map<String, String> agents) {
    return ask(agents, READYZ_PATH, r -> r.statusCode() == 503 ? Optional.of(r.body().strip())
        .filter(s -> !s.isEmpty()).map(AgentProbe::cut) : Optional.empty());
  }

  private static String cut(String reason) {
    return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 3) + "...";
  }

  /**
   * {@code GET path} of every pod's agent at once; what {@code read} makes of each answer that arrives within the
   * timeout (counted from when all were sent).
   *
   * @param agents pod -> its agent's HTTP address, host:port ({@link #httpAddress})
   * @return pod -> what {@code read} made of its answer; pods that did not answer in time, or whose answer {@code read}
   *         turned into nothing, are absent
   */
  public <T> Map<String, T> ask(Map<String, String> agents, String path, Function<HttpResponse<String>, Optional<T>> read) {
    return send(agents, address -> HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(timeout)
        .GET().build(), read);
  }

  /**
   * {@code POST path} (with its query) of every pod's agent at once, with a JSON body (empty: none); what {@code read}
   * makes of each answer that arrives within the timeout. For the recovery's instructions to the agents.
   */
  public <T> Map<String, T> post(Map<String, String> agents, String path, String jsonBody,
      Function<HttpResponse<String>, Optional<T>> read) {
    return send(agents, address -> HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)).build(), read);
  }

  private <T> Map<String, T> send(Map<String, String> agents, Function<String, HttpRequest> request,
      Function<HttpResponse<String>, Optional<T>> read) {
    Map<String, CompletableFuture<HttpResponse<String>>> asked = new LinkedHashMap<>();
    agents.forEach((pod, address) -> asked.put(pod, http.sendAsync(request.apply(address),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))));
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, T> out = new LinkedHashMap<>();
    asked.forEach((pod, f) -> await(f, deadline).flatMap(read).ifPresent(t -> out.put(pod, t)));
    return out;
  }

  /** The HTTP address of the agent of the pod with this IP (an IPv6 one bracketed). */
  public static String httpAddress(String podIp) {
    return (podIp.contains(":") ? "[" + podIp + "]" : podIp) + ":" + ClusterNames.HTTP_PORT;
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
}
