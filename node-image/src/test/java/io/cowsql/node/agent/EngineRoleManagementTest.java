package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.BothEngines;
import io.cowsql.node.TestEngine;
import io.cowsql.testing.SystemTier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --role-management engine}: libcowsql runs its own role policy (the agent only watches), so the
 * joining spares become voters without the agent's RolePolicy; libdqlite has no such policy and the agent
 * refuses to start on it (exit 4, the engine's).
 */
@SystemTier
@BothEngines
class EngineRoleManagementTest {

  @Test
  void theEnginesOwnPolicyPromotesTheJoiningNodesOrTheOptionIsRefused(@TempDir Path tmp) throws Exception {
    try (AgentCluster c = new AgentCluster(AgentCluster.mkdirs(tmp))) {
      c.common.addAll(List.of("--role-management", "engine", "--voters", "3", "--standbys", "0"));
      if (!TestEngine.isCowsql()) {
        AgentProcess p = c.add(List.of()).start();
        int exit = p.waitForExit(Duration.ofSeconds(60));
        assertThat(exit).as("exit 4: the engine lacks the function\n" + p.logText()).isEqualTo(Agent.EXIT_ENGINE);
        assertThat(p.logText()).contains("cannot start the node").contains("cannot manage roles itself");
        return;
      }
      for (int i = 0; i < 3; i++) {
        c.add(List.of()).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, 3);
      for (AgentProcess p : c.nodes) {
        assertThat(p.get("/metrics").body()).as("the agent's RolePolicy made no change")
            .containsPattern("(?m)^cowsql_role_changes_total 0$");
      }
    }
  }
}
