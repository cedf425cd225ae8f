package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.TestPorts;
import io.cowsql.testing.SystemTier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance: identity, lock, missing library and bad input each give one clear message and a non-zero exit. */
@SystemTier
class RefusalTest {
  @TempDir Path tmp;


  record Outcome(int exit, String output) {}

  Outcome runAgent(List<String> args, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(tmp, "run", ".log");
    Process p = AgentProcess.launch(args, env, log);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("agent did not exit: " + Files.readString(log));
      }
    } finally {
      p.destroyForcibly();
    }
    return new Outcome(p.exitValue(), Files.readString(log));
  }

  static Map<String, Long> listing(Path dir) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        m.put(p.getFileName().toString(), Files.size(p) * 1_000_000_000L + Files.getLastModifiedTime(p).toMillis() % 1_000_000_000L);
      }
    }
    return m;
  }

  List<String> args(Path dir, String address, String... more) {
    List<String> a = new ArrayList<>(List.of("--dir", dir.toString(), "--address", address, "--http", "127.0.0.1:" + TestPorts.free()));
    a.addAll(List.of(more));
    return a;
  }

  /** Start a bootstrap node on dir, wait until ready, stop it with SIGTERM. */
  void runOnce(Path dir, String address, String... more) throws Exception {
    List<String> a = args(dir, address, more);
    a.add("--bootstrap");
    AgentProcess p = new AgentProcess("once", address, a.get(a.indexOf("--http") + 1), dir, tmp.resolve("once.log"), a, Map.of());
    try {
      p.start();
      AgentCluster.await(Duration.ofSeconds(30), () -> AgentCluster.ok(p, "/readyz"), "ready\n" + p.logText());
      assertThat(p.terminate(Duration.ofSeconds(30))).isZero();
    } finally {
      p.close();
    }
  }

  @Test
  void changedAddressOtherClusterAndForeignDirAreRefused() throws Exception {
    Path dir = tmp.resolve("data");
    String address = "127.0.0.1:" + TestPorts.free();
    runOnce(dir, address, "--cluster-id", "alpha");
    Map<String, Long> before = listing(dir);

    Outcome moved = runAgent(args(dir, "127.0.0.1:" + TestPorts.free()), Map.of());
    assertThat(moved.exit()).as(moved.output()).isEqualTo(3);
    assertThat(moved.output()).contains("belongs to node").contains(address).contains("move the dir away");

    Outcome other = runAgent(args(dir, address, "--cluster-id", "beta"), Map.of());
    assertThat(other.exit()).as(other.output()).isEqualTo(3);
    // Both cluster ids, and the fix: the right volume, or the dir's own id to adopt the data.
    assertThat(other.output()).contains("belongs to cluster 'alpha'").contains("started for cluster 'beta'")
        .contains("--cluster-id 'alpha'").contains("move the dir away");
    assertThat(listing(dir)).as("nothing in the data dir changed").isEqualTo(before);

    Files.delete(dir.resolve(Identity.FILE));
    Map<String, Long> foreign = listing(dir);
    Outcome noId = runAgent(args(dir, address), Map.of());
    assertThat(noId.exit()).as(noId.output()).isEqualTo(3);
    assertThat(noId.output()).contains("holds raft data but no identity.json");
    assertThat(listing(dir)).isEqualTo(foreign);
  }

  @Test
  void aRunningAgentsDirIsLockedAgainstASecondAgentReconfigureAndBackup() throws Exception {
    Path dir = tmp.resolve("locked");
    String address = "127.0.0.1:" + TestPorts.free();
    List<String> a = args(dir, address, "--bootstrap");
    AgentProcess p = new AgentProcess("holder", address, a.get(a.indexOf("--http") + 1), dir, tmp.resolve("holder.log"), a, Map.of());
    try {
      p.start();
      AgentCluster.await(Duration.ofSeconds(30), () -> AgentCluster.ok(p, "/readyz"), "ready\n" + p.logText());
      Outcome second = runAgent(args(dir, address, "--bind", "127.0.0.1:" + TestPorts.free()), Map.of());
      assertThat(second.exit()).as(second.output()).isEqualTo(3);
      assertThat(second.output()).contains("locked by a running agent");

      Outcome reconf = runAgent(List.of("reconfigure", "--dir", dir.toString(), "--members", "1@127.0.0.1:1:voter"), Map.of());
      assertThat(reconf.exit()).as(reconf.output()).isEqualTo(3);
      assertThat(reconf.output()).contains("stop the node before reconfiguring");

      Outcome backup = runAgent(List.of("backup", "--dir", dir.toString(), "--to", tmp.resolve("bk").toString()), Map.of());
      assertThat(backup.exit()).as(backup.output()).isEqualTo(3);
      assertThat(AgentCluster.ok(p, "/readyz")).as("the running node is unharmed").isTrue();
    } finally {
      p.close();
    }
  }

  @Test
  void missingLibraryIsOneMessageAndTouchesNothing() throws Exception {
    Path dir = tmp.resolve("nolib");
    Outcome o = runAgent(args(dir, "127.0.0.1:" + TestPorts.free(), "--bootstrap"), Map.of("COWSQL_LIBRARY", "/nonexistent/libcowsql.so.0"));
    assertThat(o.exit()).as(o.output()).isEqualTo(4);
    assertThat(o.output()).contains("/nonexistent/libcowsql.so.0").contains("COWSQL_LIBRARY");
    assertThat(dir).doesNotExist();
  }

  @Test
  void badFlagsPortsInUseAndUnwritableDirs() throws Exception {
    Path dir = tmp.resolve("bad");
    Outcome unknown = runAgent(List.of("--dir", dir.toString(), "--address", "127.0.0.1:9", "--frobnicate"), Map.of());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown flag --frobnicate");

    Outcome badAddr = runAgent(List.of("--dir", dir.toString(), "--address", "nonsense"), Map.of());
    assertThat(badAddr.exit()).isEqualTo(2);
    assertThat(badAddr.output()).contains("--address").contains("host:port");

    Outcome unbracketed = runAgent(List.of("--dir", dir.toString(), "--address", "a:b:9001"), Map.of());
    assertThat(unbracketed.exit()).isEqualTo(2);
    assertThat(unbracketed.output()).contains("--address").contains("'a:b:9001': more than one ':'")
        .contains("[::1]:9001");

    // libcowsql could listen on an abstract socket, but peers dial --address over TCP: refused, naming the forms.
    Outcome abstractBind = runAgent(List.of("--dir", dir.toString(), "--address", "127.0.0.1:" + TestPorts.free(),
        "--bind", "@cowsql", "--bootstrap"), Map.of());
    assertThat(abstractBind.exit()).as(abstractBind.output()).isEqualTo(2);
    assertThat(abstractBind.output()).contains("--bind").contains("'@cowsql' is an abstract Unix socket")
        .contains("host:port, IPv4:port or [IPv6]:port");

    Outcome noDir = runAgent(List.of("--address", "127.0.0.1:9"), Map.of());
    assertThat(noDir.exit()).isEqualTo(2);
    assertThat(noDir.output()).contains("missing --dir").contains("COWSQL_DIR");

    Outcome badNum = runAgent(List.of("--dir", dir.toString(), "--address", "127.0.0.1:9", "--voters", "many"), Map.of());
    assertThat(badNum.exit()).isEqualTo(2);
    assertThat(badNum.output()).contains("--voters must be a whole number, got 'many'");

    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String busyAddr = "127.0.0.1:" + busy.getLocalPort();
      Outcome http = runAgent(List.of("--dir", dir.toString(), "--address", "127.0.0.1:" + TestPorts.free(), "--http", busyAddr, "--bootstrap"), Map.of());
      assertThat(http.exit()).as(http.output()).isEqualTo(5);
      assertThat(http.output()).contains("--http").contains(busyAddr);
      Outcome bind = runAgent(List.of("--dir", dir.toString(), "--address", busyAddr, "--http", "127.0.0.1:" + TestPorts.free(), "--bootstrap"), Map.of());
      assertThat(bind.exit()).as(bind.output()).isEqualTo(5);
      assertThat(bind.output()).contains("--bind").contains(busyAddr);
    }
    assertThat(dir).as("no data dir was created by a refused start").doesNotExist();

    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Outcome unwritable = runAgent(args(file.resolve("sub"), "127.0.0.1:" + TestPorts.free(), "--bootstrap"), Map.of());
    assertThat(unwritable.exit()).as(unwritable.output()).isEqualTo(3);
    assertThat(unwritable.output()).contains("cannot create data dir");

    Outcome env = runAgent(List.of(), Map.of("COWSQL_DIR", dir.toString(), "COWSQL_ADDRESS", "127.0.0.1:9", "COWSQL_VOTERS", "0"));
    assertThat(env.exit()).isEqualTo(2);
    assertThat(env.output()).contains("--voters must be between 1");
  }
}
