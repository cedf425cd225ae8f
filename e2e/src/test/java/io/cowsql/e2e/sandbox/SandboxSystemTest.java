package io.cowsql.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's main job: bin/cowsql-sandbox's Sandbox, its help, its bad flags. */
class SandboxSystemTest {
  /**
   * The sandbox as a person runs it (its own JVM, interactive), stopped with Ctrl-C (SIGINT) once Ready: the
   * instructions it printed, its self-check, and the shutdown line with nothing left behind.
   */
  @SystemTier
  @Test
  void theSandboxReachesReadyWithWorkingInstructionsAndCtrlCLeavesNothingBehind() throws Exception {
    Path repo = Sandbox.repository();
    // A missing operator fails the test (the reactor builds the operator before e2e): never a silent skip.
    assertThat(repo.resolve("operator/target/quarkus-app/quarkus-run.jar"))
        .as("the operator's jar: build it first, mvn -pl operator -am package -DskipTests").exists();
    Path work = Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed")).resolve("sandbox").toAbsolutePath();
    java.util.Set<String> dirsBefore = controlPlaneDirs(work);
    List<String> cmd = new ArrayList<>(List.of(io.cowsql.e2e.testbed.ImageTable.javaExecutable(), "-XX:+UseSerialGC"));
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("cowsql."))
        .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
    // as bin/cowsql-sandbox passes them (the defaults are relative to e2e/, the child runs in the checkout)
    cmd.add("-Dcowsql.e2e.operatorJar=" + repo.resolve("operator/target/quarkus-app/quarkus-run.jar"));
    cmd.add("-Dcowsql.e2e.nodeJvmOptions=" + repo.resolve("node-image/jvm.options"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Sandbox.class.getName(), "--work-dir", work.toString()));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
    StringBuilder text = new StringBuilder();
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (text) {
            text.append(line).append('\n');
          }
          if (line.startsWith("Fault scenarios (type them below)")) {
            ready.countDown();
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    }, "sandbox-output");
    reader.start();
    try {
      assertThat(ready.await(6, java.util.concurrent.TimeUnit.MINUTES)).as("%s", text).isTrue();
      Thread.sleep(1000);
      assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
      assertThat(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).as("%s", text).isTrue();
      reader.join(10_000);
    } finally {
      p.destroyForcibly();
    }
    String out;
    synchronized (text) {
      out = text.toString();
    }
    assertThat(out).contains("installing it: release cowsql-operator", "operator: cowsql-operator 1/1 available",
        "phase Running, ready 3/3", "3 members, 3 voters", "The cluster is Ready.", "export KUBECONFIG=",
        "COWSQL_RESOLVER_FILE=");
    // One member per zone, as examples/cluster.yaml requires (zones zone-a, zone-b, zone-c of the testbed's Nodes).
    String zones = out.lines().filter(l -> l.contains("member zones")).findFirst().orElseThrow();
    assertThat(zones).containsPattern("member zones \\[(\\S+), (?!\\1)(\\S+), (?!\\1|\\2)(\\S+)\\]");
    // the key/value table is named, and the self-check read it there
    assertThat(out).contains("table model (key, value) in database demo", "'SELECT key, value FROM model'",
        "check: table model in database demo holds sandbox-check = ok");
    // Ctrl-C: a line saying so, and no control-plane directory left behind
    assertThat(out).containsPattern("stopped: no process left; removed \\S+/cp-\\S+");
    assertThat(controlPlaneDirs(work)).isSubsetOf(dirsBefore);
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
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--zones", "three"}, repo))
        .hasMessageContaining("--zones").hasMessageContaining("'three'");
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--timeout"}, repo)).hasMessageContaining("--timeout");
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--frobnicate"}, repo))
        .hasMessageContaining("Unknown option: '--frobnicate'");
    assertThatThrownBy(() -> Sandbox.parse(new String[] {"--cluster", "/nonexistent.yaml"}, repo))
        .hasMessageContaining("--cluster: no file");
    assertThat(Sandbox.parse(new String[] {"--help"}, repo)).as("--help asks for the help").isNull();
    Sandbox.Options o = Sandbox.parse(new String[] {"--until-ready", "--zones", "5", "--timeout", "60"}, repo);
    assertThat(o.untilReady()).isTrue();
    assertThat(o.zones()).isEqualTo(5);
    assertThat(o.timeout()).hasSeconds(60);
    assertThat(o.cluster()).isEqualTo(repo.resolve("examples/cluster.yaml"));
    assertThat(o.workDir()).isEqualTo(repo.resolve("e2e/target/sandbox"));
  }

  /** The sandbox as bin/cowsql-sandbox starts it, with a bad flag: exit 2, and the message names the flag. */
  @Test
  void aBadFlagExitsTwoNamingIt() throws Exception {
    Process p = new ProcessBuilder(io.cowsql.e2e.testbed.ImageTable.javaExecutable(), "-cp",
        System.getProperty("java.class.path"), Sandbox.class.getName(), "--zones", "0", "--until-ready")
        .directory(Sandbox.repository().toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out.strip()).isEqualTo("cowsql-sandbox: --zones must be a positive number, got 0 (see --help)");
  }

  /**
   * The help text (a file, so that bin/cowsql-sandbox prints it before anything is built) and the parser agree:
   * every flag the parser takes is in the help with its default, and the help offers no flag the parser refuses.
   */
  @Test
  void theHelpNamesExactlyTheFlagsTheParserTakesWithTheirDefaults() {
    CommandLine.Model.CommandSpec spec = new CommandLine(new Sandbox.Flags()).getCommandSpec();
    String flagsPart = Sandbox.HELP.substring(0, Sandbox.HELP.indexOf(Sandbox.FAULTS_HEADING));
    java.util.Set<String> parsed = new java.util.TreeSet<>();
    for (CommandLine.Model.OptionSpec o : spec.options()) {
      parsed.addAll(List.of(o.names()));
      String longName = o.longestName();
      String line = flagsPart.lines().filter(l -> l.startsWith("  " + longName + " ")).findFirst().orElse(null);
      if (o.usageHelp()) {
        continue;
      }
      assertThat(line).as("the help's line for " + longName).isNotNull();
      if (o.defaultValue() != null) {
        assertThat(line).as(longName).contains("(default " + o.defaultValue() + ")");
      }
    }
    java.util.Set<String> offered = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![\\w-])--?[a-z][a-z-]*").matcher(flagsPart);
    while (m.find()) {
      offered.add(m.group());
    }
    assertThat(parsed).containsAll(offered);
  }
}
