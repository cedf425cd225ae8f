package io.cowsql.operator.roll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.recovery.LogPosition;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Asks each node agent for the last entry of its log ({@code GET /status}, field {@code lastEntry}, which the agent
 * re-reads from its data dir at most once a second), all at once with one bound, so a pod that does not answer costs
 * the pass at most that bound. A pod that does not answer, or answers without a position, has none: the planner
 * counts it as not caught up.
 */
@ApplicationScoped
public class AgentLogPositions {
  private static final Logger LOG = Logger.getLogger(AgentLogPositions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration timeout;
  private final HttpClient http;

  public AgentLogPositions(
      @ConfigProperty(name = "cowsql.operator.probe-timeout", defaultValue = "2s") Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** @param podIps pod name -> its IP */
  public Map<String, LogPosition> read(Map<String, String> podIps) {
    Map<String, CompletableFuture<Optional<LogPosition>>> asked = new LinkedHashMap<>();
    podIps.forEach((pod, ip) -> {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip)
          + ":" + ClusterNames.HTTP_PORT + "/status")).timeout(timeout).GET().build();
      asked.put(pod, http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> r.statusCode() == 200 ? parse(r.body()) : Optional.<LogPosition>empty())
          .exceptionally(e -> Optional.empty()));
    });
    Map<String, LogPosition> out = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    asked.forEach((pod, answer) -> {
      try {
        answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).ifPresent(p -> out.put(pod, p));
      } catch (Exception e) {
        answer.cancel(true);
        LOG.debugf("%s did not report its log position within %s", pod, timeout);
      }
    });
    return out;
  }

  /** {@code lastEntry.term} and {@code .index} of a {@code /status} document, empty when it has none. */
  static Optional<LogPosition> parse(String status) {
    try {
      JsonNode last = JSON.readTree(status).path("lastEntry");
      if (!last.path("term").canConvertToLong() || !last.path("index").canConvertToLong()) {
        return Optional.empty();
      }
      return Optional.of(new LogPosition(last.path("term").asLong(), last.path("index").asLong()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
