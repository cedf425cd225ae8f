package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.BothEngines;
import io.cowsql.node.DataDirLock;
import io.cowsql.testing.SystemTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: majority loss. The survivors refuse writes; inspect ranks the survivor that saw more
 * writes first; reconfigure on it alone, copy its dir to the other survivor, restart both: every
 * acknowledged write is there and writes work.
 */
@SystemTier
@BothEngines
class MajorityLossTest {
  @TempDir Path tmp;


  record Outcome(int exit, String output) {}

  Outcome cli(List<String> args) throws Exception {
    Path log = Files.createTempFile(tmp, "cli", ".log");
    Process p = AgentProcess.launch(args, Map.of(), log);
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Outcome(p.exitValue(), Files.readString(log));
  }

  static String lastLine(String s) {
    String[] lines = s.trim().split("\n");
    return lines[lines.length - 1];
  }

  void write(AgentProcess via, String prefix, int n, Map<String, String> acked) throws Exception {
    for (int i = 0; i < n; i++) {
      String k = prefix + i;
      var r = via.put("/" + k, "v" + i);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      acked.put(k, "v" + i);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void recoverFromMajorityLossOnTheMostUpToDateSurvivor() throws Exception {
    try (AgentCluster c = new AgentCluster(tmp)) {
      c.common.addAll(List.of("--shutdown-timeout", "6s"));
      for (int i = 0; i < 3; i++) {
        c.add(List.of()).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, 3);
      AgentProcess leader = c.awaitLeader(Duration.ofSeconds(20));
      List<AgentProcess> others = c.nodes.stream().filter(p -> p != leader).toList();
      AgentProcess behind = others.get(0);
      AgentProcess survivor = others.get(1);
      Map<String, String> acked = new HashMap<>();

      write(survivor, "a", 20, acked);
      behind.kill9(); // sees only the first writes
      write(survivor, "b", 20, acked);
      leader.kill9(); // majority lost: the leader is gone for good

      // The survivor refuses writes and is not ready.
      var refused = survivor.put("/c0", "never");
      assertThat(refused.statusCode()).isNotEqualTo(200);
      assertThat(AgentCluster.ok(survivor, "/readyz")).isFalse();
      assertThat(survivor.terminate(Duration.ofSeconds(30))).as(survivor.logText()).isZero();
      assertThat(DataDirLock.isHeld(survivor.dir)).isFalse();

      // inspect ranks the survivor that saw more writes first.
      Outcome inspect = cli(List.of("inspect", "--dir", behind.dir.toString(), "--dir", survivor.dir.toString()));
      assertThat(inspect.exit()).as(inspect.output()).isZero();
      Map<String, Object> doc = Json.parseObject(lastLine(inspect.output()));
      List<Object> ranking = (List<Object>) doc.get("ranking");
      Map<String, Object> first = (Map<String, Object>) ranking.get(0);
      Map<String, Object> second = (Map<String, Object>) ranking.get(1);
      System.out.println("inspect ranking: " + first.get("dir") + " " + first.get("lastEntry") + " > " + second.get("dir") + " " + second.get("lastEntry"));
      assertThat(first.get("dir")).isEqualTo(survivor.dir.toString());
      long idx1 = ((Number) ((Map<String, Object>) first.get("lastEntry")).get("index")).longValue();
      long idx2 = ((Number) ((Map<String, Object>) second.get("lastEntry")).get("index")).longValue();
      assertThat(idx1).isGreaterThanOrEqualTo(idx2 + 20);

      // The killed node's log ends in an open segment; the engine itself, loading a copy of the dir,
      // closes that segment under a name that states the last index: the same one the reader found.
      Map<String, Object> behindEntry = (Map<String, Object>) second.get("lastEntry");
      assertThat((String) behindEntry.get("source")).startsWith("open-");
      Path copy = Files.createDirectories(tmp.resolve("behind-copy"));
      try (Stream<Path> s = Files.list(behind.dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (!p.getFileName().toString().equals(DataDirLock.FILE)) {
            Files.copy(p, copy.resolve(p.getFileName().toString()));
          }
        }
      }
      Identity bidCopy = Identity.read(copy);
      String spare = "127.0.0.1:" + io.cowsql.node.TestPorts.free();
      try (io.cowsql.node.Node n = io.cowsql.node.Node.create(bidCopy.id(), bidCopy.address(), copy, io.cowsql.node.NodeOptions.defaults().withBindAddress(spare))) {
        n.start();
      }
      var closed = io.cowsql.node.data.DataDirReader.inspect(copy);
      assertThat(closed.segments()).noneMatch(io.cowsql.node.data.DataDirReader.Segment::open);
      assertThat(closed.segments().get(closed.segments().size() - 1).name()).endsWith(String.format("-%016d", idx2));

      // reconfigure on it alone, with both survivors as voters.
      Identity sid = Identity.read(survivor.dir);
      Identity bid = Identity.read(behind.dir);
      String members = Long.toUnsignedString(sid.id()) + "@" + sid.address() + ":voter," + Long.toUnsignedString(bid.id()) + "@" + bid.address() + ":voter";
      Outcome reconf = cli(List.of("reconfigure", "--dir", survivor.dir.toString(), "--members", members));
      assertThat(reconf.exit()).as(reconf.output()).isZero();
      assertThat(reconf.output()).contains("\"reconfigured\":true");

      // Copy the recovered dir to the other survivor, keeping its identity.
      try (Stream<Path> s = Files.list(behind.dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          String n = p.getFileName().toString();
          if (!n.equals(Identity.FILE) && !n.equals(DataDirLock.FILE)) {
            Files.delete(p);
          }
        }
      }
      try (Stream<Path> s = Files.list(survivor.dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          String n = p.getFileName().toString();
          if (!n.equals(Identity.FILE) && !n.equals(DataDirLock.FILE)) {
            Files.copy(p, behind.dir.resolve(n));
          }
        }
      }
      survivor.start();
      behind.start();
      AgentCluster.await(Duration.ofSeconds(60), () -> AgentCluster.ok(survivor, "/readyz"), "recovered survivor ready\n" + c.logs());
      for (Map.Entry<String, String> e : acked.entrySet()) {
        var r = behind.get("/" + e.getKey());
        assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(e.getValue() + "\n");
      }
      assertThat(survivor.put("/after", "recovery").statusCode()).isEqualTo(200);
      assertThat(behind.get("/after").body()).isEqualTo("recovery\n");
    }
  }
}
