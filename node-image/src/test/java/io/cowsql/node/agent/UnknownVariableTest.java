package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misspelt {@code COWSQL_*} variable stops the agent process before it touches anything. */
class UnknownVariableTest {

  @Test
  void anAgentGivenAnUnknownCowsqlVariableExits2NamingIt(@TempDir Path tmp) throws Exception {
    SystemTier.assumeEnabled();
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
}
