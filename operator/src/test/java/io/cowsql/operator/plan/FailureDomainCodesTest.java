package io.cowsql.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureDomainCodesTest {

  @Test
  void newZonesGetCodesFromOneInOrder() {
    assertThat(FailureDomainCodes.assign(Map.of(), List.of("zone-b", "zone-a", "zone-b", "zone-c")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("zone-b", 1L, "zone-a", 2L, "zone-c", 3L));
  }

  @Test
  void aZoneNeverChangesItsCode() {
    Map<String, Long> first = FailureDomainCodes.assign(Map.of(), List.of("zone-a", "zone-b"));
    // zone-a's pods are all gone, a new zone appears: old codes stay, the new one is above all of them
    Map<String, Long> later = FailureDomainCodes.assign(first, List.of("zone-c", "zone-b"));
    assertThat(later).containsExactlyInAnyOrderEntriesOf(Map.of("zone-a", 1L, "zone-b", 2L, "zone-c", 3L));
    assertThat(FailureDomainCodes.assign(Map.of("zone-x", 7L), List.of("zone-y"))).containsEntry("zone-y", 8L);
  }

  @Test
  void podsWithoutZoneGetNoDomain() {
    Map<String, Long> codes = FailureDomainCodes.assign(Map.of(), List.of("", "zone-a"));
    assertThat(codes).containsOnlyKeys("zone-a");
    assertThat(FailureDomainCodes.codeOf(codes, "")).isEqualTo(FailureDomainCodes.NO_DOMAIN);
    assertThatThrownBy(() -> FailureDomainCodes.codeOf(codes, "zone-q")).isInstanceOf(IllegalArgumentException.class);
  }
}
