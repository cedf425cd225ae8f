package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.testing.SystemTier;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running node that the configuration no longer lists is not ready, and says why and what to do. */
@SystemTier
class NotAMemberTest {
  @TempDir
  Path tmp;

  @Test
  void aNodeRemovedFromTheConfigurationSaysInReadyzAndStatusThatItIsNotAMemberAndHowToRejoin() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 4)) {
      ClusterWaits.voters(c, 3);
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(30));
      // The node without a vote: removing it leaves the voters and their quorum as they are.
      AgentProcess removed = c.nodes.stream().filter(p -> !"voter".equals(role(p))).findFirst().orElseThrow();
      String hexId = (String) removed.status().get("id");
      try (CowsqlClient admin = CowsqlClient.findLeader(List.of(leader.address), ClientOptions.defaults())) {
        admin.remove(Long.parseUnsignedLong(hexId, 16));
      }
      ClusterWaits.await(c, Duration.ofSeconds(30), () -> {
        try {
          return removed.get("/readyz").statusCode() == 503;
        } catch (Exception e) {
          return false;
        }
      }, removed + " not ready once removed");
      HttpResponse<String> readyz = removed.get("/readyz");
      assertThat(readyz.body()).contains("not a member of the configuration")
          .contains("does not list node " + hexId)
          .contains("move the dir away so the node joins as new");
      assertThat(removed.status().get("notReadyReason")).isEqualTo(readyz.body().strip());
      assertThat(removed.status().get("ready")).isEqualTo(false);
      // The members still listed keep serving.
      for (AgentProcess p : c.nodes) {
        if (p != removed) {
          assertThat(AgentCluster.ok(p, "/readyz")).as(p + " ready").isTrue();
        }
      }
    }
  }

  static String role(AgentProcess p) {
    try {
      return (String) p.status().get("role");
    } catch (Exception e) {
      return null;
    }
  }
}
