package io.cowsql.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentOptionTest {

  @Test
  void flagsAndVariablesAreUniqueAndDerivedFromEachOther() {
    Set<String> flags = new HashSet<>();
    Set<String> envs = new HashSet<>();
    for (AgentOption o : AgentOption.values()) {
      assertThat(flags.add(o.flag())).as(o.flag()).isTrue();
      assertThat(envs.add(o.env())).as(o.env()).isTrue();
      assertThat(o.env()).isEqualTo("COWSQL_" + o.flag().toUpperCase().replace('-', '_'));
      assertThat(AgentOption.byFlag(o.flag())).isSameAs(o);
      assertThat(AgentOption.byEnv(o.env())).isSameAs(o);
    }
    assertThat(AgentOption.byFlag("votres")).isNull();
  }

  @Test
  void exactlyTheLiveOptionsHaveAnAnnotation() {
    for (AgentOption o : AgentOption.values()) {
      assertThat(o.annotation() != null).as(o.flag()).isEqualTo(o.apply() == AgentOption.Apply.LIVE);
    }
    assertThat(AgentOption.VOTERS.annotation()).isEqualTo(Annotations.VOTERS);
  }

  @Test
  void everyDefaultPassesItsOwnCheck() {
    for (AgentOption o : AgentOption.values()) {
      if (o.defaultValue() != null) {
        o.check(o.defaultValue());
      }
    }
    assertThat(AgentOption.VOTERS.integer(AgentOption.VOTERS.defaultValue())).isEqualTo(3);
    assertThat(AgentOption.SHUTDOWN_TIMEOUT.duration("20s").toSeconds()).isEqualTo(20);
  }

  @Test
  void badValuesNameTheFlagAndWhatIsExpected() {
    assertThatThrownBy(() -> AgentOption.VOTERS.check("0")).hasMessage("--voters must be between 1 and 99, got 0");
    assertThatThrownBy(() -> AgentOption.VOTERS.check("three")).hasMessage("--voters must be a whole number, got 'three'");
    assertThatThrownBy(() -> AgentOption.BLOCK_SIZE.check("128")).hasMessageContaining("between 512 and 262144");
    assertThatThrownBy(() -> AgentOption.ROLES_INTERVAL.check("1.5s"))
        .hasMessageStartingWith("--roles-interval: '1.5s' is not a duration");
    assertThatThrownBy(() -> AgentOption.AUTO_RECOVERY.check("maybe"))
        .hasMessage("--auto-recovery must be true or false, got 'maybe'");
    assertThatThrownBy(() -> AgentOption.SQLITE_THREADING.check("many"))
        .hasMessage("--sqlite-threading must be one of single, multi, default, got 'many'");
    assertThatThrownBy(() -> AgentOption.DATABASE.check(" ")).hasMessage("--database must not be empty");
  }
}
