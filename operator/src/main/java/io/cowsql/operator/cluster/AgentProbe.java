package io.cowsql.operator.cluster;

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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks node agents over their HTTP API why they are not ready ({@code /readyz}'s 503 answer, e.g. "not a member of the
 * configuration: ..."), all at once and within one timeout: an agent that does not answer in time is left out, so one
 * silent pod cannot stall the reconcile pass.
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
   * @param agents pod -> its agent's HTTP address (ip:port)
   * @return pod -> the reason its agent gives for not being ready; pods that answered ready, or not at all, are absent
   */
  public Map<String, String> notReadyReasons(Map<String, String> agents) {
    Map<String, CompletableFuture<HttpResponse<String>>> asked = new LinkedHashMap<>();
    agents.forEach((pod, address) -> asked.put(pod, get(address)));
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> out = new LinkedHashMap<>();
    asked.forEach((pod, f) -> await(f, deadline).filter(r -> r.statusCode() == 503)
        .map(r -> r.body().strip()).filter(s -> !s.isEmpty())
        .ifPresent(reason -> out.put(pod, reason.length() <= MAX_REASON_CHARS ? reason
            : reason.substring(0, MAX_REASON_CHARS - 3) + "...")));
    return out;
  }

  private CompletableFuture<HttpResponse<String>> get(String address) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + READYZ_PATH)).timeout(timeout).GET()
        .build();
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
}
