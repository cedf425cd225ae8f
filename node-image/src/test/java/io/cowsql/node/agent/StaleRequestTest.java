package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.testing.SystemTier;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that reached a stopped agent and that its client gave up on is never run when the
 * agent wakes: the acknowledged write sent meanwhile through another node always wins.
 */
@SystemTier
class StaleRequestTest {
  /** Longer than the election timeout (15 x the tests' 50 ms network latency). */
  static final int CLIENT_TIMEOUT_MILLIS = 1500;

  @TempDir
  Path tmp;

  @Test
  void aRequestToAStoppedLeaderThatItsClientGaveUpOnNeverOverwritesALaterAcknowledgedWrite() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      ClusterWaits.voters(c, 3);
      for (int round = 0; round < 20; round++) {
        String key = "/ghost" + round;
        AgentProcess leader = c.awaitLeader(Duration.ofSeconds(30));
        AgentProcess other = c.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
        // Odd rounds: the client hangs up after its timeout. Even rounds: it keeps the connection
        // open but said until when it waits (the Cowsql-Deadline header).
        boolean hangUp = round % 2 == 1;
        Signals.stop(leader);
        Socket late = RawHttp.open(leader.http, CLIENT_TIMEOUT_MILLIS);
        try {
          byte[] v1 = "v1".getBytes(StandardCharsets.UTF_8);
          if (hangUp) {
            RawHttp.write(late, "PUT", key, leader.http, v1);
          } else {
            RawHttp.write(late, "PUT", key, leader.http, v1, "Cowsql-Deadline: " + (System.currentTimeMillis() + CLIENT_TIMEOUT_MILLIS));
          }
          assertThatThrownBy(() -> RawHttp.read(late.getInputStream(), false)).isInstanceOf(SocketTimeoutException.class);
          if (hangUp) {
            late.close();
          }
          acknowledged(other, key, "v2", "round " + round);
          assertThat(other.get(key).body()).isEqualTo("v2\n");
        } finally {
          Signals.resume(leader);
        }
        if (!hangUp) {
          late.setSoTimeout(20_000);
          RawHttp.Answer a = RawHttp.read(late.getInputStream(), false);
          assertThat(a.status()).as("round " + round + ": " + a.body()).isEqualTo(504);
          // Not run: its Cowsql-Deadline passed, or (a long pause) the agent's own bound did.
          assertThat(a.body()).contains("not executed");
          late.close();
        }
        // Give the woken agent time to act on what it read, then every node must answer v2.
        AgentCluster.await(Duration.ofSeconds(20), () -> AgentCluster.ok(leader, "/healthz"), leader + " answering");
        Thread.sleep(1000);
        for (AgentProcess p : c.nodes) {
          assertThat(p.get(key).body()).as("round " + round + ", " + p.name + "\n" + c.logs()).isEqualTo("v2\n");
        }
      }
    }
  }

  /**
   * PUTs until the write is acknowledged, as a client does after a definite failure: while the
   * cluster elects a new leader, a PUT that reaches no leader within the agent's bound (8 s from
   * arrival; a loaded machine can take that long) is answered 504 and wrote nothing, and one
   * whose outcome is unknown may only have written the same value. Gives up after 40 s.
   */
  static void acknowledged(AgentProcess node, String key, String value, String what) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    StringBuilder refused = new StringBuilder();
    while (true) {
      var put = node.put(key, value);
      if (put.statusCode() == 200) {
        assertThat(put.body()).isEqualTo("done\n");
        return;
      }
      refused.append(put.statusCode()).append(' ').append(put.body().strip()).append('\n');
      assertThat(put.statusCode()).as(what + ": a PUT is refused only as not done in time\n" + refused).isIn(503, 504);
      assertThat(System.nanoTime()).as(what + ": no PUT acknowledged within 40 s\n" + refused).isLessThan(end);
      Thread.sleep(200);
    }
  }
}
