package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.BothEngines;
import io.cowsql.testing.SystemTier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM never leaves an agent hanging: whatever its peers do at the same time, every agent exits
 * within its --shutdown-timeout plus 5 s. (The engine's handover can wait forever for a transfer
 * that raft keeps pending, and a JVM exit that runs libuv's destructor can wait forever for
 * thread-pool threads stuck in the dial callback.)
 */
@SystemTier
@BothEngines
class ShutdownTest {
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);
  static final Duration BOUND = SHUTDOWN_TIMEOUT.plusSeconds(5);
  @TempDir Path tmp;

  @Test
  void allThreeVotersTerminatedAtOnceExitInTimeTwentyTimes() throws Exception {
    int rounds = Integer.getInteger("shutdown.rounds", 20);
    for (int round = 1; round <= rounds; round++) {
      long ts = System.nanoTime();
      try (AgentCluster c = threeVoters(tmp.resolve("all-" + round))) {
        long t0 = System.nanoTime();
        System.out.println("round " + round + ": three voters " + (t0 - ts) / 1_000_000 + " ms after the start");
        c.nodes.forEach(AgentProcess::signalTerm);
        assertAllExitInTime(c, t0, "round " + round + " (all three at once)");
      }
    }
  }

  @Test
  void bothSurvivorsTerminatedAtOnceAfterTheLeaderExitInTime() throws Exception {
    int rounds = Integer.getInteger("shutdown.survivorRounds", 3);
    for (int round = 1; round <= rounds; round++) {
      try (AgentCluster c = threeVoters(tmp.resolve("survivors-" + round))) {
        AgentProcess leader = c.awaitLeader(Duration.ofSeconds(20));
        long t0 = System.nanoTime();
        leader.signalTerm();
        int leaderExit = leader.waitForExit(BOUND);
        assertThat(leaderExit).as("round " + round + ": the leader's exit status within " + BOUND + "\n" + leader.logText()).isZero();
        long t1 = System.nanoTime();
        List<AgentProcess> survivors = c.nodes.stream().filter(p -> p != leader).toList();
        survivors.forEach(AgentProcess::signalTerm);
        System.out.println("round " + round + ": leader exited in " + (t1 - t0) / 1_000_000 + " ms");
        assertAllExitInTime(c, t1, "round " + round + " (both survivors at once)");
      }
    }
  }

  private static AgentCluster threeVoters(Path root) throws Exception {
    AgentCluster c = new AgentCluster(AgentCluster.mkdirs(root));
    try {
      c.common.addAll(List.of("--shutdown-timeout", SHUTDOWN_TIMEOUT.toSeconds() + "s"));
      for (int i = 0; i < 3; i++) {
        c.add(List.of()).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, 3);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  /** Each live agent exits with status 0 within {@link #BOUND} of {@code signalledAt}. */
  private static void assertAllExitInTime(AgentCluster c, long signalledAt, String what) throws InterruptedException {
    List<String> outcome = new ArrayList<>();
    for (AgentProcess p : c.nodes) {
      long left = BOUND.toNanos() - (System.nanoTime() - signalledAt);
      int exit = p.waitForExit(Duration.ofNanos(Math.max(0, left)));
      long ms = (System.nanoTime() - signalledAt) / 1_000_000;
      outcome.add(p.name + (exit == Integer.MIN_VALUE ? " still running after " + ms + " ms" : " exit " + exit + " by " + ms + " ms")
          + " " + AgentClusterTest.handoverLines(p).stream().filter(l -> l.startsWith("handover")).toList());
      assertThat(exit).as(what + ": " + p.name + " exits within " + BOUND + " of SIGTERM\n" + p.logText()).isNotEqualTo(Integer.MIN_VALUE);
      assertThat(exit).as(what + ": " + p.name + "'s exit status\n" + p.logText()).isZero();
    }
    System.out.println(what + ": " + outcome);
  }
}
