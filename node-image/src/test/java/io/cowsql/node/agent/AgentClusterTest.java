package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.node.BothEngines;
import io.cowsql.node.TestEngine;
import io.cowsql.testing.SystemTier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance: three agents, each its own process, on the engine of this test run ({@link TestEngine}). */
@SystemTier
@BothEngines
class AgentClusterTest {
  @TempDir Path tmp;

  @Test
  void threeAgentsJoinAndAValuePutOnOneReadsBackOnEvery() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      AgentCluster.await(Duration.ofSeconds(30), () -> {
        try {
          return c.roles().values().stream().filter("voter"::equals).count() == 3;
        } catch (Exception e) {
          return false;
        }
      }, "three voters");
      AgentProcess writer = c.nodes.get(1);
      assertThat(writer.put("/greeting", "hello world").body()).isEqualTo("done\n");
      for (AgentProcess p : c.nodes) {
        var r = p.get("/greeting");
        assertThat(r.statusCode()).as(p.name).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello world\n");
      }
      assertThat(c.nodes.get(2).get("/missing").body()).isEqualTo("Error: sql: no rows in result set\n");
      assertThat(c.nodes.get(0).get("/healthz").statusCode()).isEqualTo(200);

      Map<String, Object> st = c.nodes.get(2).status();
      assertThat(st.get("address")).isEqualTo(c.nodes.get(2).address);
      assertThat(st.get("role")).isEqualTo("voter");
      assertThat(st.get("joined")).isEqualTo(true);
      assertThat(st.get("leader")).isNotNull();
      @SuppressWarnings("unchecked")
      Map<String, Object> engine = (Map<String, Object>) st.get("engine");
      assertThat(engine.get("name")).isEqualTo(TestEngine.expected());
      assertThat(engine).containsKeys("version", "capabilities", "library");
      String metrics = c.nodes.get(0).get("/metrics").body();
      assertThat(metrics).contains("cowsql_node_up 1").contains("cowsql_cluster_members 3").contains("cowsql_engine_info{");

