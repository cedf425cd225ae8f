package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misspelt {@code COWSQL_*} variable or {@code cowsql.io/} pod annotation stops the agent before it touches anything. */
@SystemTier
class UnknownContractKeyTest {

  @Test
  void anAgentGivenAnUnknownCowsqlVariableExits2NamingIt(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("data");
    Path log = tmp.resolve("agent.log");
    Process p = AgentProcess.launch(
        List.of("--dir", dir.toString(), "--address", "127.0.0.1:1", "--bootstrap"),
        Map.of("COWSQL_STANBYS", "2"), log);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the agent exits at once").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("unknown environment variable COWSQL_STANBYS").contains("did you mean COWSQL_STANDBYS?");
    assertThat(dir).as("nothing was created").doesNotExist();
  }

  @Test
  void anAgentWhosePodAnnotationsHoldAnUnknownOperatorKeyExits2NamingIt(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("data");
    Path annotations = tmp.resolve("annotations");
    Files.writeString(annotations, "cowsql.io/failure-domain=\"1\"\ncowsql.io/votres=\"5\"\nprometheus.io/scrape=\"true\"\n");
    Path log = tmp.resolve("agent.log");
    Process p = AgentProcess.launch(
        List.of("--dir", dir.toString(), "--address", "127.0.0.1:1", "--bootstrap",
            "--failure-domain-file", annotations.toString(), "--http", io.cowsql.node.TestPorts.address()),
        Map.of(), log);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the agent exits at once").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("unknown pod annotation cowsql.io/votres").doesNotContain("prometheus.io");
  }

  @Test
  void aPersonsUpdateApprovalOnThePodIsNotRefused(@TempDir Path tmp) throws Exception {
    Path annotations = tmp.resolve("annotations");
    Files.writeString(annotations, "cowsql.io/failure-domain=\"1\"\ncowsql.io/update=\"yes\"\n");
    assertThat(FailureDomain.awaitValue(annotations, io.cowsql.contract.Annotations.FAILURE_DOMAIN,
        java.time.Duration.ofSeconds(1))).isEqualTo("1");
  }
}
