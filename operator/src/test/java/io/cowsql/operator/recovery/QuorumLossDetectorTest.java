package io.cowsql.operator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.recovery.QuorumLossDetector.Sample;
import io.cowsql.operator.recovery.QuorumLossDetector.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuorumLossDetectorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private final QuorumLossDetector detector = new QuorumLossDetector(Duration.ofMinutes(5));

  private static Sample lost(Instant at) {
    return new Sample(at, false, 3, 1);
  }

  @Test
  void aMinorityAnsweringWithoutALeaderStartsTheClockAndExpiresAfterTheTimeout() {
    QuorumLossDetector.Assessment first = detector.assess(Optional.empty(), Optional.empty(), lost(T0));
    assertThat(first.state()).isEqualTo(State.LOST);
    assertThat(first.lostSince()).contains(T0);
    assertThat(first.remaining()).isEqualTo(Duration.ofMinutes(5));

    Instant t = T0;
    QuorumLossDetector.Assessment a = first;
    for (int i = 0; i < 10; i++) {
      Instant last = t;
      t = t.plusSeconds(30);
      a = detector.assess(a.lostSince(), Optional.of(last), lost(t));
    }
    assertThat(a.state()).isEqualTo(State.EXPIRED);
    assertThat(a.lostSince()).contains(T0);
  }

  @Test
  void aLeaderOrAMajorityAnsweringIsNotALoss() {
    assertThat(detector.assess(Optional.of(T0), Optional.of(T0), new Sample(T0.plusSeconds(1), true, 3, 0)).state())
        .isEqualTo(State.HEALTHY);
    // an election in progress: no leader, but a majority answers
    assertThat(detector.assess(Optional.of(T0), Optional.of(T0), new Sample(T0.plusSeconds(1), false, 3, 2)).state())
        .isEqualTo(State.HEALTHY);
    assertThat(new Sample(T0, false, 5, 2).quorumLost()).isTrue();
    assertThat(new Sample(T0, false, 5, 3).quorumLost()).isFalse();
  }

  @Test
  void quorumComingBackResetsTheClock() {
    QuorumLossDetector.Assessment a = detector.assess(Optional.empty(), Optional.empty(), lost(T0));
    Instant back = T0.plusSeconds(240);
    QuorumLossDetector.Assessment healthy = detector.assess(a.lostSince(), Optional.of(T0),
        new Sample(back, false, 3, 2));
    assertThat(healthy.lostSince()).isEmpty();
    Instant again = back.plusSeconds(10);
    QuorumLossDetector.Assessment restarted = detector.assess(healthy.lostSince(), Optional.of(back), lost(again));
    assertThat(restarted.state()).isEqualTo(State.LOST);
    assertThat(restarted.lostSince()).contains(again);
  }

  @Test
  void aGapInTheObservationsRestartsTheClockInsteadOfCountingThroughIt() {
    Instant later = T0.plus(QuorumLossDetector.DEFAULT_MAX_GAP).plusSeconds(1);
    QuorumLossDetector.Assessment a = detector.assess(Optional.of(T0), Optional.of(T0), lost(later));
    assertThat(a.state()).isEqualTo(State.LOST);
    assertThat(a.lostSince()).contains(later);
    // a clock that went backwards is a gap too
    assertThat(detector.assess(Optional.of(T0), Optional.of(T0.plusSeconds(60)), lost(T0.plusSeconds(30)))
        .lostSince()).contains(T0.plusSeconds(30));
  }

  @Test
  void withoutKnownVotersTheLossCannotBeJudged() {
    assertThat(detector.assess(Optional.empty(), Optional.empty(), new Sample(T0, false, 0, 0)).state())
        .isEqualTo(State.UNKNOWN);
  }
}
