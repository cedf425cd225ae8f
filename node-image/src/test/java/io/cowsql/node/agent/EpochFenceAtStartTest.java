package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.Annotations;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The epoch fence as the agent applies it at start, with real agents and engines: the epoch and the template come from
 * the pod's annotations file; a dir of an older epoch is set aside before its engine ever opens it and the node joins
 * as new; the template starts on its dir at the new epoch; a dir newer than the epoch the pod was given is not touched.
 */
@SystemTier
class EpochFenceAtStartTest {
  @TempDir
  Path tmp;

  static void annotate(Path file, Long epoch, String template) throws Exception {
    StringBuilder sb = new StringBuilder(Annotations.FAILURE_DOMAIN + "=\"1\"\n");
    if (epoch != null) {
      sb.append(Annotations.EPOCH).append("=\"").append(epoch).append("\"\n");
    }
    if (template != null) {
      sb.append(Annotations.EPOCH_TEMPLATE).append("=\"").append(template).append("\"\n");
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Every file of a dir with its size: what the engine would change by opening the dir (it closes open segments). */
  static Map<String, Long> files(Path dir) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().equals(io.cowsql.node.DataDirLock.FILE)) {
          m.put(p.getFileName().toString(), Files.size(p));
        }
      }
    }
    return m;
  }

  @Test
  void anOlderDirIsSetAsideUnopenedTheTemplateStartsAtTheNewEpochAndANewerDirIsLeftAlone() throws Exception {
    try (AgentCluster c = new AgentCluster(tmp)) {
      for (int i = 1; i <= 3; i++) {
        Path f = tmp.resolve("node" + i + ".annotations");
        annotate(f, null, null);
        c.add(List.of("--failure-domain-file", f.toString())).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, 3);
      AgentProcess n1 = c.nodes.get(0);
      AgentProcess n2 = c.nodes.get(1);
      AgentProcess n3 = c.nodes.get(2);
      Path a2 = tmp.resolve("node2.annotations");
      Path a3 = tmp.resolve("node3.annotations");
      assertThat(n1.put("/written-at-epoch-0", "v").statusCode()).isEqualTo(200);
      assertThat(n3.status().get("epoch")).isEqualTo(0);

      // The template of epoch 1 starts on its data, with its id, and records the new epoch.
      String id2 = RemovedMemberVolumeTest.id(n2);
      n2.terminate(Duration.ofSeconds(30));
      annotate(a2, 1L, id2);
      n2.start();
      ClusterWaits.await(c, Duration.ofSeconds(60), () -> AgentCluster.ok(n2, "/readyz"), n2 + " ready at epoch 1");
      assertThat(RemovedMemberVolumeTest.id(n2)).isEqualTo(id2);
      assertThat(n2.status().get("epoch")).isEqualTo(1);
      assertThat(RemovedMemberVolumeTest.setAside(n2)).isEmpty();
      assertThat(Identity.read(n2.dir).epoch()).isEqualTo(1);

      // A dir of epoch 0 at epoch 1, not the template: set aside before the engine opened it, the node joins as new.
      String oldId = RemovedMemberVolumeTest.id(n3);
      n3.terminate(Duration.ofSeconds(30));
      Map<String, Long> before = files(n3.dir);
      LastEntry lastBefore = DataDirReader.lastEntry(n3.dir);
      annotate(a3, 1L, id2);
      n3.start();
      ClusterWaits.await(c, Duration.ofSeconds(90), () -> AgentCluster.ok(n3, "/readyz"), n3 + " ready as a new node");
      String newId = RemovedMemberVolumeTest.id(n3);
      assertThat(newId).isNotEqualTo(oldId);
      assertThat(n3.status().get("epoch")).isEqualTo(1);
      List<Map<String, Object>> aside = RemovedMemberVolumeTest.setAside(n3);
      assertThat(aside).hasSize(1);
      Path to = Path.of((String) aside.get(0).get("to"));
      assertThat(to.getFileName().toString()).startsWith(n3.dir.getFileName() + ".epoch0-");
      assertThat((String) aside.get(0).get("why")).contains("epoch 0", "epoch 1", "not the recovery's template");
      assertThat(files(to)).isEqualTo(before);
      assertThat(DataDirReader.lastEntry(to)).isEqualTo(lastBefore);
      assertThat(Identity.read(to).epoch()).isZero();
      assertThat(Identity.read(n3.dir).epoch()).isEqualTo(1);
      // Its former self held the address: it was replaced through the leader, and the new node serves the data.
      assertThat(RemovedMemberVolumeTest.ids(RemovedMemberVolumeTest.cluster(n1, n2))).contains(newId).doesNotContain(oldId);
      assertThat(n3.get("/written-at-epoch-0").body()).isEqualTo("v\n");

      // A dir of epoch 1 given epoch 0 (the pod's view is stale): refused, nothing changed.
      n2.terminate(Duration.ofSeconds(30));
      Map<String, Long> template = files(n2.dir);
      annotate(a2, 0L, null);
      n2.start();
      assertThat(n2.waitForExit(Duration.ofSeconds(60))).as(n2.logText()).isEqualTo(Agent.EXIT_REFUSED);
      assertThat(n2.logText()).contains("records epoch 1, newer than the cluster's epoch 0");
      assertThat(files(n2.dir)).isEqualTo(template);
      try (Stream<Path> s = Files.list(tmp)) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("node2.epoch"));
      }

      // A value that is not an epoch: exit 2 naming the key.
      Files.writeString(a2, Annotations.FAILURE_DOMAIN + "=\"1\"\n" + Annotations.EPOCH + "=\"one\"\n", StandardCharsets.UTF_8);
      n2.start();
      assertThat(n2.waitForExit(Duration.ofSeconds(60))).isEqualTo(Agent.EXIT_CONFIG);
      assertThat(n2.logText()).contains(Annotations.EPOCH + " must be a whole number of 0 or more, got 'one'");

      // Given its epoch, it starts on its data again.
      annotate(a2, 1L, null);
      n2.start();
      ClusterWaits.await(c, Duration.ofSeconds(60), () -> AgentCluster.ok(n2, "/readyz"), n2 + " ready at epoch 1 again");
      assertThat(RemovedMemberVolumeTest.id(n2)).isEqualTo(id2);
    }
  }
}
