package io.cowsql.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentEnvironmentTest {

  @Test
  void findsEveryCowsqlVariableNoOptionDefines() {
    Map<String, String> env = Map.of(
        "COWSQL_VOTERS", "3",
        "COWSQL_VOTRES", "5",
        "COWSQL_LIBRARY", "libdqlite.so.0",
        "COWSQL_SOMETHING_ELSE", "x",
        "PATH", "/bin",
        "GO_COWSQL_MULTITHREAD", "1");
    assertThat(AgentEnvironment.unknownVariables(env)).containsExactly("COWSQL_SOMETHING_ELSE", "COWSQL_VOTRES");
  }

  @Test
  void onlyTheContractsOwnPodAnnotationsAreKnown() {
    assertThat(Annotations.unknown(java.util.List.of(Annotations.VOTERS, "cowsql.io/votres", "prometheus.io/scrape",
        Annotations.CONFIG_HASH, "cowsql.io/zzz"))).containsExactly("cowsql.io/votres", "cowsql.io/zzz");
  }

  @Test
  void theMessageSuggestsTheNameMostLikelyMeant() {
    assertThat(AgentEnvironment.unknownVariableMessage("COWSQL_VOTRES")).contains("did you mean COWSQL_VOTERS?");
    assertThat(AgentEnvironment.unknownVariableMessage("COWSQL_SHUTDOWN_TIMEUOT"))
        .contains("did you mean COWSQL_SHUTDOWN_TIMEOUT?");
    assertThat(AgentEnvironment.unknownVariableMessage("COWSQL_ENTIRELY_DIFFERENT_THING")).contains("remove it");
  }
}
