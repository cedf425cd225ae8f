package io.cowsql.operator.reconciler;

import io.cowsql.operator.cluster.AgentProbe;
import io.cowsql.operator.cluster.AgentReport;
import io.quarkus.test.junit.QuarkusMock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node agents' HTTP answers in the mock-API tier, where no agent runs (the pods' IPs are not ours to dial): pod ->
 * what its agent says; a pod not listed does not answer. {@link io.cowsql.operator.cluster.AgentProbeTest} covers the
 * probe itself over sockets.
 */
final class AgentsStandIn {
  static final Map<String, AgentReport> ANSWERS = new ConcurrentHashMap<>();

  private AgentsStandIn() {}

  static void install() {
    ANSWERS.clear();
    QuarkusMock.installMockForType(new AgentProbe(Duration.ofMillis(100)) {
      @Override
      public Map<String, AgentReport> ask(Map<String, String> notReady, Map<String, String> dataDirs) {
        Map<String, AgentReport> out = new LinkedHashMap<>();
        notReady.keySet().forEach(pod -> {
          AgentReport r = ANSWERS.get(pod);
          if (r != null && r.notReadyReason().isPresent()) {
            out.put(pod, new AgentReport(r.notReadyReason(), java.util.Optional.empty()));
          }
        });
        dataDirs.keySet().forEach(pod -> {
          AgentReport r = ANSWERS.get(pod);
          if (r != null && r.dataDir().isPresent()) {
            out.put(pod, out.getOrDefault(pod, AgentReport.NONE).withDataDir(r.dataDir().get()));
          }
        });
        return out;
      }
    }, AgentProbe.class);
  }
}
