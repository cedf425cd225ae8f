package io.cowsql.operator.roll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.operator.cluster.AgentProbe;
import io.cowsql.operator.recovery.LogPosition;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Asks each node agent for the last entry of its log ({@code GET /status}, field {@code lastEntry}, which the agent
 * re-reads from its data dir at most once a second), all at once with one bound, so a pod that does not answer costs
 * the pass at most that bound. A pod that does not answer, or answers without a position, has none: the planner
 * counts it as not caught up.
 */
@ApplicationScoped
public class AgentLogPositions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AgentProbe agents;

  public AgentLogPositions(AgentProbe agents) {
    this.agents = agents;
  }

  /** @param podIps pod name -> its IP */
  public Map<String, LogPosition> read(Map<String, String> podIps) {
    Map<String, String> addresses = new LinkedHashMap<>();
    podIps.forEach((pod, ip) -> addresses.put(pod, AgentProbe.httpAddress(ip)));
    return agents.ask(addresses, "/status", r -> r.statusCode() == 200 ? parse(r.body()) : Optional.empty());
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
