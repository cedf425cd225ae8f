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
  void theEpochTemplateIsOneNodeIdInHex() {
    assertThat(Annotations.epochTemplate(null)).isEmpty();
    assertThat(Annotations.epochTemplate(" ")).isEmpty();
    assertThat(Annotations.epochTemplate("2dc171858c3155be")).hasValue(0x2dc171858c3155beL);
    assertThat(Annotations.epochTemplate("ffffffffffffffff")).hasValue(-1L);
    assertThatThrownBy(() -> Annotations.epochTemplate("2a,2b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Annotations.EPOCH_TEMPLATE).hasMessageContaining("'2a,2b'");
    assertThatThrownBy(() -> Annotations.epochTemplate("-2a")).hasMessageContaining("not a node id in hex");
  }

  @Test
  void theEpochKeysAreKnownToTheAgent() {
    assertThat(Annotations.unknown(List.of(Annotations.EPOCH, Annotations.EPOCH_TEMPLATE))).isEmpty();
  }

  @Test
  void theLeavingValueIsReadAndWrittenInTheAgentsHexForm() {
    assertThat(Annotations.leavingIds(null)).isEmpty();
    assertThat(Annotations.leavingIds(" ")).isEmpty();
    assertThat(Annotations.leavingIds("f412CA48b6ee9ef2, 00a")).containsExactly("a", "f412ca48b6ee9ef2");
    assertThat(Annotations.leavingValue(List.of("f412ca48b6ee9ef2", "a", "0a"))).isEqualTo("a,f412ca48b6ee9ef2");
    assertThat(Annotations.leavingIds(Annotations.leavingValue(List.of("b", "c")))).containsExactly("b", "c");
  }

  @Test
  void aLeavingValueThatIsNotHexIsRefusedNamingTheKeyAndThePart() {
    assertThatThrownBy(() -> Annotations.leavingIds("a,zz")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Annotations.LEAVING).hasMessageContaining("'zz'");
    assertThatThrownBy(() -> Annotations.leavingIds("a,,b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Annotations.leavingIds("-1")).isInstanceOf(IllegalArgumentException.class);
  }
}
