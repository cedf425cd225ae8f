package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume kept by a scale-down comes back with a later scale-up: the agent restarts on the data of a member the
 * cluster removed. It moves the old data aside inside the volume and joins as a new node, but only on the word of a
 * leader with a quorum; a member the leader lists keeps its data and its id.
 */
@SystemTier
class RemovedMemberVolumeTest {
  @TempDir
  Path tmp;

  static List<NodeInfo> cluster(AgentProcess... through) throws Exception {
    List<String> addresses = Stream.of(through).map(p -> p.address).toList();
    try (CowsqlClient c = CowsqlClient.findLeader(addresses, ClientOptions.defaults())) {
      return c.cluster();
    }
  }

  static List<String> ids(List<NodeInfo> members) {
    return members.stream().map(m -> Long.toHexString(m.id())).toList();
  }

  static String id(AgentProcess p) throws Exception {
    return (String) p.status().get("id");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> setAside(AgentProcess p) throws Exception {
    return (List<Map<String, Object>>) (List<?>) p.status().get("setAside");
  }

  static void removeThroughLeader(String hexId, AgentProcess... through) throws Exception {
    List<String> addresses = Stream.of(through).map(p -> p.address).toList();
    try (CowsqlClient c = CowsqlClient.findLeader(addresses, ClientOptions.defaults())) {
      c.remove(Long.parseUnsignedLong(hexId, 16));
    }
  }

  @Test
  void aRemovedMembersDataIsSetAsideAndTheNodeJoinsAsNewWhileAListedMemberKeepsItsDataAndId() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      AgentProcess n1 = c.nodes.get(0);
      AgentProcess n2 = c.nodes.get(1);
      AgentProcess n3 = c.nodes.get(2);
      assertThat(n1.put("/before-removal", "kept").statusCode()).isEqualTo(200);

      // A member the leader lists restarts on its data, with its id, and moves nothing.
      String id2 = id(n2);
      n2.terminate(Duration.ofSeconds(30));
      n2.start();
      ClusterWaits.await(c, Duration.ofSeconds(60), () -> AgentCluster.ok(n2, "/readyz"), n2 + " ready again");
      assertThat(id(n2)).isEqualTo(id2);
      assertThat(setAside(n2)).isEmpty();
      assertThat(ids(cluster(n1, n2))).contains(id2);

      // Node 3 goes (its pod and the StatefulSet shrink), the leader removes it, its volume is kept.
      String oldId = id(n3);
      n3.terminate(Duration.ofSeconds(30));
      removeThroughLeader(oldId, n1, n2);
      assertThat(ids(cluster(n1, n2))).doesNotContain(oldId);
      Identity oldIdentity = Identity.read(n3.dir);
      assertThat(oldIdentity.joined()).isTrue();

      // Scale-up onto the kept volume: the same address, the same dir.
      n3.start();
      ClusterWaits.await(c, Duration.ofSeconds(90), () -> AgentCluster.ok(n3, "/readyz"), n3 + " ready as a new node");
      String newId = id(n3);
      assertThat(newId).isNotEqualTo(oldId);
      List<NodeInfo> members = cluster(n1, n2);
      assertThat(ids(members)).contains(newId).doesNotContain(oldId);
      assertThat(members.stream().filter(m -> m.address().equals(n3.address)).map(m -> Long.toHexString(m.id())))
          .containsExactly(newId);

      // The old data is kept, whole, next to the data dir inside the volume.
      List<Map<String, Object>> aside = setAside(n3);
      assertThat(aside).hasSize(1);
      Path to = Path.of((String) aside.get(0).get("to"));
      assertThat(to.getParent()).isEqualTo(n3.dir.toAbsolutePath().getParent());
      assertThat(to.getFileName().toString()).startsWith(n3.dir.getFileName() + ".removed-" + oldId + "-");
      assertThat((String) aside.get(0).get("why")).contains("does not list node " + oldId);
      assertThat(Identity.read(to)).isEqualTo(oldIdentity);
      assertThat(Files.exists(to.resolve("metadata1")) || Files.exists(to.resolve("metadata2"))).isTrue();
      assertThat(Identity.read(n3.dir).id()).isEqualTo(Long.parseUnsignedLong(newId, 16));

      // The new node serves the cluster's data, written before it came back.
      assertThat(n3.get("/before-removal").body()).isEqualTo("kept\n");
    }
  }

  @Test
  void withoutALeaderToAskTheRemovedMembersDataIsKeptAndReadyzSaysWhyUntilALeaderWithAQuorumAnswersThenItJoinsAsNew() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      AgentProcess n1 = c.nodes.get(0);
      AgentProcess n2 = c.nodes.get(1);
      AgentProcess n3 = c.nodes.get(2);
      String oldId = id(n3);
      n3.terminate(Duration.ofSeconds(30));
      removeThroughLeader(oldId, n1, n2);
      Identity oldIdentity = Identity.read(n3.dir);

      // Nobody left to ask: the evidence is ambiguous, so the dir stays as it is.
      n1.terminate(Duration.ofSeconds(30));
      n2.terminate(Duration.ofSeconds(30));
      n3.start();
      ClusterWaits.await(c, Duration.ofSeconds(60), () -> AgentCluster.ok(n3, "/healthz"), n3 + " up");
      String why = n3.get("/readyz").body();
      assertThat(n3.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(why).contains("membership not confirmed since start").contains("no leader answered")
          .contains("the data dir is kept as it is");
      assertThat(id(n3)).isEqualTo(oldId);
      assertThat(setAside(n3)).isEmpty();
      assertThat(Identity.read(n3.dir)).isEqualTo(oldIdentity);
      try (Stream<Path> siblings = Files.list(n3.dir.toAbsolutePath().getParent())) {
        assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".removed-"));
      }

      // A leader with a quorum answers again and does not list the node: it stops its engine, sets the data aside
      // and joins as new, without a restart.
      long pid = n3.pid();
      n1.start();
      n2.start();
      ClusterWaits.await(c, Duration.ofSeconds(120), () -> AgentCluster.ok(n3, "/readyz"), n3 + " ready as a new node");
      assertThat(n3.pid()).isEqualTo(pid);
      assertThat(n3.isAlive()).isTrue();
      String newId = id(n3);
      assertThat(newId).isNotEqualTo(oldId);
      assertThat(ids(cluster(n1, n2))).contains(newId).doesNotContain(oldId);
      List<Map<String, Object>> aside = setAside(n3);
      assertThat(aside).hasSize(1);
      assertThat((String) aside.get(0).get("why")).contains("does not list node " + oldId);
      assertThat(Identity.read(Path.of((String) aside.get(0).get("to")))).isEqualTo(oldIdentity);
      assertThat(Identity.read(n3.dir).id()).isEqualTo(Long.parseUnsignedLong(newId, 16));
    }
  }
}
