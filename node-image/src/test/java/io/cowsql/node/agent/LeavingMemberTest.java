package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import io.cowsql.contract.Annotations;
import io.cowsql.node.TestPorts;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scale-down as the agents see it: the operator names a voter in {@link Annotations#LEAVING} on
 * every pod, and the leader's role policy promotes the spare first, then demotes the leaving voter
 * to spare, and never promotes it again. The raft configuration is sampled from the leader
 * throughout.
 */
@SystemTier
class LeavingMemberTest {
  static final Duration ROLES_INTERVAL = Duration.ofMillis(500);
  @TempDir Path tmp;

  @Test
  void aLeavingVoterIsReplacedBeforeItIsDemotedAndIsNeverPromotedAgain() throws Exception {
    try (AgentCluster c = new AgentCluster(tmp)) {
      List<Path> annotations = new ArrayList<>();
      List<String> addresses = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        Path f = tmp.resolve("annotations-" + i);
        write(f, Annotations.FAILURE_DOMAIN + "=\"" + i + "\"\n");
        annotations.add(f);
        String a = "127.0.0.1:" + TestPorts.free();
        addresses.add(a);
        c.add(a, a, List.of("--failure-domain-file", f.toString(), "--standbys", "0"), Map.of()).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      ClusterWaits.voters(c, 3);
      ClusterWaits.await(c, Duration.ofSeconds(30), () -> {
        try {
          return c.roles().values().stream().filter("spare"::equals).count() == 1;
        } catch (Exception e) {
          return false;
        }
      }, "three voters and one spare");

      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(20));
      Map<String, String> roles = c.roles();
      AgentProcess leavingNode = c.nodes.stream().filter(p -> p != leader && "voter".equals(roles.get(p.name))).findFirst().orElseThrow();
      AgentProcess spareNode = c.nodes.stream().filter(p -> "spare".equals(roles.get(p.name))).findFirst().orElseThrow();
      String leavingHex = (String) leavingNode.status().get("id");
      long leaving = Long.parseUnsignedLong(leavingHex, 16);
      long spare = Long.parseUnsignedLong((String) spareNode.status().get("id"), 16);

      try (ConfigurationSampler sampler = new ConfigurationSampler(addresses)) {
        sampler.start();
        for (int i = 0; i < annotations.size(); i++) {
          write(annotations.get(i), Annotations.FAILURE_DOMAIN + "=\"" + (i + 1) + "\"\n" + Annotations.LEAVING + "=\"" + leavingHex + "\"\n");
        }
        ClusterWaits.await(c, Duration.ofSeconds(60), () -> {
          Map<Long, Role> last = sampler.last();
          return last.get(leaving) == Role.SPARE && last.get(spare) == Role.VOTER;
        }, "the spare " + spareNode.name + " voting and the leaving " + leavingNode.name + " a spare");
        // a few more role-policy rounds: the leaving member must stay a spare
        Thread.sleep(ROLES_INTERVAL.toMillis() * 8);
        List<Map<Long, Role>> samples = sampler.stop();

        System.out.println("configurations while " + leavingNode.name + " left (" + samples.size() + " samples): " + changes(samples, leaving, spare));
        boolean demoted = false;
        for (Map<Long, Role> s : samples) {
          long voters = s.values().stream().filter(r -> r == Role.VOTER).count();
          assertThat(voters).as("voters in every sampled configuration; " + s + "\n" + c.logs()).isGreaterThanOrEqualTo(3);
          if (s.get(leaving) != Role.VOTER) {
            assertThat(s.get(spare)).as("the leaving voter loses its vote only after the spare got one; " + s).isEqualTo(Role.VOTER);
          }
          if (s.get(leaving) == Role.SPARE) {
            demoted = true;
          } else {
            assertThat(demoted).as("the leaving member is never promoted again after its demotion; " + s + "\n" + c.logs()).isFalse();
          }
        }
        assertThat(demoted).isTrue();
      }
      for (AgentProcess p : c.nodes) {
        assertThat(p.status().get("leaving")).as(p.name + "'s /status names the leaving member").isEqualTo(List.of(leavingHex));
      }
    }
  }

  /** As the downward API does it: the new content appears at once. */
  private static void write(Path file, String content) throws Exception {
    Path t = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(t, content);
    Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The samples where the roles of the two members changed, as "leaving/spare" role pairs. */
  private static List<String> changes(List<Map<Long, Role>> samples, long leaving, long spare) {
    List<String> out = new ArrayList<>();
    String prev = null;
    for (Map<Long, Role> s : samples) {
      String now = "leaving " + RolePolicy.name(s.get(leaving)) + ", spare " + RolePolicy.name(s.get(spare)) + " (" + s.values().stream().filter(r -> r == Role.VOTER).count() + " voters)";
      if (!now.equals(prev)) {
        out.add(now);
        prev = now;
      }
    }
    return out;
  }

  /** Reads the raft configuration from the leader every 100 ms (a failed read is skipped). */
  private static final class ConfigurationSampler implements AutoCloseable {
    private final List<String> addresses;
    private final List<Map<Long, Role>> samples = new ArrayList<>();
    private final ClientOptions options = ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(1)).withRequestTimeout(Duration.ofSeconds(1))
        .withRetryTimeout(Duration.ofSeconds(1));
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::loop, "configuration-sampler");

    ConfigurationSampler(List<String> addresses) {
      this.addresses = addresses;
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (running) {
        try (CowsqlClient l = CowsqlClient.findLeader(addresses, options)) {
          Map<Long, Role> s = new LinkedHashMap<>();
          for (NodeInfo m : l.cluster()) {
            s.put(m.id(), m.role());
          }
          synchronized (samples) {
            samples.add(s);
          }
        } catch (CowsqlException | RuntimeException e) {
          // no leader for a moment: nothing to sample
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    Map<Long, Role> last() {
      synchronized (samples) {
        return samples.isEmpty() ? new HashMap<>() : samples.get(samples.size() - 1);
      }
    }

    List<Map<Long, Role>> stop() throws InterruptedException {
      running = false;
      thread.join(5000);
      synchronized (samples) {
        return List.copyOf(samples);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
