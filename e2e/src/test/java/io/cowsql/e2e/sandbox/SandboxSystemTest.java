package io.cowsql.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's main job, run the way CI runs it: {@code --until-ready}. */
class SandboxSystemTest {
  @Test
  void theSandboxInstallsTheChartAndReachesReadyWithWorkingInstructions() throws Exception {
    assumeFalse(Boolean.getBoolean("skipSystemTests"), "system tests skipped by -DskipSystemTests=true");
    Path repo = Sandbox.repository();
    assumeTrue(Files.exists(repo.resolve("operator/target/quarkus-app/quarkus-run.jar")),
        "build the operator first: mvn -pl operator -am package -DskipTests");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Sandbox.Options o = Sandbox.parse(new String[] {"--until-ready", "--work-dir",
        Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed")).resolve("sandbox").toAbsolutePath().toString()}, repo);
    int code;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      code = Sandbox.run(o, out, InputStream.nullInputStream());
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isZero();
    assertThat(text).contains("installing it: release cowsql-operator", "operator: cowsql-operator 1/1 available",
        "phase Running, ready 3/3", "3 members, 3 voters", "The cluster is Ready.", "export KUBECONFIG=",
        "COWSQL_RESOLVER_FILE=");
    // One member per zone, as examples/cluster.yaml requires (zones zone-a, zone-b, zone-c of the testbed's Nodes).
    String zones = text.lines().filter(l -> l.contains("member zones")).findFirst().orElseThrow();
    assertThat(zones).containsPattern("member zones \\[(\\S+), (?!\\1)(\\S+), (?!\\1|\\2)(\\S+)\\]");
  }

  @Test
  void badArgumentsNameTheFlag() {
    Path repo = Sandbox.repository();
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--zones", "0"}, repo))
        .hasMessageContaining("--zones must be a positive number");
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--frobnicate"}, repo))
        .hasMessageContaining("unknown argument '--frobnicate'");
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--cluster", "/nonexistent.yaml"}, repo))
        .hasMessageContaining("--cluster: no file");
  }
}
