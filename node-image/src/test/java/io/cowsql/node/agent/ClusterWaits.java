package io.cowsql.node.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on an {@link AgentCluster} that, when they time out, show every node's log as it is then. */
final class ClusterWaits {
  private ClusterWaits() {}

  static void await(AgentCluster c, Duration d, BooleanSupplier cond, String what) throws InterruptedException {
    try {
      AgentCluster.await(d, cond, what);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + c.logs(), e);
    }
  }

  /** Until the leader's /status lists {@code n} voters. */
  static void voters(AgentCluster c, int n) throws InterruptedException {
    await(c, Duration.ofSeconds(60), () -> {
      try {
        return c.roles().values().stream().filter("voter"::equals).count() == n;
      } catch (Exception e) {
        return false;
      }
    }, n + " voters");
  }
}
