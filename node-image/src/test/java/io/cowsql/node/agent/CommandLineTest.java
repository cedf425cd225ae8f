package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.AgentOption;
import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent's command line: each command refuses a bad flag, a bad value and a missing
 * option with exit code 2 and one line naming the flag and where the fix is, and lists its options
 * in --help. The run command is checked as a real agent process (its exit code comes from libc's
 * _exit), the offline commands through the same entry point in this JVM.
 */
class CommandLineTest {
  @TempDir Path tmp;

  record Exit(int code, String output) {}

  private Exit agent(List<String> args, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(tmp, "agent", ".log");
    Process p = AgentProcess.launch(args, env, log);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the agent exits at once").isTrue();
    return new Exit(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  @SystemTier
  @Test
  void runRefusesABadFlagABadValueAndAMissingOptionWithExit2NamingIt() throws Exception {
    Path dir = tmp.resolve("data");
    Exit unknown = agent(List.of("--dir", dir.toString(), "--address", "127.0.0.1:1", "--votrs", "3"), Map.of());
    assertThat(unknown.code()).as(unknown.output()).isEqualTo(2);
    assertThat(unknown.output()).contains("Unknown option").contains("'--votrs'").contains("did you mean --voters?")
        .contains("see cowsql-node run --help");

    Exit range = agent(List.of("run", "--dir", dir.toString(), "--address", "127.0.0.1:1", "--voters", "0"), Map.of());
    assertThat(range.code()).as(range.output()).isEqualTo(2);
    assertThat(range.output()).contains("cowsql-node: --voters must be between 1 and 99, got 0");

    Exit fromEnvironment = agent(List.of("--dir", dir.toString()), Map.of("COWSQL_ADDRESS", "127.0.0.1:x"));
    assertThat(fromEnvironment.code()).as(fromEnvironment.output()).isEqualTo(2);
    assertThat(fromEnvironment.output()).contains("cowsql-node: --address: ").contains("127.0.0.1:x");

    Exit missing = agent(List.of("--address", "127.0.0.1:1"), Map.of());
    assertThat(missing.code()).as(missing.output()).isEqualTo(2);
    assertThat(missing.output()).contains("missing --dir (or COWSQL_DIR)");
    assertThat(dir).as("nothing was created").doesNotExist();
  }

  @Test
  void eachOfflineCommandRefusesABadFlagWithExit2NamingIt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("d"));
    Map<String, List<String>> valid = Map.of(
        "inspect", List.of("inspect", "--dir", dir.toString()),
        "reconfigure", List.of("reconfigure", "--dir", dir.toString(), "--members", "1@127.0.0.1:1:voter"),
        "backup", List.of("backup", "--dir", dir.toString(), "--to", tmp.resolve("to").toString()));
    for (String command : List.of("inspect", "reconfigure", "backup")) {
      List<String> args = new java.util.ArrayList<>(valid.get(command));
      args.add("--bogus");
      OfflineTest.Out out = OfflineTest.cli(args.toArray(String[]::new));
      assertThat(out.exit()).as(command + ": " + out.err()).isEqualTo(2);
      assertThat(out.err()).as(command).contains("Unknown option: '--bogus'").contains("see cowsql-node " + command + " --help");
      assertThat(out.out()).isEmpty();
    }
    // --dir repeats and takes comma-separated lists: every dir is inspected and ranked.
    Path other = Files.createDirectories(tmp.resolve("e"));
    Path third = Files.createDirectories(tmp.resolve("f"));
    OfflineTest.Out ranked = OfflineTest.cli("inspect", "--dir", dir.toString(), "--dir=" + other + ", " + third);
    assertThat(ranked.exit()).as(ranked.err()).isZero();
    assertThat(Json.parseObject(ranked.out().trim()).get("ranking")).asList().hasSize(3);
    OfflineTest.Out noTo = OfflineTest.cli("backup", "--dir", dir.toString());
    assertThat(noTo.exit()).isEqualTo(2);
    assertThat(noTo.err()).contains("Missing required option: '--to=DEST'");
    OfflineTest.Out noValue = OfflineTest.cli("inspect", "--dir");
    assertThat(noValue.exit()).isEqualTo(2);
    assertThat(noValue.err()).contains("Missing required parameter for option '--dir'");
  }

  @Test
  void helpListsEachCommandsOptionsWithTheirDefaults() {
    OfflineTest.Out run = OfflineTest.cli("run", "--help");
    assertThat(run.exit()).isZero();
    for (AgentOption o : AgentOption.values()) {
      assertThat(run.out()).contains("--" + o.flag()).contains(o.env());
    }
    assertThat(run.out()).contains("Env: COWSQL_SHUTDOWN_TIMEOUT; default: 20s");
    assertThat(OfflineTest.cli("--help").out()).isEqualTo(run.out());
    assertThat(OfflineTest.cli("help").out()).contains("run", "inspect", "reconfigure", "backup", "Exit codes");
    assertThat(OfflineTest.cli("inspect", "--help").out()).contains("--dir=DIR", "comma-separated or repeated");
    assertThat(OfflineTest.cli("reconfigure", "-h").out()).contains("--members=ID@HOST:PORT:ROLE");
    assertThat(OfflineTest.cli("backup", "--help").out()).contains("--to=DEST");
    OfflineTest.Out unknown = OfflineTest.cli("frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'frobnicate' (commands: run, inspect, reconfigure, backup");
  }
}
