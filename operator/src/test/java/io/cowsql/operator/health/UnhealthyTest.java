package io.cowsql.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnhealthyTest {
  static final long S = 1_000_000_000L;

  @Test
  void aSourceReconnectingWithinTheGraceKeepsReadinessUp() {
    Unhealthy u = new Unhealthy(Duration.ofSeconds(30));
    assertThat(u.observe(Set.of(), 0).up()).isTrue();
    Unhealthy.Verdict v = u.observe(Set.of("pods"), 1 * S);
    assertThat(v.up()).isTrue();
    assertThat(v.recovering()).containsOnlyKeys("pods");
    assertThat(u.observe(Set.of("pods"), 30 * S).up()).isTrue();
    // healthy again: the clock starts over at the next failure
    assertThat(u.observe(Set.of(), 31 * S).recovering()).isEmpty();
    assertThat(u.observe(Set.of("pods"), 40 * S).up()).isTrue();
    assertThat(u.observe(Set.of("pods"), 69 * S).up()).isTrue();
  }

  @Test
  void aSourceUnhealthyLongerThanTheGraceIsDown() {
    Unhealthy u = new Unhealthy(Duration.ofSeconds(30));
    u.observe(Set.of("pods", "client-service"), 0);
    Unhealthy.Verdict v = u.observe(Set.of("pods", "client-service", "statefulset"), 31 * S);
    assertThat(v.up()).isFalse();
    assertThat(v.down()).containsOnlyKeys("client-service", "pods");
    assertThat(v.down().get("pods")).isEqualTo(Duration.ofSeconds(31));
    assertThat(v.recovering()).containsOnlyKeys("statefulset");
  }
}
