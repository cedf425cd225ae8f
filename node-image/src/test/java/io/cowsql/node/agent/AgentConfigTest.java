package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.contract.AgentOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

class AgentConfigTest {
  @Test
  void flagsWinOverEnvironment() throws Exception {
    AgentConfig c = AgentConfig.fromRun(List.of("--address", "198.18.0.1:9001", "--voters=5", "--bootstrap"),
        Map.of("COWSQL_DIR", "/data", "COWSQL_ADDRESS", "198.18.0.9:9001", "COWSQL_JOIN", "a:1, b:2", "COWSQL_NETWORK_LATENCY", "20ms"));
    assertThat(c.dir.toString()).isEqualTo("/data");
    assertThat(c.address).isEqualTo("198.18.0.1:9001");
    assertThat(c.bind).isEqualTo("198.18.0.1:9001");
    assertThat(c.voters).isEqualTo(5);
    assertThat(c.bootstrap).isTrue();
    assertThat(c.join).containsExactly("a:1", "b:2");
    assertThat(c.networkLatency).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void badValuesAreOneClearMessage() {
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--snapshot-threshold", "10"), Map.of()))
        .hasMessageContaining("go together");
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--bootstrap=maybe"), Map.of()))
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--join"), Map.of()))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("Missing required parameter for option '--join'");
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--address", "x:1"), Map.of()))
        .hasMessage("missing --dir (or COWSQL_DIR)");
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--votrs", "3"), Map.of()))
        .isInstanceOf(UnmatchedArgumentException.class)
        .hasMessageContaining("'--votrs'");
  }

  @Test
  void everyContractOptionIsARunOptionWithItsVariableAndDefault() {
    CommandSpec run = AgentConfig.runCommand(Map.of("COWSQL_WEIGHT", "7"), c -> 0);
    for (AgentOption o : AgentOption.values()) {
      OptionSpec spec = run.findOption("--" + o.flag());
      assertThat(spec).as(o.flag()).isNotNull();
      assertThat(spec.defaultValue()).as(o.flag()).isEqualTo(o.defaultValue());
      assertThat(String.join(" ", spec.description())).as(o.flag()).contains(o.help()).contains(o.env());
    }
    assertThat(run.findOption("--weight").defaultValueString()).isEqualTo("7");
  }

  @Test
  void defaultsComeFromTheContractAndAFlagReplacesTheVariablesList() throws Exception {
    AgentConfig c = AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--join", "c:3", "--join", "d:4,e:5"),
        Map.of("COWSQL_JOIN", "a:1,b:2", "COWSQL_BOOTSTRAP", "false", "COWSQL_AUTO_RECOVERY", "no"));
    assertThat(c.join).containsExactly("c:3", "d:4", "e:5");
    assertThat(c.bootstrap).isFalse();
    assertThat(c.autoRecovery).isFalse();
    assertThat(c.voters).isEqualTo(Integer.parseInt(AgentOption.VOTERS.defaultValue()));
    assertThat(c.http).isEqualTo(AgentOption.HTTP.defaultValue());
    assertThat(c.failureDomainKey).isEqualTo(AgentOption.FAILURE_DOMAIN_KEY.defaultValue());
    assertThat(c.failureDomainWait).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.bind).isEqualTo("x:1");
    assertThat(c.snapshotThreshold).isNull();
    assertThat(c.engineRoleManagement).isFalse();
    assertThat(AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--bootstrap=false",
        "--role-management", "ENGINE"), Map.of("COWSQL_BOOTSTRAP", "true")).bootstrap).isFalse();
  }

  @Test
  void anUnknownCowsqlVariableIsAnErrorNamingIt() {
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1"),
            Map.of("COWSQL_VOTRES", "5", "COWSQL_LIBRARY", "libcowsql.so.0", "HOME", "/root")))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("unknown environment variable COWSQL_VOTRES")
        .hasMessageContaining("did you mean COWSQL_VOTERS?");
  }

  @Test
  void durationsTakeTheContractsOneGrammar() throws Exception {
    AgentConfig c = AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--roles-interval", "2m"), Map.of());
    assertThat(c.rolesInterval).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.shutdownTimeout).isEqualTo(Duration.ofSeconds(20));
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1", "--roles-interval", "1.5s"), Map.of()))
        .hasMessageContaining("--roles-interval: '1.5s' is not a duration (a whole number and a unit");
  }

  @Test
  void failureDomainFromNumbersNamesAndAnnotationFiles() throws Exception {
    assertThat(FailureDomain.code("7")).isEqualTo(7);
    assertThat(FailureDomain.code("zone-a")).isEqualTo(FailureDomain.code("zone-a")).isNotEqualTo(FailureDomain.code("zone-b")).isPositive();
    assertThat(FailureDomain.valueIn("a=\"1\"\ncowsql.io/failure-domain=\"3\"\n", "cowsql.io/failure-domain")).isEqualTo("3");
    assertThat(FailureDomain.valueIn("42\n", "cowsql.io/failure-domain")).isEqualTo("42");
    assertThat(FailureDomain.valueIn("other=\"x\"\n", "cowsql.io/failure-domain")).isNull();
    assertThat(FailureDomain.annotation("a=\"1\"\ncowsql.io/bootstrap=\"true\"\n", "cowsql.io/bootstrap")).isEqualTo("true");
    assertThat(FailureDomain.annotation("42\n", "cowsql.io/bootstrap")).isNull();
  }

  @Test
  void jsonRoundTrip() {
    Map<String, Object> m = Json.parseObject("{\"a\":[1,2.5,\"x\\ny\",true,null],\"b\":{}}");
    assertThat(Json.write(m)).isEqualTo("{\"a\":[1,2.5,\"x\\ny\",true,null],\"b\":{}}");
  }
}
