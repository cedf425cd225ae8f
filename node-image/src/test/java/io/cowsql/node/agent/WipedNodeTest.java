package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node whose data dir was emptied never removes its former self while that is a voter. */
@SystemTier
class WipedNodeTest {
  @TempDir
  Path tmp;

  static Set<String> voters(String address) throws Exception {
    try (CowsqlClient cl = CowsqlClient.connect(address, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(3)))) {
      return cl.cluster().stream().filter(m -> m.role() == Role.VOTER).map(m -> Long.toHexString(m.id()) + "@" + m.address())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static void wipe(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aWipedNodeLeavesItsFormerVoterSelfAloneWhileQuorumIsLostAndReplacesItOnceAQuorumAnswers() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      AgentCluster.await(Duration.ofSeconds(30), () -> {
        try {
          return voters(c.nodes.get(0).address).size() == 3;
        } catch (Exception e) {
          return false;
        }
      }, "three voters");
      AgentProcess survivor = c.nodes.get(0);
      AgentProcess down = c.nodes.get(1);
      AgentProcess wiped = c.nodes.get(2);
      Set<String> before = voters(survivor.address);
      String formerId = (String) wiped.status().get("id");

      // 1 of 3 voters left: no quorum. The wiped node comes back empty at the same address.
      down.kill9();
      wiped.kill9();
      wipe(wiped.dir);
      wiped.start();
      for (int i = 0; i < 20; i++) {
        Thread.sleep(500);
        assertThat(voters(survivor.address)).as("the survivor's voters while quorum is lost\n" + c.logs()).isEqualTo(before);
      }
      assertThat(AgentCluster.ok(wiped, "/readyz")).isFalse();

      // Quorum back: the wiped node has its former self demoted and removed through the leader, and joins as new.
      down.start();
      ClusterWaits.await(c, Duration.ofSeconds(90), () -> AgentCluster.ok(wiped, "/readyz"), "the wiped node ready");
      String newId = (String) wiped.status().get("id");
      assertThat(newId).isNotEqualTo(formerId);
      ClusterWaits.await(c, Duration.ofSeconds(60), () -> {
        try {
          Set<String> v = voters(survivor.address);
          return v.size() == 3 && v.contains(newId + "@" + wiped.address);
        } catch (Exception e) {
          return false;
        }
      }, "the new node a voter");
      try (CowsqlClient cl = CowsqlClient.connect(survivor.address, ClientOptions.defaults())) {
        List<NodeInfo> members = cl.cluster();
        assertThat(members).extracting(m -> Long.toHexString(m.id())).doesNotContain(formerId);
      }
    }
  }

  /**
   * The window between the demotion of the former self and its removal, held open by the test-only
   * fault point for 10 role-policy rounds (500 ms each): the leader probes the former self's
   * address, the new process answers, and the spare looks online. It must never be promoted back (a
   * promotion of a member that does not exist never completes and blocks every later change).
   */
  @Test
  void theLeaderNeverPromotesTheFormerSelfBackWhileTheWipedNodeHoldsItsJoinBetweenDemoteAndRemove() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      AgentProcess survivor = c.nodes.get(0);
      AgentProcess wiped = c.nodes.get(2);
      String formerId = (String) wiped.status().get("id");
      wiped.kill9();
      wipe(wiped.dir);
      try (AgentProcess paused = new AgentProcess(wiped.name, wiped.address, wiped.http, wiped.dir, wiped.log, wiped.args,
          Map.of("JAVA_TOOL_OPTIONS", "-Dcowsql.test.pauseAfterDemoteMillis=5000"))) {
        paused.start();
        List<String> seen = new ArrayList<>();
        boolean demoted = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
          List<NodeInfo> members;
          try (CowsqlClient cl = CowsqlClient.connect(survivor.address, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(3)))) {
            members = cl.cluster();
          } catch (Exception e) {
            members = null;
          }
          if (members != null) {
            String shape = members.stream().map(m -> Long.toHexString(m.id()) + "=" + RolePolicy.name(m.role())).sorted().collect(Collectors.joining(" "));
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(shape)) {
              seen.add(shape);
            }
            Role former = members.stream().filter(m -> Long.toHexString(m.id()).equals(formerId)).map(NodeInfo::role).findFirst().orElse(null);
            if (former == Role.SPARE) {
              demoted = true;
            }
            assertThat(demoted && former == Role.VOTER)
                .as("the former self " + formerId + " promoted back after its demotion; configurations seen: " + seen + "\n" + c.logs() + paused.logText())
                .isFalse();
            long voters = members.stream().filter(m -> m.role() == Role.VOTER).count();
            if (former == null && voters == 3 && members.stream().anyMatch(m -> m.address().equals(wiped.address) && m.role() == Role.VOTER)) {
              break;
            }
          }
          assertThat(System.nanoTime() < deadline)
              .as("the wiped node did not rejoin as a voter within 90 s; configurations seen: " + seen + "\n" + c.logs() + paused.logText())
              .isTrue();
          Thread.sleep(100);
        }
        assertThat(demoted).as("the former self was demoted to spare before it was removed: " + seen).isTrue();
        assertThat(paused.logText()).contains("test fault point: pausing 5000 ms");
        String newId = (String) paused.status().get("id");
        assertThat(newId).isNotEqualTo(formerId);
        assertThat(voters(survivor.address)).contains(newId + "@" + wiped.address).hasSize(3);
      }
    }
  }
}
