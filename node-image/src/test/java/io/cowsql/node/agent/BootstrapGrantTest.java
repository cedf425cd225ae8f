package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.TestPorts;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's bootstrap grant arrives as an annotation in the downward-API file, not as a flag. */
@SystemTier
class BootstrapGrantTest {
  @TempDir Path tmp;


  /** A new node (joining only itself) that reads its failure domain and grant from an annotations file. */
  AgentProcess agentWithAnnotations(String name, String annotations) throws Exception {
    Path file = tmp.resolve("annotations");
    Files.writeString(file, annotations);
    String address = "127.0.0.1:" + TestPorts.free();
    String http = "127.0.0.1:" + TestPorts.free();
    Path dir = tmp.resolve("data");
    List<String> args = List.of("--dir", dir.toString(), "--address", address, "--http", http, "--join", address,
        "--failure-domain-file", file.toString(), "--bootstrap-key", "cowsql.io/bootstrap");
    return new AgentProcess(name, address, http, dir, tmp.resolve(name + ".log"), args, Map.of());
  }

  @Test
  void aNewNodeBootstrapsWhenItsAnnotationFileGrantsIt() throws Exception {
    try (AgentProcess p = agentWithAnnotations("granted", "cowsql.io/failure-domain=\"2\"\ncowsql.io/bootstrap=\"true\"\n")) {
      p.start();
      AgentCluster.await(Duration.ofSeconds(60), () -> AgentCluster.ok(p, "/readyz"), "granted node ready\n" + p.logText());
      assertThat(p.logText()).contains("bootstrap granted by cowsql.io/bootstrap");
      assertThat(p.put("/k", "v").statusCode()).isEqualTo(200);
      assertThat(((Number) p.status().get("failureDomain")).longValue()).isEqualTo(2L);
      assertThat(p.status()).containsEntry("failureDomainName", "2");
      assertThat(p.get("/metrics").body()).contains("\ncowsql_failure_domain_info{name=\"2\"} 1\n");
    }
  }

  @Test
  void withoutTheGrantANewNodeWaitsToJoinInsteadOfBootstrapping() throws Exception {
    try (AgentProcess p = agentWithAnnotations("waiting", "cowsql.io/failure-domain=\"2\"\n")) {
      p.start();
      AgentCluster.await(Duration.ofSeconds(30), () -> AgentCluster.ok(p, "/healthz"), "waiting node healthy\n" + p.logText());
      Thread.sleep(2000);
      assertThat(AgentCluster.ok(p, "/readyz")).as("a node that may not bootstrap has no cluster to be ready in").isFalse();
      assertThat(p.logText()).doesNotContain("bootstrap granted");
    }
  }
}
