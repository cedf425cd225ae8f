package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.node.BothEngines;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import io.cowsql.testing.SystemTier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /datadir} and {@code POST /datadir/stop?plan=ID} on real agents and engines: the report the operator's
 * recovery reads from every survivor, and the stop that makes it final.
 */
@SystemTier
@BothEngines
class DataDirEndpointTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path tmp;

  static HttpResponse<String> post(AgentProcess p, String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + p.http + pathAndQuery)).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> dataDir(AgentProcess p) throws Exception {
    HttpResponse<String> r = p.get("/datadir");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return Json.parseObject(r.body());
  }

  @SuppressWarnings("unchecked")
  static Set<String> configurationIds(Map<String, Object> report) {
    return ((List<Map<String, Object>>) (List<?>) report.get("lastConfiguration")).stream().map(m -> (String) m.get("id"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @SuppressWarnings("unchecked")
  static long index(Map<String, Object> report) {
    return ((Number) ((Map<String, Object>) report.get("lastEntry")).get("index")).longValue();
  }

  @SuppressWarnings("unchecked")
  static long term(Map<String, Object> report) {
    return ((Number) ((Map<String, Object>) report.get("lastEntry")).get("term")).longValue();
  }

  @Test
  void eachRunningNodeReportsItsDataDirAndAStoppedOneReportsTheLogOfItsStoppedDirWithItsApiUp() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 3)) {
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(30));
      assertThat(leader.put("/k", "v").statusCode()).isEqualTo(200);
      Set<String> members;
      try (CowsqlClient cl = CowsqlClient.findLeader(List.of(leader.address), ClientOptions.defaults())) {
        members = cl.cluster().stream().map(m -> Long.toHexString(m.id())).collect(Collectors.toCollection(TreeSet::new));
      }

      // Running: every node reports its own dir; the log moves on, so the report says the engine runs.
      for (AgentProcess p : c.nodes) {
        Map<String, Object> d = dataDir(p);
        assertThat(d.get("id")).isEqualTo(p.status().get("id"));
        assertThat(d.get("epoch")).isEqualTo(0);
        assertThat(d.get("engineStopped")).isEqualTo(false);
        assertThat(d.get("stopPlan")).isNull();
        assertThat(index(d)).as(p + " last index").isPositive();
        assertThat(d.get("problems")).isEqualTo(List.of());
        ClusterWaits.await(c, Duration.ofSeconds(30), () -> {
          try {
            return configurationIds(dataDir(p)).equals(members);
          } catch (Exception e) {
            return false;
          }
        }, p + "'s dir holding the configuration " + members);
      }

      // The wrong asks: named, and nothing stops.
      assertThat(post(leader, "/datadir/stop").statusCode()).isEqualTo(400);
      assertThat(post(leader, "/datadir/stop").body()).contains("query parameter plan is required");
      HttpResponse<String> bad = post(leader, "/datadir/stop?plan=a%20b");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("plan must be");
      assertThat(leader.get("/datadir/stop").statusCode()).isEqualTo(405);
      assertThat(dataDir(leader).get("engineStopped")).isEqualTo(false);

      // Stop the leader's engine for a plan: it hands over first, its HTTP API stays up.
      String stoppedId = (String) leader.status().get("id");
      HttpResponse<String> stop = post(leader, "/datadir/stop?plan=recovery-1");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      Map<String, Object> stopped = Json.parseObject(stop.body());
      assertThat(stopped.get("engineStopped")).isEqualTo(true);
      assertThat(stopped.get("stopPlan")).isEqualTo("recovery-1");
      assertThat(stopped.get("id")).isEqualTo(stoppedId);
      assertThat(configurationIds(stopped)).isEqualTo(members);
      assertThat(leader.isAlive()).isTrue();
      assertThat(leader.get("/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> readyz = leader.get("/readyz");
      assertThat(readyz.statusCode()).isEqualTo(503);
      assertThat(readyz.body()).contains("engine stopped for plan recovery-1");
      assertThatThrownBy(() -> {
        try (CowsqlClient cl = CowsqlClient.connect(leader.address, ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(1)))) {
          cl.cluster();
        }
      }).as("the stopped engine no longer answers at " + leader.address).isInstanceOf(Exception.class);

      // The report is the stopped dir's, read as it is on disk, and does not move while the others write on.
      LastEntry onDisk = DataDirReader.lastEntry(leader.dir);
      assertThat(term(stopped)).isEqualTo(onDisk.term());
      assertThat(index(stopped)).isEqualTo(onDisk.index());
      List<AgentProcess> others = c.nodes.stream().filter(p -> p != leader).toList();
      ClusterWaits.await(c, Duration.ofSeconds(30), () -> {
        try {
          return others.get(0).put("/after-stop", "w").statusCode() == 200;
        } catch (Exception e) {
          return false;
        }
      }, "a write through the two running nodes");
      // A running node's report is its live log position, re-read at most once a second: it gets past the stopped
      // dir's soon after the write; the stopped one's stays where it was.
      ClusterWaits.await(c, Duration.ofSeconds(10), () -> {
        try {
          return index(dataDir(others.get(0))) > onDisk.index();
        } catch (Exception e) {
          return false;
        }
      }, others.get(0) + "'s report past the stopped dir's index " + onDisk.index());
      assertThat(index(dataDir(leader))).isEqualTo(onDisk.index());

      // Asked again for the same plan: the same report; for another plan: refused, saying which plan stopped it.
      HttpResponse<String> again = post(leader, "/datadir/stop?plan=recovery-1");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(Json.parseObject(again.body())).isEqualTo(dataDir(leader));
      HttpResponse<String> other = post(leader, "/datadir/stop?plan=recovery-2");
      assertThat(other.statusCode()).isEqualTo(409);
      assertThat(other.body()).contains("stopped for plan recovery-1");

      // SIGTERM still ends the agent cleanly.
      assertThat(leader.terminate(Duration.ofSeconds(30))).isZero();
    }
  }
}
