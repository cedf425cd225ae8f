package io.cowsql.operator.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether quorum is lost, and for how long without a break. Quorum is lost when no leader answers and fewer than a
 * majority of the voters answer. The clock runs only while every observation says so: one observation with a leader
 * or a majority answering resets it, and so does a gap between observations longer than {@link #maxGap} (the operator
 * was not looking, so it cannot claim the loss lasted through the gap). Pure: the observations carry their times.
 */
public final class QuorumLossDetector {
  /**
   * The longest gap between two observations that still counts as continuous. The operator observes a cluster that
   * is not Ready every few seconds; a gap of a minute means it was down or stuck, and quorum may have come back and
   * gone again meanwhile.
   */
  public static final Duration DEFAULT_MAX_GAP = Duration.ofMinutes(1);

  private final Duration timeout;
  private final Duration maxGap;

  public QuorumLossDetector(Duration timeout) {
    this(timeout, DEFAULT_MAX_GAP);
  }

  public QuorumLossDetector(Duration timeout, Duration maxGap) {
    if (timeout.isNegative() || maxGap.isNegative() || maxGap.isZero()) {
      throw new IllegalArgumentException("timeout must not be negative and maxGap must be positive: " + timeout + ", "
          + maxGap);
    }
    this.timeout = timeout;
    this.maxGap = maxGap;
  }

  /**
   * One observation.
   *
   * @param at              when it was made
   * @param leaderAnswers   whether some node reported a leader that answered
   * @param voters          the voters of the last known configuration
   * @param votersAnswering how many of them answered
   */
  public record Sample(Instant at, boolean leaderAnswers, int voters, int votersAnswering) {
    public int majority() {
      return voters / 2 + 1;
    }

    /** No leader, and fewer than a majority of a known, non-empty set of voters answer. */
    public boolean quorumLost() {
      return !leaderAnswers && voters > 0 && votersAnswering < majority();
    }
  }

  public enum State {
    /** A leader answers, or a majority of the voters does. */
    HEALTHY,
    /** No leader, and the voters were never listed: cannot tell. */
    UNKNOWN,
    /** Lost, for less than the timeout. */
    LOST,
    /** Lost without a break for the timeout or longer. */
    EXPIRED
  }

  /**
   * @param lostSince when the unbroken loss began (empty unless LOST or EXPIRED)
   * @param remaining how long until EXPIRED (zero once EXPIRED or when not lost)
   */
  public record Assessment(State state, Optional<Instant> lostSince, Duration remaining) {}

  /**
   * @param lostSince    the start of the loss as recorded after the previous observation, if any
   * @param lastObserved when the previous observation was made, if any
   */
  public Assessment assess(Optional<Instant> lostSince, Optional<Instant> lastObserved, Sample sample) {
    if (!sample.leaderAnswers() && sample.voters() == 0) {
      return new Assessment(State.UNKNOWN, Optional.empty(), Duration.ZERO);
    }
    if (!sample.quorumLost()) {
      return new Assessment(State.HEALTHY, Optional.empty(), Duration.ZERO);
    }
    Instant now = sample.at();
    boolean continuous = lostSince.isPresent() && lastObserved.isPresent()
        && !lastObserved.get().isAfter(now) && !lostSince.get().isAfter(lastObserved.get())
        && Duration.between(lastObserved.get(), now).compareTo(maxGap) <= 0;
    Instant since = continuous ? lostSince.get() : now;
    Duration left = timeout.minus(Duration.between(since, now));
    if (left.isNegative() || left.isZero()) {
      return new Assessment(State.EXPIRED, Optional.of(since), Duration.ZERO);
    }
    return new Assessment(State.LOST, Optional.of(since), left);
  }
}
