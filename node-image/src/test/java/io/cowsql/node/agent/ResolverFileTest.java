package io.cowsql.node.agent;

import io.cowsql.client.ResolverFile;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.node.BothEngines;
import io.cowsql.node.TestPorts;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: nodes known by DNS-style names that only a resolver file maps to loopback addresses.
 * The engine dials its peers through the agent's dial function (JNA callback), the client through
 * its resolver.
 */
@SystemTier
@BothEngines
class ResolverFileTest {
  @TempDir Path tmp;

  @Test
  void aClusterOfNamedNodesFormsThroughTheResolverFile() throws Exception {
    Path map = tmp.resolve("hosts");
    StringBuilder sb = new StringBuilder("# test bed names\n");
    List<String> names = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int port = TestPorts.free();
      ports.add(port);
      names.add("node-" + i + ".cowsql.test:" + port);
      sb.append("node-").append(i).append(".cowsql.test 127.0.0.1\n");
    }
    Files.writeString(map, sb.toString());
    try (AgentCluster c = new AgentCluster(tmp)) {
      c.common.addAll(List.of("--resolver-file", map.toString()));
      for (int i = 0; i < 3; i++) {
        c.add(names.get(i), "127.0.0.1:" + ports.get(i), List.of(), Map.of()).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, 3);
      assertThat(c.nodes.get(2).put("/named", "yes").statusCode()).isEqualTo(200);
      assertThat(c.nodes.get(0).get("/named").body()).isEqualTo("yes\n");
      ResolverFile resolver = ResolverFile.load(map);
      assertThat(resolver.resolve(names.get(0))).isEqualTo("127.0.0.1:" + ports.get(0));
      try (CowsqlClient cl = CowsqlClient.findLeader(names, ClientOptions.defaults().withResolver(resolver))) {
        List<String> addrs = new ArrayList<>();
        for (NodeInfo n : cl.cluster()) {
          addrs.add(n.address());
        }
        assertThat(addrs).containsExactlyInAnyOrderElementsOf(names);
      }
    }
  }

  @Test
  void resolverFileFormats() {
    assertThat(ResolverFile.parse("a 1.2.3.4\nb:9 = 5.6.7.8:10 # c\n\n")).containsEntry("a", "1.2.3.4").containsEntry("b:9", "5.6.7.8:10");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ResolverFile.parse("a\n"))).hasMessageContaining("line 1");
  }
}
