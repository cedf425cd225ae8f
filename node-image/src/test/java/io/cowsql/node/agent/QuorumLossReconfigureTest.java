package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.BothEngines;
import io.cowsql.testing.SystemTier;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quorum loss recovered through the agent's HTTP API alone, on real agents and engines: two of three nodes are killed,
 * the survivor's engine is stopped for a plan, its dir reconfigured to itself alone (once: asked again, nothing runs),
 * and the agent, restarted as the template of the next epoch, leads alone with every write acknowledged before.
 */
@SystemTier
@BothEngines
class QuorumLossReconfigureTest {
  @TempDir
  Path tmp;

  @Test
  void theSurvivorReconfiguredToItselfOnceLeadsAloneAtTheNextEpochWithEveryAcknowledgedWrite() throws Exception {
    try (AgentCluster c = new AgentCluster(tmp)) {
      // The stop hands over first if the survivor still thinks it leads: bounded, as no quorum answers.
      c.common.addAll(List.of("--shutdown-timeout", "6s"));
      for (int i = 1; i <= 3; i++) {
        Path f = tmp.resolve("node" + i + ".annotations");
        EpochFenceAtStartTest.annotate(f, null, null);
        c.add(List.of("--failure-domain-file", f.toString())).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, 3);

      // The survivor is the leader the writes went through: its log holds every write it acknowledged.
      AgentProcess survivor = c.awaitLeader(Duration.ofSeconds(30));
      Map<String, String> acked = new LinkedHashMap<>();
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> r = survivor.put("/before-" + i, "v" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        acked.put("before-" + i, "v" + i);
      }
      for (AgentProcess p : c.nodes) {
        if (p != survivor) {
          p.kill9();
        }
      }
      assertThat(survivor.put("/during-loss", "never").statusCode()).as("no quorum, no write").isNotEqualTo(200);

      // Stop for plan p1; the dir still lists all three.
      HttpResponse<String> stop = DataDirEndpointTest.post(survivor, "/datadir/stop?plan=p1");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      Map<String, Object> stopped = Json.parseObject(stop.body());
      assertThat(DataDirEndpointTest.configurationIds(stopped)).hasSize(3);
      long stoppedIndex = DataDirEndpointTest.index(stopped);

      // Reconfigure to itself alone as voter: run once.
      String selfHex = RemovedMemberVolumeTest.id(survivor);
      Member alone = new Member(Long.parseUnsignedLong(selfHex, 16), survivor.address, MemberRole.VOTER);
      String target = QuorumLossReconfigureRefusalTest.body(alone);
      HttpResponse<String> first = QuorumLossReconfigureRefusalTest.reconfigure(survivor, "?plan=p1", target);
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      Map<String, Object> firstDoc = Json.parseObject(first.body());
      assertThat(firstDoc.get("reconfigured")).isEqualTo(true);
      assertThat(QuorumLossReconfigureRefusalTest.configuration(firstDoc)).containsExactly(alone);
      long reconfiguredIndex = DataDirEndpointTest.index(firstDoc);
      assertThat(reconfiguredIndex).isGreaterThan(stoppedIndex);

      // Asked again (an operator retrying after a lost answer): nothing run twice, the log as the first left it.
      HttpResponse<String> second = QuorumLossReconfigureRefusalTest.reconfigure(survivor, "?plan=p1", target);
      assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
      Map<String, Object> secondDoc = Json.parseObject(second.body());
      assertThat(secondDoc.get("reconfigured")).isEqualTo(false);
      assertThat(DataDirEndpointTest.index(secondDoc)).isEqualTo(reconfiguredIndex);
      assertThat(DataDirReader.inspect(survivor.dir).lastEntry().index()).isEqualTo(reconfiguredIndex);

      // GET /datadir lists only itself.
      Map<String, Object> report = DataDirEndpointTest.dataDir(survivor);
      assertThat(report.get("engineStopped")).isEqualTo(true);
      assertThat(QuorumLossReconfigureRefusalTest.configuration(report)).containsExactly(alone);
      assertThat(DataDirReader.inspect(survivor.dir).configuration()).containsExactly(alone);

      // Restarted as the template of epoch 1: it leads alone and serves every write acknowledged before the loss.
      assertThat(survivor.terminate(Duration.ofSeconds(30))).as(survivor.logText()).isZero();
      EpochFenceAtStartTest.annotate(tmp.resolve(survivor.name + ".annotations"), 1L, selfHex);
      survivor.start();
      ClusterWaits.await(c, Duration.ofSeconds(90), () -> AgentCluster.ok(survivor, "/readyz"), survivor + " ready alone at epoch 1");
      assertThat(RemovedMemberVolumeTest.id(survivor)).isEqualTo(selfHex);
      assertThat(survivor.status().get("epoch")).isEqualTo(1);
      assertThat(c.leader()).isSameAs(survivor);
      assertThat(RemovedMemberVolumeTest.ids(RemovedMemberVolumeTest.cluster(survivor))).containsExactly(selfHex);
      for (Map.Entry<String, String> e : acked.entrySet()) {
        HttpResponse<String> r = survivor.get("/" + e.getKey());
        assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
        assertThat(r.body()).as(e.getKey()).isEqualTo(e.getValue() + "\n");
      }
      HttpResponse<String> after = survivor.put("/after-recovery", "w");
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      assertThat(survivor.get("/after-recovery").body()).isEqualTo("w\n");
    }
  }
}
