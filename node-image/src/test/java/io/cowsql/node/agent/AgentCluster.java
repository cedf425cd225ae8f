package io.cowsql.node.agent;

import io.cowsql.node.TestEngine;
import io.cowsql.node.TestPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A set of agent processes on loopback ports and temp dirs; close() kills every one. */
public final class AgentCluster implements AutoCloseable {
  final Path root;
  final List<AgentProcess> nodes = new ArrayList<>();
  /** Extra flags for every node. */
  final List<String> common = new ArrayList<>(List.of("--roles-interval", "500ms", "--network-latency", "50ms"));

  AgentCluster(Path root) {
    this.root = root;
  }

  /** Add node i (1-based) without starting it; node 1 bootstraps, the others join node 1..n. */
  AgentProcess add(String clusterAddress, String bind, List<String> extra, Map<String, String> env) throws IOException {
    int i = nodes.size() + 1;
    String http = "127.0.0.1:" + TestPorts.free();
    Path dir = root.resolve("node" + i);
    List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--address", clusterAddress, "--bind", bind, "--http", http));
    if (i == 1) {
      args.add("--bootstrap");
    } else {
      args.add("--join");
      args.add(nodes.get(0).address + (nodes.size() > 1 ? "," + nodes.get(1).address : ""));
    }
    args.addAll(common);
    args.addAll(extra);
    AgentProcess p = new AgentProcess("node" + i, clusterAddress, http, dir, root.resolve("node" + i + ".log"), args, env);
    nodes.add(p);
    return p;
  }

  AgentProcess add(List<String> extra) throws IOException {
    String a = "127.0.0.1:" + TestPorts.free();
    return add(a, a, extra, Map.of());
  }

  /**
   * Start n plain loopback nodes and wait until all are ready and the role policy has made its voters (3, or 1
   * below three nodes): a joined node is Ready as a spare before it is promoted.
   */
  static AgentCluster start(Path root, int n) throws Exception {
    AgentCluster c = new AgentCluster(root);
    try {
      for (int i = 0; i < n; i++) {
        c.add(List.of()).start();
      }
      c.awaitReady(Duration.ofSeconds(60));
      AgentClusterTest.awaitVoters(c, n < 3 ? 1 : 3);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  void awaitReady(Duration d) throws Exception {
    for (AgentProcess p : nodes) {
      if (p.isAlive()) {
        await(d, () -> ok(p, "/readyz"), p + " ready\n" + p.logText());
        assertEngine(p);
      }
    }
  }

  /** The agent runs the engine this test run asks for (it fails, not skips, on the other one). */
  @SuppressWarnings("unchecked")
  static void assertEngine(AgentProcess p) throws IOException, InterruptedException {
    Map<String, Object> engine = (Map<String, Object>) p.status().get("engine");
    if (!TestEngine.expected().equals(engine.get("name"))) {
      throw new AssertionError(p + " runs engine " + engine + " but this test run asks for " + TestEngine.expected()
          + " (-D" + TestEngine.PROPERTY + ")");
    }
  }

  static boolean ok(AgentProcess p, String path) {
    try {
      return p.get(path).statusCode() == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static void await(Duration d, BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** The node whose /status says it leads (among live ones), or null. */
  AgentProcess leader() {
    for (AgentProcess p : nodes) {
      if (!p.isAlive()) {
        continue;
      }
      try {
        Map<String, Object> s = p.status();
        @SuppressWarnings("unchecked")
        Map<String, Object> l = (Map<String, Object>) s.get("leader");
        if (l != null && l.get("id").equals(s.get("id"))) {
          return p;
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        // not answering
      }
    }
    return null;
  }

  AgentProcess awaitLeader(Duration d) throws InterruptedException {
    AgentProcess[] found = new AgentProcess[1];
    await(d, () -> (found[0] = leader()) != null, "a leader");
    return found[0];
  }

  /** Roles by node name, from the leader's /status. */
  @SuppressWarnings("unchecked")
  Map<String, String> roles() throws IOException, InterruptedException {
    AgentProcess l = leader();
    Map<String, String> out = new HashMap<>();
    if (l == null) {
      return out;
    }
    for (Object o : (List<Object>) l.status().get("members")) {
      Map<String, Object> m = (Map<String, Object>) o;
      for (AgentProcess p : nodes) {
        if (p.address.equals(m.get("address"))) {
          out.put(p.name, (String) m.get("role"));
        }
      }
    }
    return out;
  }

  String logs() {
    StringBuilder sb = new StringBuilder();
    for (AgentProcess p : nodes) {
      sb.append("==== ").append(p).append('\n').append(p.logText());
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (AgentProcess p : nodes) {
      p.close();
    }
  }

  static Path mkdirs(Path p) throws IOException {
    return Files.createDirectories(p);
  }
}
