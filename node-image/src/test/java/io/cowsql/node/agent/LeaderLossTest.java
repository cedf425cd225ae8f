package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the key/value API does when the leader goes away: follow the new one at once, or fail within the bound it states. */
@SystemTier
class LeaderLossTest {
  @TempDir
  Path tmp;

  /** One write: when it started and ended (System.nanoTime), and whether it was acknowledged. */
  record Write(long start, long end, boolean ok, String what) {}

  @SuppressWarnings("unchecked")
  static String leaderId(AgentProcess p) {
    try {
      Map<String, Object> l = (Map<String, Object>) p.status().get("leader");
      return l == null ? null : (String) l.get("id");
    } catch (Exception e) {
      return null;
    }
  }

  /** The statements {@code p}'s key/value store sent to {@code node}, from its {@code /metrics}. */
  static long statementsSent(AgentProcess p, String node) throws Exception {
    HttpResponse<String> r = p.get("/metrics");
    assertThat(r.statusCode()).as("/metrics of " + p).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^cowsql_kv_statements_sent_total\\{node=\"" + Pattern.quote(node) + "\"\\} (\\d+)$").matcher(r.body());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /**
   * The defect: after the leader stopped, each follower's pooled connections to it were used in
   * turn, every one waiting out a timeout, so writes kept going to the old leader for seconds. Now
   * the first failure drops it for every pooled session: counted on the wire, each follower's store
   * sends the stopped leader at most one statement after it stopped (the one in flight, if any),
   * and every write from the first acknowledgement on is acknowledged, by the new leader.
   */
  @Test
  void afterTheLeaderStopsWritesThroughAFollowerGoToTheNewLeaderWithoutWaitingOnTheOldOneAgain() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      ClusterWaits.voters(c, 3);
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(30));
      List<AgentProcess> followers = c.nodes.stream().filter(p -> p != leader).toList();
      AgentProcess watcher = followers.get(1);
      String oldId = leaderId(watcher);
      List<Write> writes = new CopyOnWriteArrayList<>();
      List<Thread> writers = new ArrayList<>();
      AtomicBoolean stopping = new AtomicBoolean();
      // Three writers through each follower: each follower's pool holds several connections to the leader.
      for (int w = 0; w < 6; w++) {
        int n = w;
        AgentProcess via = followers.get(w % 2);
        Thread t = new Thread(() -> {
          for (int i = 0; !stopping.get(); i++) {
            long t0 = System.nanoTime();
            try {
              HttpResponse<String> r = via.put("/w" + n + "-" + i, "v");
              writes.add(new Write(t0, System.nanoTime(), r.statusCode() == 200, via + ": " + r.body().trim()));
            } catch (Exception e) {
              writes.add(new Write(t0, System.nanoTime(), false, via + ": " + e));
            }
          }
        });
        t.setDaemon(true);
        t.start();
        writers.add(t);
      }
      AgentCluster.await(Duration.ofSeconds(30), () -> writes.stream().filter(Write::ok).count() >= 200, "200 writes before the stop");
      Signals.stop(leader);
      long stoppedAt = System.nanoTime();
      Map<AgentProcess, Long> sentBefore = new java.util.HashMap<>();
      for (AgentProcess f : followers) {
        sentBefore.put(f, statementsSent(f, leader.address));
      }
      try {
        AgentCluster.await(Duration.ofSeconds(30), () -> {
          String id = leaderId(watcher);
          return id != null && !id.equals(oldId);
        }, "a new leader");
        AgentCluster.await(Duration.ofSeconds(30), () -> writes.stream().anyMatch(x -> x.ok() && x.start() > stoppedAt), "a write acknowledged after the stop");
        long firstAck = writes.stream().filter(x -> x.ok() && x.start() > stoppedAt).mapToLong(Write::end).min().orElseThrow();
        AgentCluster.await(Duration.ofSeconds(60), () -> writes.stream().filter(x -> x.start() > firstAck).count() >= 200,
            "200 writes after the first acknowledgement following the stop");
        stopping.set(true);
        for (Thread t : writers) {
          t.join(20_000);
        }
        @SuppressWarnings("unchecked")
        String newAddress = (String) ((Map<String, Object>) watcher.status().get("leader")).get("address");
        for (AgentProcess f : followers) {
          long toOld = statementsSent(f, leader.address) - sentBefore.get(f);
          assertThat(toOld).as("statements " + f + " sent to the stopped leader " + leader.address + " after it stopped\n" + f.get("/metrics").body())
              .isLessThanOrEqualTo(1);
          if (!newAddress.equals(f.address)) {
            assertThat(statementsSent(f, newAddress)).as(f + " sent statements to the new leader " + newAddress).isPositive();
          }
        }
        List<Write> later = writes.stream().filter(x -> x.start() > firstAck).toList();
        assertThat(later).as("writes started after the first acknowledgement following the stop\n" + c.logs())
            .allSatisfy(x -> assertThat(x.ok()).as(x.what()).isTrue());
      } finally {
        Signals.resume(leader);
      }
      // The followers logged the change of leader, ids in hex.
      String newId = leaderId(watcher);
      AgentCluster.await(Duration.ofSeconds(10), () -> Pattern.compile("leader changed: from " + oldId + " \\([^)]*\\) to " + newId + " ")
          .matcher(watcher.logText()).find(), "the leader change logged by " + watcher + "\n" + watcher.logText());
    }
  }

  @Test
  void withoutQuorumAKeyValueRequestFailsWithinTheBoundItStates() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      ClusterWaits.voters(c, 3);
      AgentProcess survivor = c.nodes.get(0);
      assertThat(survivor.put("/before", "x").statusCode()).isEqualTo(200);
      c.nodes.get(1).kill9();
      c.nodes.get(2).kill9();
      Thread.sleep(2000);
      long bound = KeyValueStore.REQUEST_BOUND.toMillis();
      for (String method : List.of("GET", "PUT")) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = method.equals("GET") ? survivor.get("/before") : survivor.put("/after", "y");
        long took = (System.nanoTime() - t0) / 1_000_000L;
        assertThat(r.statusCode()).as(method + ": " + r.body()).isEqualTo(503);
        assertThat(r.body()).as(method).contains("within " + bound + " ms");
        // The bound is what the agent promises in its answer ("within 8000 ms"), so keeping it is
        // behaviour, not a speed target: the answer comes by then (plus scheduling and one HTTP round trip).
        assertThat(took).as(method + " took, for a bound of " + bound + " ms: " + r.body()).isLessThanOrEqualTo(bound + 1500);
      }
    }
  }
}
