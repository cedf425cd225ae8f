package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.DataDirLock;
import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.testing.SystemTier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /datadir/reconfigure?plan=ID} on one real agent and engine: what it refuses (a running engine, another
 * plan, a target without this node or with it at another address, a bad body) changes nothing, and what it runs, it runs once: a target the dir's last
 * configuration is already leaves the log as it is.
 */
@SystemTier
class QuorumLossReconfigureRefusalTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path tmp;

  static HttpResponse<String> reconfigure(AgentProcess p, String query, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + p.http + "/datadir/reconfigure" + query)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The body naming these members, ids in hex (as {@code /datadir} reports them). */
  static String body(Member... members) {
    List<Object> list = new ArrayList<>();
    for (Member m : members) {
      list.add(Map.of("id", Long.toHexString(m.id()), "address", m.address(), "role", m.role().label()));
    }
    return Json.write(Map.of("members", list));
  }

  /** The report's configuration as members. */
  @SuppressWarnings("unchecked")
  static List<Member> configuration(Map<String, Object> report) {
    List<Member> out = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) (List<?>) report.get("lastConfiguration")) {
      out.add(new Member(Long.parseUnsignedLong((String) m.get("id"), 16), (String) m.get("address"), MemberRole.parse((String) m.get("role"))));
    }
    return out;
  }

  @Test
  void refusalsChangeNothingAndATargetTheDirHoldsAlreadyIsNotRunAgain() throws Exception {
    try (AgentCluster c = AgentCluster.start(tmp, 1)) {
      AgentProcess p = c.nodes.get(0);
      assertThat(p.put("/k", "v").statusCode()).isEqualTo(200);
      long self = Long.parseUnsignedLong(RemovedMemberVolumeTest.id(p), 16);
      Member alone = new Member(self, p.address, MemberRole.VOTER);
      Member other = new Member(0xabcdefL, "127.0.0.1:1", MemberRole.SPARE);

      // The wrong asks, while the engine runs: named, and nothing stops or changes.
      assertThat(p.get("/datadir/reconfigure?plan=p1").statusCode()).isEqualTo(405);
      HttpResponse<String> noPlan = reconfigure(p, "", body(alone));
      assertThat(noPlan.statusCode()).isEqualTo(400);
      assertThat(noPlan.body()).contains("query parameter plan is required");
      assertThat(reconfigure(p, "?plan=a%20b", body(alone)).body()).contains("plan must be");
      HttpResponse<String> running = reconfigure(p, "?plan=p1", body(alone, other));
      assertThat(running.statusCode()).as(running.body()).isEqualTo(409);
      assertThat(running.body()).contains("the engine is running", "POST /datadir/stop?plan=p1");
      String[][] bad = {
          {"", "got nothing"},
          {"{\"members\":[{\"id\":\"" + Long.toHexString(self) + "\",\"address\":\"" + p.address + "\",\"role\":\"leader\"}]}", "members[0].role must be voter, standby or spare"},
          {"{\"members\":[{\"id\":\"xyz\",\"address\":\"" + p.address + "\",\"role\":\"voter\"}]}", "members[0].id must be a node id in hex"},
          {"{\"member\":[]}", "body has an unknown field 'member'"},
          {"not json", "bad JSON"},
      };
      for (String[] b : bad) {
        HttpResponse<String> r = reconfigure(p, "?plan=p1", b[0]);
        assertThat(r.statusCode()).as(b[0]).isEqualTo(400);
        assertThat(r.body()).as(b[0]).contains(b[1]);
      }
      HttpResponse<String> large = reconfigure(p, "?plan=p1", " ".repeat(TargetConfiguration.MAX_BODY_BYTES + 1));
      assertThat(large.statusCode()).isEqualTo(413);
      Map<String, Object> live = DataDirEndpointTest.dataDir(p);
      assertThat(live.get("engineStopped")).isEqualTo(false);
      assertThat(AgentCluster.ok(p, "/readyz")).isTrue();

      // Stopped for p1: another plan, and a target without this node, are refused; the dir is left as it was.
      HttpResponse<String> stop = DataDirEndpointTest.post(p, "/datadir/stop?plan=p1");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      Map<String, Object> stopped = Json.parseObject(stop.body());
      assertThat(configuration(stopped)).containsExactly(alone);
      long stoppedIndex = DataDirEndpointTest.index(stopped);
      HttpResponse<String> otherPlan = reconfigure(p, "?plan=p2", body(alone, other));
      assertThat(otherPlan.statusCode()).isEqualTo(409);
      assertThat(otherPlan.body()).contains("stopped for plan p1, not p2");
      HttpResponse<String> withoutSelf = reconfigure(p, "?plan=p1", body(new Member(0xabcdefL, "127.0.0.1:1", MemberRole.VOTER)));
      assertThat(withoutSelf.statusCode()).isEqualTo(400);
      assertThat(withoutSelf.body()).contains("does not list this node " + Long.toHexString(self));
      HttpResponse<String> elsewhere = reconfigure(p, "?plan=p1", body(new Member(self, "127.0.0.1:1", MemberRole.VOTER)));
      assertThat(elsewhere.statusCode()).isEqualTo(400);
      assertThat(elsewhere.body()).contains("lists this node " + Long.toHexString(self) + " at 127.0.0.1:1, but its address is " + p.address);
      assertThat(DataDirReader.inspect(p.dir).lastEntry().index()).isEqualTo(stoppedIndex);

      // The target the dir holds already: nothing run, the log as it was.
      HttpResponse<String> same = reconfigure(p, "?plan=p1", body(alone));
      assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
      Map<String, Object> sameDoc = Json.parseObject(same.body());
      assertThat(sameDoc.get("reconfigured")).isEqualTo(false);
      assertThat(DataDirEndpointTest.index(sameDoc)).isEqualTo(stoppedIndex);
      assertThat(DataDirReader.inspect(p.dir).lastEntry().index()).isEqualTo(stoppedIndex);

      // Another target: run, on the dir the agent still holds; the report (also GET /datadir) is read from it again.
      HttpResponse<String> changed = reconfigure(p, "?plan=p1", body(other, alone));
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      Map<String, Object> changedDoc = Json.parseObject(changed.body());
      assertThat(changedDoc.get("reconfigured")).isEqualTo(true);
      assertThat(changedDoc.get("stopPlan")).isEqualTo("p1");
      assertThat(configuration(changedDoc)).containsExactlyInAnyOrder(alone, other);
      DataDirReader.Inspection onDisk = DataDirReader.inspect(p.dir);
      assertThat(onDisk.configuration()).containsExactlyInAnyOrder(alone, other);
      assertThat(onDisk.lastEntry().index()).isGreaterThan(stoppedIndex);
      assertThat(DataDirEndpointTest.index(changedDoc)).isEqualTo(onDisk.lastEntry().index());
      Map<String, Object> report = DataDirEndpointTest.dataDir(p);
      changedDoc.remove("reconfigured");
      assertThat(report).isEqualTo(changedDoc);
      assertThat(DataDirLock.isHeld(p.dir)).as("the agent still holds its dir").isTrue();

      // The same target again (members in another order): nothing run twice.
      HttpResponse<String> again = reconfigure(p, "?plan=p1", body(alone, other));
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(Json.parseObject(again.body()).get("reconfigured")).isEqualTo(false);
      assertThat(DataDirReader.inspect(p.dir).lastEntry().index()).isEqualTo(onDisk.lastEntry().index());
      assertThat(p.logText()).containsOnlyOnce("data dir reconfigured for plan p1");

      assertThat(p.terminate(Duration.ofSeconds(30))).isZero();
    }
  }
}
