package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java {@code cowsql} shell (through {@code bin/cowsql}, as a user runs it) and the seed's Go
 * {@code cowsql} shell on the same commands against three of the project's own node agents: the
 * same standard output, exit status and error line, in both formats.
 */
@SystemTier
class ShellOnAgentsTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  @TempDir static Path root;
  static AgentCluster cluster;
  static String servers;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    cluster = AgentCluster.start(root, 3);
    cluster.awaitLeader(Duration.ofSeconds(30));
    List<String> addrs = new ArrayList<>();
    for (AgentProcess p : cluster.nodes) {
      addrs.add(p.address);
    }
    servers = String.join(",", addrs);
    AgentProcess any = cluster.nodes.get(1);
    assertThat(any.put("/shell-key", "through the key/value API").statusCode()).isEqualTo(200);
    for (String sql : List.of(
        "CREATE TABLE shell_types (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n, ts DATETIME, bo BOOLEAN)",
        "INSERT INTO shell_types VALUES (1, 42, 1.5, 'hello', x'0102ff', NULL, '2024-01-02 03:04:05', 1)",
        "INSERT INTO shell_types VALUES (2, -9223372036854775808, 1e21, '', x'', 3, NULL, 0)")) {
      Run r = seed("tabular", sql);
      assertThat(r.code()).as("%s: %s", sql, r.err()).isZero();
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theJavaShellAnswersLikeTheSeedShellOnAgentNodes() throws Exception {
    String node = cluster.nodes.get(2).address;
    List<String> commands = List.of(
        ".cluster",
        ".leader",
        ".describe " + node,
        ".describe",
        "SELECT key, value FROM model WHERE key = 'shell-key'",
        "SELECT * FROM shell_types ORDER BY id",
        "SELECT 1.5, 0.1, 1e-7, 'héllo', NULL, x'00ff'",
        "SELECT count(*) FROM model",
        "INSERT OR REPLACE INTO shell_types(id, i) VALUES (3, 7)",
        "UPDATE shell_types SET i = i + 1 WHERE id = 3",
        "SELECT * FROM no_such_table",
        "INSERT INTO shell_types(id) VALUES (1)",
        "SELEC 1");
    SoftAssertions soft = new SoftAssertions();
    for (String format : List.of("tabular", "json")) {
      for (String command : commands) {
        Run g = seed(format, command);
        Run j = java(format, command);
        soft.assertThat(j.out()).as("-f %s %s (seed stderr: %s, java stderr: %s)", format, command, g.err(), j.err())
            .isEqualTo(g.out());
        soft.assertThat(j.code()).as("-f %s %s: exit status", format, command).isEqualTo(g.code());
        soft.assertThat(firstLine(j.err())).as("-f %s %s: the error", format, command).isEqualTo(firstLine(g.err()));
      }
    }
    soft.assertAll();
    // The comparisons saw the agents' cluster, the key written through their HTTP API, and real errors.
    Run members = java("tabular", ".cluster");
    assertThat(members.out().lines().filter(l -> l.endsWith("|voter")).count()).isEqualTo(3);
    assertThat(members.out()).contains(node);
    assertThat(java("tabular", "SELECT value FROM model WHERE key = 'shell-key'").out()).isEqualTo("through the key/value API\n");
    assertThat(java("json", ".cluster").out()).startsWith("[\n\t{\n\t\t\"ID\": ");
    assertThat(java("tabular", "SELECT * FROM no_such_table").err()).startsWith("Error: query: no such table: no_such_table\n");
  }

  static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /** go-cowsql's Go shell. */
  static Run seed(String format, String command) throws Exception {
    return run(List.of("cowsql", "-s", servers, "-f", format, "demo", command), List.of());
  }

  /** The Java shell through its launcher; C1 only, since each command is a JVM start. */
  static Run java(String format, String command) throws Exception {
    return run(List.of(ROOT.resolve("bin/cowsql").toString(), "-s", servers, "-f", format, "demo", command),
        List.of("COWSQL_JAVA_OPTS", "-XX:TieredStopAtLevel=1"));
  }

  private static Run run(List<String> cmd, List<String> env) throws Exception {
    Path err = Files.createTempFile(root, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectError(err.toFile());
    for (int i = 0; i < env.size(); i += 2) {
      pb.environment().put(env.get(i), env.get(i + 1));
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    return new Run(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
  }

}
