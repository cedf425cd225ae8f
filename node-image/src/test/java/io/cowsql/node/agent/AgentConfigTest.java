package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void flagsWinOverEnvironment() throws Exception {
    AgentConfig c = AgentConfig.fromRun(List.of("--address", "10.0.0.1:9001", "--voters=5", "--bootstrap"),
        Map.of("COWSQL_DIR", "/data", "COWSQL_ADDRESS", "10.0.0.9:9001", "COWSQL_JOIN", "a:1, b:2", "COWSQL_NETWORK_LATENCY", "20ms"));
    assertThat(c.dir.toString()).isEqualTo("/data");
    assertThat(c.address).isEqualTo("10.0.0.1:9001");
    assertThat(c.bind).isEqualTo("10.0.0.1:9001");
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
        .hasMessageContaining("needs a value");
  }

  @Test
  void anUnknownCowsqlVariableIsAnErrorNamingIt() {
    assertThatThrownBy(() -> AgentConfig.fromRun(List.of("--dir", "d", "--address", "x:1"),
            Map.of("COWSQL_VOTRES", "5", "COWSQL_LIBRARY", "libcowsql.so.0", "HOME", "/root")))
        .isInstanceOf(AgentConfig.BadConfig.class)
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
