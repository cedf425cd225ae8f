package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key/value API answers like go-cowsql's own {@code cowsql-demo} (1.22, on libcowsql): the
 * same requests go to a 3-node cowsql-demo cluster and a 3-node agent cluster, each on a node that
 * does not lead, and the answers (status, content type, Location, body) must be equal.
 */
@SystemTier
class KeyValueApiParityTest {
  @TempDir
  Path tmp;

  /** One request: method, target as sent, body (null: none). */
  record Req(String method, String target, byte[] body) {
    @Override
    public String toString() {
      return method + " " + target + (body == null ? "" : " (" + body.length + " bytes)");
    }
  }

  static Req req(String method, String target, String body) {
    return new Req(method, target, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theAgentsAnswerEveryRequestAsCowsqlDemoDoes() throws Exception {
    byte[] large = new byte[256 * 1024];
    Arrays.fill(large, (byte) 'x');
    List<Req> requests = List.of(
        req("PUT", "/k1", "v1"),
        req("GET", "/k1", null),
        req("GET", "/missing", null),
        req("PUT", "/k1", "v2"),
        req("GET", "/k1", null),
        req("GET", "/k1?x=1", null),
        req("PUT", "/empty", ""),
        req("GET", "/empty", null),
        req("PUT", "/", "root"),
        req("GET", "/", null),
        req("PUT", "/a%2Fb", "slash"),
        req("GET", "/a/b", null),
        req("GET", "/a+b", null),
        req("PUT", "/%C3%A9t%C3%A9", "summer"),
        req("GET", "/%C3%A9t%C3%A9", null),
        req("GET", "/k1/", null),
        req("GET", "//k1", null),
        req("GET", "/x/./k1?q=1", null),
        req("GET", "/x/../k1", null),
        req("PUT", "//k1", "v3"),
        req("GET", "/%zz", null),
        req("DELETE", "/k1", null),
        req("POST", "/k1", "v4"),
        req("PATCH", "/k1", "v5"),
        req("OPTIONS", "/k1", null),
        req("HEAD", "/k1", null),
        req("GET", "/k1", null),
        new Req("PUT", "/large", large),
        req("GET", "/large", null));

    List<Process> all = new ArrayList<>();
    try {
      KvBench.Cluster demo = KvBench.startThree("cowsql-demo", tmp.resolve("demo"), all, (i, db, api, earlier) -> {
        List<String> cmd = new ArrayList<>(List.of("cowsql-demo", "--api", api, "--db", db, "--dir", tmp.resolve("demo").toString()));
        if (i > 0) {
          cmd.addAll(List.of("--join", earlier.get(0)));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("demo-n" + i + ".log").toFile()).start();
      });
      KvBench.Cluster agents = KvBench.startAgents(tmp.resolve("agents"), all);
      // Node 0 bootstrapped both clusters and leads; ask through node 1, which forwards.
      String demoNode = demo.apis().get(1);
      String agentNode = agents.apis().get(1);
      List<String> differences = new ArrayList<>();
      for (Req r : requests) {
        String d = RawHttp.send(demoNode, r.method(), r.target(), r.body()).comparable();
        String a = RawHttp.send(agentNode, r.method(), r.target(), r.body()).comparable();
        if (!d.equals(a)) {
          differences.add(r + "\n  cowsql-demo: " + d + "\n  agent:       " + a);
        }
      }
      assertThat(differences).as("answers that differ").isEmpty();
    } finally {
      for (Process p : all) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
