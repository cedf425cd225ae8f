package io.cowsql.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnotationsTest {
  @Test
  void anAbsentEpochIsEpochZero() {
    assertThat(Annotations.epoch(null)).isZero();
    assertThat(Annotations.epoch("")).isZero();
    assertThat(Annotations.epoch(" 3 ")).isEqualTo(3);
  }

  @Test
  void aBadEpochNamesTheKeyAndWhatIsExpected() {
    assertThatThrownBy(() -> Annotations.epoch("-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Annotations.EPOCH).hasMessageContaining("whole number of 0 or more");
    assertThatThrownBy(() -> Annotations.epoch("two")).hasMessageContaining("'two'");
  }

  @Test
  void theEpochKeysAreKnownToTheAgent() {
    assertThat(Annotations.unknown(List.of(Annotations.EPOCH, Annotations.EPOCH_TEMPLATE))).isEmpty();
  }
}
