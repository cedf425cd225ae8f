package io.cowsql.operator.reconciler;

import io.cowsql.operator.cluster.AgentProbe;
import io.quarkus.test.junit.QuarkusMock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node agents' {@code /readyz} answers in the mock-API tier, where no agent runs (the pods' IPs are not ours to
 * dial): pod -> the reason its agent gives; a pod not listed does not answer. {@link
 * io.cowsql.operator.cluster.AgentProbeTest} covers the probe itself over real sockets.
 */
final class AgentsStandIn {
  static final Map<String, String> REASONS = new ConcurrentHashMap<>();

  private AgentsStandIn() {}

  static void install() {
    REASONS.clear();
    QuarkusMock.installMockForType(new AgentProbe(Duration.ofMillis(100)) {
      @Override
      public Map<String, String> notReadyReasons(Map<String, String> agents) {
        Map<String, String> out = new LinkedHashMap<>();
        agents.keySet().forEach(pod -> {
          String why = REASONS.get(pod);
          if (why != null) {
            out.put(pod, why);
          }
        });
        return out;
      }
    }, AgentProbe.class);
  }
}
