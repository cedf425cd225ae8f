package io.cowsql.operator.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Since when each event source has been unhealthy without a break, and which ones have been for longer than the
 * grace period. An informer whose watch is being re-established (Fabric8 restarts every watch every 5-10 minutes,
 * and reconnects with backoff after a connection loss) is unhealthy for a moment; only one that stays so longer than
 * the grace counts as down. Not thread-safe: the caller serializes.
 */
final class Unhealthy {
  private final Duration grace;
  private final Map<String, Long> since = new HashMap<>();

  Unhealthy(Duration grace) {
    this.grace = grace;
  }

  /** The verdict for one look at the sources that are unhealthy now (names), at {@code nowNanos}. */
  Verdict observe(Set<String> unhealthyNow, long nowNanos) {
    since.keySet().retainAll(unhealthyNow);
    unhealthyNow.forEach(name -> since.putIfAbsent(name, nowNanos));
    Map<String, Duration> down = new TreeMap<>();
    Map<String, Duration> recovering = new TreeMap<>();
    since.forEach((name, t) -> {
      Duration d = Duration.ofNanos(nowNanos - t);
      (d.compareTo(grace) > 0 ? down : recovering).put(name, d);
    });
    return new Verdict(down, recovering);
  }

  /**
   * @param down       unhealthy for longer than the grace: the operator is not doing its job
   * @param recovering unhealthy for less than the grace (a watch being re-established)
   */
  record Verdict(Map<String, Duration> down, Map<String, Duration> recovering) {
    boolean up() {
      return down.isEmpty();
    }
  }
}
