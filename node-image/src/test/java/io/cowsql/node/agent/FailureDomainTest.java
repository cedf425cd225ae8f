package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.TestPorts;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance: five agents in three failure domains with the default targets (3 voters, 3 standbys). */
@SystemTier
class FailureDomainTest {
  @TempDir Path tmp;


  /** name -> [role, online, failureDomain] as the leader sees them. */
  @SuppressWarnings("unchecked")
  static Map<String, Object[]> view(AgentCluster c) {
    Map<String, Object[]> out = new HashMap<>();
    AgentProcess l = c.leader();
    if (l == null) {
      return out;
    }
    try {
      for (Object o : (List<Object>) l.status().get("members")) {
        Map<String, Object> m = (Map<String, Object>) o;
        for (AgentProcess p : c.nodes) {
          if (p.address.equals(m.get("address"))) {
            out.put(p.name, new Object[] {m.get("role"), m.get("online"), m.get("failureDomain")});
          }
        }
      }
    } catch (Exception e) {
      return new HashMap<>();
    }
    return out;
  }

  static Set<Object> onlineVoterDomains(Map<String, Object[]> v) {
    Set<Object> d = new HashSet<>();
    for (Object[] x : v.values()) {
      if ("voter".equals(x[0]) && Boolean.TRUE.equals(x[1])) {
        d.add(x[2]);
      }
    }
    return d;
  }

  static long count(Map<String, Object[]> v, String role, boolean online) {
    return v.values().stream().filter(x -> role.equals(x[0]) && Boolean.valueOf(online).equals(x[1])).count();
  }

  @Test
  void votersSpreadOverDomainsAndAStandbyReplacesAKilledVoter() throws Exception {
    try (AgentCluster c = new AgentCluster(tmp)) {
      Path domainFile = tmp.resolve("annotations");
      String[] domains = {"1", "1", "2", "2", null};
      for (String d : domains) {
        String a = "127.0.0.1:" + TestPorts.free();
        List<String> extra = d != null ? List.of("--failure-domain", d)
            : List.of("--failure-domain-file", domainFile.toString(), "--failure-domain-key", "topology.kubernetes.io/zone");
        c.add(a, a, extra, Map.of()).start();
      }
      // The fifth node waits for its downward-API file, which appears later.
      Thread.sleep(1500);
      assertThat(c.nodes.get(4).isAlive()).isTrue();
      Files.writeString(domainFile, "app=\"cowsql\"\ntopology.kubernetes.io/zone=\"zone-c\"\n");
      c.awaitReady(Duration.ofSeconds(60));

      AgentCluster.await(Duration.ofSeconds(60), () -> {
        Map<String, Object[]> v = view(c);
        return count(v, "voter", true) == 3 && onlineVoterDomains(v).size() == 3 && count(v, "standby", true) == 2;
      }, "3 voters in 3 domains and 2 standbys\n" + c.logs());
      Map<String, Object[]> before = view(c);
      System.out.println("roles: " + describe(before));

      // Kill a voter that is not the leader: a standby takes its place.
      AgentProcess leader = c.leader();
      String victim = before.entrySet().stream().filter(e -> "voter".equals(e.getValue()[0]) && !e.getKey().equals(leader.name)).map(Map.Entry::getKey).findFirst().orElseThrow();
      Object victimDomain = before.get(victim)[2];
      c.nodes.stream().filter(p -> p.name.equals(victim)).findFirst().orElseThrow().kill9();
      AgentCluster.await(Duration.ofSeconds(60), () -> {
        Map<String, Object[]> v = view(c);
        Object[] x = v.get(victim);
        return x != null && !Boolean.TRUE.equals(x[1]) && count(v, "voter", true) == 3;
      }, "the victim offline and 3 online voters again\n" + c.logs());
      Map<String, Object[]> after = view(c);
      System.out.println("after killing " + victim + " (domain " + victimDomain + "): " + describe(after));
      Set<String> newVoters = new HashSet<>();
      after.forEach((k, x) -> {
        if ("voter".equals(x[0]) && Boolean.TRUE.equals(x[1]) && !"voter".equals(before.get(k)[0])) {
          newVoters.add(k);
        }
      });
      assertThat(newVoters).hasSize(1);
      assertThat(before.get(newVoters.iterator().next())[0]).as("the replacement was a standby").isEqualTo("standby");
      // The voters cover as many domains as the online nodes allow.
      Set<Object> onlineDomains = new HashSet<>();
      after.values().stream().filter(x -> Boolean.TRUE.equals(x[1])).forEach(x -> onlineDomains.add(x[2]));
      assertThat(onlineVoterDomains(after)).hasSize(Math.min(3, onlineDomains.size()));
    }
  }

  static String describe(Map<String, Object[]> v) {
    StringBuilder sb = new StringBuilder();
    v.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(e.getKey()).append('=').append(e.getValue()[0])
        .append(Boolean.TRUE.equals(e.getValue()[1]) ? "" : "(offline)").append("@d").append(e.getValue()[2]).append(' '));
    return sb.toString().trim();
  }
}
