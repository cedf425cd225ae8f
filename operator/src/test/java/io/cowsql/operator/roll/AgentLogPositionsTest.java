package io.cowsql.operator.roll;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.recovery.LogPosition;
import org.junit.jupiter.api.Test;

/** The position in an agent's /status document, as StatusReport writes it. */
class AgentLogPositionsTest {
  @Test
  void readsTermAndIndexOfLastEntry() {
    assertThat(AgentLogPositions.parse("{\"id\":\"1\",\"lastEntry\":{\"term\":3,\"index\":1207,\"source\":\"open-2\"}}"))
        .contains(new LogPosition(3, 1207));
  }

  @Test
  void noPositionWhenTheAgentHasNoneOrTheAnswerIsNotJson() {
    assertThat(AgentLogPositions.parse("{\"lastEntry\":null}")).isEmpty();
    assertThat(AgentLogPositions.parse("{}")).isEmpty();
    assertThat(AgentLogPositions.parse("not json")).isEmpty();
  }
}
