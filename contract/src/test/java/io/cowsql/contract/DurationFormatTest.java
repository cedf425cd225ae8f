package io.cowsql.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationFormatTest {

  @Test
  void parsesEveryUnit() {
    assertThat(DurationFormat.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationFormat.parse("3s")).isEqualTo(Duration.ofSeconds(3));
    assertThat(DurationFormat.parse(" 2m ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationFormat.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationFormat.parse("0s")).isEqualTo(Duration.ZERO);
  }

  @Test
  void rejectsWhatTheSchemaRejectsNamingTheGrammar() {
    for (String bad : new String[] {"1.5s", "3000", "3 s", "-1s", "3S", "1d", "", "s", "1234567890s"}) {
      assertThatThrownBy(() -> DurationFormat.parse(bad), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("500ms, 3s, 2m or 1h");
    }
    assertThatThrownBy(() -> DurationFormat.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsTheShortestExactTextThatParsesBack() {
    assertThat(DurationFormat.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationFormat.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationFormat.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(DurationFormat.format(Duration.ofHours(3))).isEqualTo("3h");
    assertThat(DurationFormat.format(Duration.ZERO)).isEqualTo("0s");
    for (long ms : new long[] {0, 1, 999, 1000, 59_000, 60_000, 61_000, 3_600_000, 7_200_001}) {
      Duration d = Duration.ofMillis(ms);
      assertThat(DurationFormat.parse(DurationFormat.format(d))).isEqualTo(d);
    }
  }
}
