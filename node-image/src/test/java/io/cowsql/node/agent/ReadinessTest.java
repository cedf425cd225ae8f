package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness means "a member serving its role": spares too; and /readyz never fails while a node starts. */
@SystemTier
class ReadinessTest {
  static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  @TempDir
  Path tmp;

  /** Polls /readyz of {@code p} as fast as it answers until it is ready, recording every status that is not 200 or 503. */
  static Thread poll(AgentProcess p, List<String> bad, Map<String, Boolean> ready) {
    Thread t = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          RawHttp.Answer a = RawHttp.send(p.http, "GET", "/readyz", null);
          if (a.status() != 200 && a.status() != 503) {
            bad.add(p.name + ": " + a.status() + " " + a.body());
          }
          if (a.status() == 200) {
            ready.put(p.name, true);
            return;
          }
        } catch (java.io.IOException e) {
          // not listening yet
          Thread.onSpinWait();
        }
      }
    }, "readyz-" + p.name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void sevenAgentsWithDefaultRolesAreAllReadyAndReadyzNeverFailsWhileTheyStart() throws Exception {
    List<String> bad = new CopyOnWriteArrayList<>();
    Map<String, Boolean> ready = new ConcurrentHashMap<>();
    try (AgentCluster c = new AgentCluster(tmp)) {
      for (int i = 0; i < 7; i++) {
        AgentProcess p = c.add(List.of());
        p.start();
        poll(p, bad, ready).join(Duration.ofSeconds(120).toMillis());
        assertThat(ready).as(p.name + " ready\n" + p.logText()).containsKey(p.name);
      }
      // Default roles: 3 voters, 3 standbys, and a spare that is ready too.
      AgentCluster.await(Duration.ofSeconds(60), () -> {
        try {
          Map<String, String> roles = c.roles();
          return roles.values().stream().filter("voter"::equals).count() == 3 && roles.values().stream().filter("standby"::equals).count() == 3
              && roles.values().stream().filter("spare"::equals).count() == 1;
        } catch (Exception e) {
          return false;
        }
      }, "3 voters, 3 standbys, 1 spare\n" + c.logs());
      for (AgentProcess p : c.nodes) {
        var r = p.get("/readyz");
        assertThat(r.statusCode()).as(p.name + ": " + r.body()).isEqualTo(200);
        Map<String, Object> s = p.status();
        assertThat(s.get("ready")).isEqualTo(true);
        assertThat((String) s.get("id")).matches(HEX);
        assertThat(Long.toHexString(Long.parseUnsignedLong((String) Json.parseObject(java.nio.file.Files.readString(p.dir.resolve("identity.json"))).get("id"))))
            .isEqualTo(s.get("id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> leader = (Map<String, Object>) s.get("leader");
        assertThat((String) leader.get("id")).matches(HEX);
      }
      // A restart of a joined node: /readyz from the first moment its port accepts.
      AgentProcess spare = c.nodes.stream().filter(p -> {
        try {
          return "spare".equals(p.status().get("role"));
        } catch (Exception e) {
          return false;
        }
      }).findFirst().orElseThrow();
      for (AgentProcess p : List.of(c.nodes.get(1), spare)) {
        ready.remove(p.name);
        p.terminate(Duration.ofSeconds(30));
        p.start();
        poll(p, bad, ready).join(Duration.ofSeconds(120).toMillis());
        assertThat(ready).as(p.name + " ready again\n" + p.logText()).containsKey(p.name);
      }
      assertThat(bad).as("/readyz answers other than 200 or 503").isEmpty();
    }
  }
}
