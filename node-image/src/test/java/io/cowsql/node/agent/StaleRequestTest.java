package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.testing.SystemTier;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  /**
   * How long past the agent's bound (from the moment the late PUT was sent) the long pause lasts. Any
   * margin is enough: the woken agent dates the request's arrival back to the start of the stall,
   * which came before the send.
   */
  static final long PAST_THE_BOUND_MILLIS = 500;

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
        long refusedBefore = staleRequests(leader);
        long t0 = System.nanoTime();
        Signals.stop(leader);
        Socket late = RawHttp.open(leader.http, CLIENT_TIMEOUT_MILLIS);
        long tGaveUp;
        long tAcked;
        try {
          byte[] v1 = "v1".getBytes(StandardCharsets.UTF_8);
          if (hangUp) {
            RawHttp.write(late, "PUT", key, leader.http, v1);
          } else {
            RawHttp.write(late, "PUT", key, leader.http, v1, "Cowsql-Deadline: " + (System.currentTimeMillis() + CLIENT_TIMEOUT_MILLIS));
          }
          // Meanwhile a reader of the key on the other node: its first attempt waits out the stopped leader, and
          // that node's client follows the new one from then on, while the late client still waits.
          CompletableFuture<HttpResponse<String>> reader = CompletableFuture.supplyAsync(() -> {
            try {
              return other.get(key);
            } catch (Exception e) {
              throw new CompletionException(e);
            }
          });
          assertThatThrownBy(() -> RawHttp.read(late.getInputStream(), false)).isInstanceOf(SocketTimeoutException.class);
          if (hangUp) {
            late.close();
          }
          tGaveUp = System.nanoTime();
          assertThat(reader.get(30, TimeUnit.SECONDS).body()).as("round " + round + ": the reader meanwhile").isNotEqualTo("v1\n");
          acknowledged(other, key, "v2", "round " + round);
          tAcked = System.nanoTime();
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
        long tResumed = System.nanoTime();
        AgentCluster.await(Duration.ofSeconds(20), () -> AgentCluster.ok(leader, "/healthz"), leader + " answering");
        awaitRefused(c, leader, refusedBefore, "round " + round);
        long tRefused = System.nanoTime();
        for (AgentProcess p : c.nodes) {
          assertThat(value(p, key)).as("round " + round + ", " + p.name + "\n" + c.logs()).isEqualTo("v2\n");
        }
        System.out.println("round " + round + (hangUp ? " (hung up)" : " (deadline)") + ": client gave up " + ms(tGaveUp - t0)
            + " ms after the stop, v2 acknowledged " + ms(tAcked - tGaveUp) + " ms later, late PUT refused " + ms(tRefused - tResumed)
            + " ms after the resume, round " + ms(System.nanoTime() - t0) + " ms");
      }
    }
  }

  /**
   * The long pause: the leader stays stopped well past the agent's own bound ({@link
   * KeyValueStore#REQUEST_BOUND}, from the request's arrival), and the client neither hangs up nor
   * sends a deadline, so only that bound stops the write. When the agent wakes it reads the request
   * for the first time, dates its arrival back to before the stall, and answers 504 without running
   * it: the value acknowledged meanwhile through another node stays on every node.
   */
  @Test
  void aRequestToALeaderStoppedLongerThanTheAgentsBoundIsNotRunEvenIfItsClientStillWaits() throws Exception {
    long bound = KeyValueStore.REQUEST_BOUND.toMillis();
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      ClusterWaits.voters(c, 3);
      for (int round = 0; round < 3; round++) {
        String key = "/long" + round;
        AgentProcess leader = c.awaitLeader(Duration.ofSeconds(30));
        AgentProcess other = c.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
        long refusedBefore = staleRequests(leader);
        long t0 = System.nanoTime();
        Signals.stop(leader);
        Socket late = RawHttp.open(leader.http, 60_000);
        long sent;
        try {
          RawHttp.write(late, "PUT", key, leader.http, "v1".getBytes(StandardCharsets.UTF_8));
          sent = System.nanoTime();
          acknowledged(other, key, "v2", "round " + round);
          long left = bound + PAST_THE_BOUND_MILLIS - (System.nanoTime() - sent) / 1_000_000L;
          if (left > 0) {
            Thread.sleep(left);
          }
        } finally {
          Signals.resume(leader);
        }
        RawHttp.Answer a = RawHttp.read(late.getInputStream(), false);
        late.close();
        assertThat(a.status()).as("round " + round + ": " + a.body()).isEqualTo(504);
        assertThat(a.body()).as("round " + round).contains("not executed").contains("within " + bound + " ms");
        AgentCluster.await(Duration.ofSeconds(20), () -> AgentCluster.ok(leader, "/healthz"), leader + " answering");
        awaitRefused(c, leader, refusedBefore, "round " + round);
        for (AgentProcess p : c.nodes) {
          assertThat(value(p, key)).as("round " + round + ", " + p.name + "\n" + c.logs()).isEqualTo("v2\n");
        }
        System.out.println("round " + round + " (long pause): round " + ms(System.nanoTime() - t0) + " ms");
      }
    }
  }

  /** The late PUTs {@code p} answered 504 "not executed" so far ({@code cowsql_kv_stale_total} of its {@code /metrics}). */
  static long staleRequests(AgentProcess p) throws Exception {
    HttpResponse<String> r = p.get("/metrics");
    assertThat(r.statusCode()).as("/metrics of " + p).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^cowsql_kv_stale_total (\\d+)$").matcher(r.body());
    assertThat(m.find()).as("cowsql_kv_stale_total in /metrics of " + p + "\n" + r.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * Until the woken leader has refused the late PUT as not executed (its 504 count went up): from then on it
   * will never run it, so what every node answers next is final.
   */
  static void awaitRefused(AgentCluster c, AgentProcess leader, long refusedBefore, String what) throws InterruptedException {
    ClusterWaits.await(c, Duration.ofSeconds(20), () -> {
      try {
        return staleRequests(leader) > refusedBefore;
      } catch (Exception e) {
        return false;
      }
    }, what + ": " + leader + " refusing the late PUT as not executed (cowsql_kv_stale_total above " + refusedBefore + ")");
  }

  /**
   * What {@code p} answers for {@code key}, asked again after a 504 "not executed" (nothing was read): a GET that
   * the woken agent reads within moments of the stall's end may have arrived during it, so it is dated back to
   * the stall's start and, after a pause past the bound, refused. Gives up after 20 s.
   */
  static String value(AgentProcess p, String key) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      HttpResponse<String> r = p.get(key);
      if (r.statusCode() != 504 || !r.body().contains("not executed") || System.nanoTime() > end) {
        return r.body();
      }
      Thread.sleep(100);
    }
  }

  static long ms(long nanos) {
    return nanos / 1_000_000L;
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
