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

  @Test
  void afterTheLeaderStopsWritesThroughAFollowerGoToTheNewLeaderWithoutWaitingOnTheOldOneAgain() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      ClusterWaits.voters(c, 3);
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(30));
      List<AgentProcess> followers = c.nodes.stream().filter(p -> p != leader).toList();
      AgentProcess via = followers.get(0);
      AgentProcess watcher = followers.get(1);
      String oldId = leaderId(watcher);
      List<Write> writes = new CopyOnWriteArrayList<>();
      List<Thread> writers = new ArrayList<>();
      long[] stopAt = {Long.MAX_VALUE};
      for (int w = 0; w < 4; w++) {
        int n = w;
        Thread t = new Thread(() -> {
          for (int i = 0; System.nanoTime() < stopAt[0]; i++) {
            long t0 = System.nanoTime();
            try {
              HttpResponse<String> r = via.put("/w" + n + "-" + i, "v");
              writes.add(new Write(t0, System.nanoTime(), r.statusCode() == 200, r.body().trim()));
            } catch (Exception e) {
              writes.add(new Write(t0, System.nanoTime(), false, e.toString()));
            }
          }
        });
        t.setDaemon(true);
        t.start();
        writers.add(t);
      }
      Thread.sleep(2000);
      Signals.stop(leader);
      long stoppedAt = System.nanoTime();
      try {
        AgentCluster.await(Duration.ofSeconds(30), () -> {
          String id = leaderId(watcher);
          return id != null && !id.equals(oldId);
        }, "a new leader");
        // The first acknowledged write after the stop: from then on the pool knows the old leader failed.
        AgentCluster.await(Duration.ofSeconds(30), () -> writes.stream().anyMatch(x -> x.ok() && x.start() > stoppedAt), "a write acknowledged after the stop");
        long firstAck = writes.stream().filter(x -> x.ok() && x.start() > stoppedAt).mapToLong(Write::end).min().orElseThrow();
        Thread.sleep(5000);
        stopAt[0] = System.nanoTime();
        for (Thread t : writers) {
          t.join(20_000);
        }
        List<Write> later = writes.stream().filter(x -> x.start() > firstAck).toList();
        assertThat(later).isNotEmpty();
        assertThat(later).as("writes started after the first acknowledgement following the stop\n" + c.logs())
            .allSatisfy(x -> {
              assertThat(x.ok()).as(x.what()).isTrue();
              // A write takes milliseconds; one that waited on the stopped node takes its request timeout (5 s).
              assertThat((x.end() - x.start()) / 1_000_000L).as(x.what()).isLessThan(2500);
            });
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
        // The bound is a deadline: the answer comes by then (plus scheduling and one HTTP round trip).
        assertThat(took).as(method + " took, for a bound of " + bound + " ms: " + r.body()).isLessThanOrEqualTo(bound + 1500);
      }
    }
  }
}
