package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's bootstrap grant arrives as an annotation in the downward-API file, not as a flag. */
class BootstrapGrantTest {
  @TempDir Path tmp;

  @BeforeAll
  static void enabled() {
    SystemTier.assumeEnabled();
  }

  @Test
  void aNewNodeBootstrapsWhenItsAnnotationFileGrantsIt() throws Exception {
    Path annotations = tmp.resolve("annotations");
    Files.writeString(annotations, "cowsql.io/failure-domain=\"2\"\ncowsql.io/bootstrap=\"true\"\n");
    String address = "127.0.0.1:" + TestPorts.free();
    String http = "127.0.0.1:" + TestPorts.free();
    Path dir = tmp.resolve("data");
    List<String> args = List.of("--dir", dir.toString(), "--address", address, "--http", http, "--join", address,
        "--failure-domain-file", annotations.toString(), "--bootstrap-key", "cowsql.io/bootstrap");
    try (AgentProcess p = new AgentProcess("granted", address, http, dir, tmp.resolve("granted.log"), args, Map.of())) {
      p.start();
      AgentCluster.await(Duration.ofSeconds(60), () -> AgentCluster.ok(p, "/readyz"), "granted node ready\n" + p.logText());
      assertThat(p.logText()).contains("bootstrap granted by cowsql.io/bootstrap");
      assertThat(p.put("/k", "v").statusCode()).isEqualTo(200);
      assertThat(((Number) p.status().get("failureDomain")).longValue()).isEqualTo(2L);
    }
  }

  @Test
  void withoutTheGrantANewNodeWaitsToJoinInsteadOfBootstrapping() throws Exception {
    Path annotations = tmp.resolve("annotations");
    Files.writeString(annotations, "cowsql.io/failure-domain=\"2\"\n");
    String address = "127.0.0.1:" + TestPorts.free();
    String http = "127.0.0.1:" + TestPorts.free();
    Path dir = tmp.resolve("data");
    List<String> args = List.of("--dir", dir.toString(), "--address", address, "--http", http, "--join", address,
        "--failure-domain-file", annotations.toString(), "--bootstrap-key", "cowsql.io/bootstrap");
    try (AgentProcess p = new AgentProcess("waiting", address, http, dir, tmp.resolve("waiting.log"), args, Map.of())) {
      p.start();
      AgentCluster.await(Duration.ofSeconds(30), () -> AgentCluster.ok(p, "/healthz"), "waiting node healthy\n" + p.logText());
      Thread.sleep(2000);
      assertThat(AgentCluster.ok(p, "/readyz")).as("a node that may not bootstrap has no cluster to be ready in").isFalse();
      assertThat(p.logText()).doesNotContain("bootstrap granted");
    }
  }
}
