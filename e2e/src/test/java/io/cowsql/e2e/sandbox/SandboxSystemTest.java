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
    java.util.Set<String> dirsBefore = controlPlaneDirs(o.workDir());
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
    // the key/value table is named, and the self-check read it there
    assertThat(text).contains("table model (key, value) in database demo", "'SELECT key, value FROM model'",
        "check: table model in database demo holds sandbox-check = ok");
    // it stops with a line saying so and leaves no control-plane directory behind
    assertThat(text).containsPattern("stopped: no process left; removed \\S+/cp-\\S+");
    assertThat(controlPlaneDirs(o.workDir())).isSubsetOf(dirsBefore);
  }

  static java.util.Set<String> controlPlaneDirs(Path workDir) throws java.io.IOException {
    if (!Files.isDirectory(workDir)) {
      return java.util.Set.of();
    }
    try (var dirs = Files.list(workDir)) {
      return dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cp-"))
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  /** --help answers at once from the checked-in text: no Maven, no build (PATH holds only what the script needs). */
  @Test
  void helpPrintsAtOnceWithoutBuildingAnything() throws Exception {
    Path repo = Sandbox.repository();
    Path bin = Files.createTempDirectory("sandbox-help-path");
    try {
      for (String tool : new String[] {"bash", "dirname", "cat"}) {
        Path real = Path.of("/usr/bin", tool);
        Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
      }
      ProcessBuilder pb = new ProcessBuilder(bin.resolve("bash").toString(), repo.resolve("bin/cowsql-sandbox").toString(),
          "--help").redirectErrorStream(true);
      pb.environment().put("PATH", bin.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out).isEqualTo(Sandbox.HELP).startsWith("Usage: bin/cowsql-sandbox").doesNotContain("[ERROR]");
      assertThat(Sandbox.FAULTS).startsWith("  status ").contains("  help | quit");
    } finally {
      try (var s = Files.list(bin)) {
        for (Path f : s.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(bin);
    }
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