      // The engine's own Go shell (go-cowsql's cowsql, or go-dqlite's dqlite: written by others)
      // sees the same configuration as the Java client.
      List<String> addrs = new ArrayList<>();
      c.nodes.forEach(p -> addrs.add(p.address));
      String goShell = TestEngine.isCowsql() ? "cowsql" : "dqlite";
      Process shell = new ProcessBuilder(goShell, "-s", String.join(",", addrs), "demo", ".cluster").redirectErrorStream(true).start();
      String goOut = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(shell.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(shell.exitValue()).as(goOut).isZero();
      TreeSet<String> go = new TreeSet<>();
      for (String line : goOut.split("\n")) {
        if (!line.isBlank()) {
          go.add(line.trim());
        }
      }
      TreeSet<String> java = new TreeSet<>();
      try (CowsqlClient cl = CowsqlClient.findLeader(addrs, ClientOptions.defaults())) {
        for (NodeInfo n : cl.cluster()) {
          java.add(Long.toHexString(n.id()) + "|" + n.address() + "|" + n.role().label());
        }
      }
      assertThat(go).as(goShell + " shell .cluster").isEqualTo(java).hasSize(3);
    }
  }

  @Test
  void killNineOfTheLeaderLosesNoAcknowledgedWrite() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      awaitVoters(c, 3);
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(20));
      AgentProcess target = c.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
      long killedAt;
      KvWriter w = new KvWriter(target, "k9", 100_000).start();
      try {
        Thread.sleep(1500);
        leader.kill9();
        killedAt = System.nanoTime();
        AgentCluster.await(Duration.ofSeconds(20), () -> w.firstAckAfter(killedAt + 100_000_000L) > 0, "a write acknowledged after the kill");
        Thread.sleep(1500);
      } finally {
        w.close();
      }
      long recoveredMs = (w.firstAckAfter(killedAt + 100_000_000L) - killedAt) / 1_000_000L;
      System.out.println("kill -9 of the leader: key/value API answered again after " + recoveredMs + " ms; acked " + w.acked.size() + ", failed " + w.failures.size());
      assertThat(recoveredMs).as("key/value API answers again within 5 s").isLessThan(5000);
      AgentProcess newLeader = c.awaitLeader(Duration.ofSeconds(10));
      assertThat(newLeader).isNotSameAs(leader);
      assertThat(w.acked).isNotEmpty();
      for (Map.Entry<String, String> e : w.acked.entrySet()) {
        var r = target.get("/" + e.getKey());
        assertThat(r.statusCode()).as("acknowledged " + e.getKey()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(e.getValue() + "\n");
      }
    }
  }

  @Test
  void sigtermOfTheLeaderHandsOverAndExitsZeroWithoutAFailedRequest() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      awaitVoters(c, 3);
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(20));
      AgentProcess target = c.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
      KvWriter w = terminateLeaderUnderWrites(leader, target, "SIGTERM of the leader of 3 voters");
      AgentProcess newLeader = c.awaitLeader(Duration.ofSeconds(10));
      assertThat(newLeader).isNotSameAs(leader);
      for (Map.Entry<String, String> e : w.acked.entrySet()) {
        assertThat(target.get("/" + e.getKey()).body()).isEqualTo(e.getValue() + "\n");
      }
    }
  }

  @Test
  void sigtermOfAVoterPromotesAStandbyAndDemotesItself() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 4)) {
      AgentCluster.await(Duration.ofSeconds(30), () -> {
        try {
          Map<String, String> r = c.roles();
          return r.values().stream().filter("voter"::equals).count() == 3 && r.values().stream().filter("standby"::equals).count() == 1;
        } catch (IOException | InterruptedException e) {
          return false;
        }
      }, "3 voters and 1 standby");
      Map<String, String> before = c.roles();
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(20));
      String standby = before.entrySet().stream().filter(e -> e.getValue().equals("standby")).map(Map.Entry::getKey).findFirst().orElseThrow();
      AgentProcess survivor = c.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
      terminateLeaderUnderWrites(leader, survivor, "SIGTERM of the leader of 3 voters and a standby");
      // The standby took the stopped leader's vote and the stopped leader is a spare: 3 voters again.
      Map<String, String> after = c.roles();
      assertThat(after).as("roles right after the exit, before: " + before).containsEntry(standby, "voter").containsEntry(leader.name, "spare");
      assertThat(after.values().stream().filter("voter"::equals).count()).isEqualTo(3);
    }
  }

  /**
   * SIGTERM of the leader while a writer puts keys through {@code survivor}: the leader exits 0,
   * hands over (see {@link #assertHandedOver}), and not one request fails. Returns the writer.
   */
  static KvWriter terminateLeaderUnderWrites(AgentProcess leader, AgentProcess survivor, String what) throws Exception {
    int exit;
    NodeInfo followedAtExit;
    KvWriter w = new KvWriter(survivor, "term", 100_000).start();
    try {
      Thread.sleep(1500);
      exit = leader.terminate(Duration.ofSeconds(30));
      followedAtExit = leaderSeenBy(survivor);
      Thread.sleep(1500);
    } finally {
      w.close();
    }
    System.out.println(what + ": exit " + exit + "; acked " + w.acked.size() + ", failed " + w.failures + "; at its exit " + survivor.name
        + " followed " + followedAtExit + "; the leader said: " + handoverLines(leader));
    assertThat(exit).as(leader.logText()).isZero();
    assertHandedOver(leader, survivor, followedAtExit);
    assertThat(w.failures).as("requests that failed").isEmpty();
    return w;
  }

  /** What the agent logged about its handover, for the test's output (the assertions check the cluster). */
  static List<String> handoverLines(AgentProcess p) {
    return p.logText().lines().filter(l -> l.contains("handover")).map(l -> l.substring(l.indexOf(": ") + 2)).toList();
  }

  /** The leader a node's engine follows now (asked over the wire), or null. */
  static NodeInfo leaderSeenBy(AgentProcess p) {
    try (CowsqlClient cl = CowsqlClient.connect(p.address, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(2)))) {
      NodeInfo l = cl.leader();
      return l.isKnown() ? l : null;
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Leadership was handed over, not lost: the moment the old leader's process has exited, a
   * survivor already follows another node. (Had the leader just died, the survivor would still
   * name it, or nobody, until an election timeout passed.)
   */
  static void assertHandedOver(AgentProcess oldLeader, AgentProcess survivor, NodeInfo followedAtExit) {
    assertThat(followedAtExit).as("the leader " + survivor.name + " followed when the old leader exited\n" + oldLeader.logText()).isNotNull();
    assertThat(followedAtExit.address()).as("the leader " + survivor.name + " followed when the old leader exited\n" + oldLeader.logText()).isNotEqualTo(oldLeader.address);
  }

  static void awaitVoters(AgentCluster c, int n) throws InterruptedException {
    AgentCluster.await(Duration.ofSeconds(30), () -> {
      try {
        return c.roles().values().stream().filter("voter"::equals).count() == n;
      } catch (IOException | InterruptedException e) {
        return false;
      }
    }, n + " voters");
  }
}
