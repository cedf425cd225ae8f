package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import io.cowsql.node.Node;
import io.cowsql.node.NodeOptions;
import io.cowsql.node.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Not a test: the engine's own role management ({@code node_enable_role_management}, libcowsql)
 * against the agent's {@link RolePolicy}, on in-process libcowsql nodes. Five nodes in failure
 * domains 1, 1, 1, 2, 3, joining in that order; target 3 voters and 1 standby. Per mode and run:
 * which domains the voters end up in, and, after a voter other than the leader stops, how long
 * until 3 online voters are in the configuration again. Both rounds run every second (the
 * engine's fixed tick). Prints medians over {@code -Dbench.rounds} (default 3).
 *
 * <pre>java -cp <test classpath> io.cowsql.node.agent.RoleManagementBench</pre>
 */
public final class RoleManagementBench {
  static final long[] DOMAINS = {1, 1, 1, 2, 3};
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final ClientOptions CLIENT = ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(1)).withRequestTimeout(Duration.ofSeconds(2));

  enum Mode { ENGINE, JAVA }

  record Outcome(int votingDomains, String voterDomains, long reactionMs) {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 3);
    for (Mode mode : Mode.values()) {
      List<Outcome> outcomes = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        Outcome o = run(mode, Files.createTempDirectory("roles-" + mode));
        System.out.println(mode + " round " + (r + 1) + ": " + o);
        outcomes.add(o);
      }
      long[] reactions = outcomes.stream().mapToLong(Outcome::reactionMs).sorted().toArray();
      System.out.println(mode + ": voters' domains per round " + outcomes.stream().map(Outcome::voterDomains).toList()
          + "; reaction after a voter stops, median " + reactions[reactions.length / 2] + " ms of " + Arrays.toString(reactions));
    }
    System.exit(0);
  }

  static Outcome run(Mode mode, Path root) throws Exception {
    List<Node> nodes = new ArrayList<>();
    Map<Long, Long> domainOf = new ConcurrentHashMap<>();
    List<Thread> managers = new ArrayList<>();
    try {
      for (int i = 0; i < DOMAINS.length; i++) {
        String addr = TestPorts.address();
        long id = i == 0 ? Node.BOOTSTRAP_ID : Node.generateId(addr);
        NodeOptions o = NodeOptions.defaults().withBindAddress(addr).withFailureDomain(DOMAINS[i]).withNetworkLatency(Duration.ofMillis(20));
        if (mode == Mode.ENGINE) {
          o = o.withEngineRoleManagement(3, 1);
        }
        Node n = Node.create(id, addr, Files.createDirectories(root.resolve("n" + i)), o);
        n.start();
        nodes.add(n);
        domainOf.put(id, DOMAINS[i]);
        if (i > 0) {
          add(nodes.stream().map(Node::address).toList(), id, addr);
        }
        if (mode == Mode.JAVA) {
          RoleManager rm = new RoleManager(id, addr, () -> new RolePolicy(3, 1), true, CLIENT);
          Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
              rm.runOnce();
              try {
                Thread.sleep(INTERVAL.toMillis());
              } catch (InterruptedException e) {
                return;
              }
            }
          }, "roles-" + i);
          t.setDaemon(true);
          t.start();
          managers.add(t);
        }
        Thread.sleep(300);
      }
      List<String> addrs = nodes.stream().map(Node::address).toList();
      // Settled: the same voters for 5 s in a row (at most 60 s).
      List<NodeInfo> settled = null;
      String last = "";
      long since = System.nanoTime();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        List<NodeInfo> now = cluster(addrs);
        String voters = voters(now).toString();
        if (!voters.equals(last)) {
          last = voters;
          since = System.nanoTime();
        } else if (voters(now).size() == 3 && System.nanoTime() - since > Duration.ofSeconds(5).toNanos()) {
          settled = now;
          break;
        }
        Thread.sleep(200);
      }
      if (settled == null) {
        throw new IllegalStateException(mode + ": the voters did not settle: " + last);
      }
      TreeSet<Long> domains = new TreeSet<>();
      List<Long> voterDomains = new ArrayList<>();
      for (long v : voters(settled)) {
        domains.add(domainOf.get(v));
        voterDomains.add(domainOf.get(v));
      }
      voterDomains.sort(null);

      // Stop a voter that does not lead, and wait for 3 voters without it.
      long leaderId;
      try (CowsqlClient l = CowsqlClient.findLeader(addrs, CLIENT)) {
        leaderId = l.leader().id();
      }
      Node victim = null;
      for (Node n : nodes) {
        if (n.id() != leaderId && voters(settled).contains(n.id())) {
          victim = n;
          break;
        }
      }
      List<String> live = new ArrayList<>(addrs);
      live.remove(victim.address());
      long t0 = System.nanoTime();
      victim.close();
      long reaction = -1;
      while (System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos()) {
        List<NodeInfo> now = cluster(live);
        TreeSet<Long> v = voters(now);
        if (v.size() == 3 && !v.contains(victim.id())) {
          reaction = (System.nanoTime() - t0) / 1_000_000;
          break;
        }
        Thread.sleep(50);
      }
      return new Outcome(domains.size(), voterDomains.toString(), reaction);
    } finally {
      managers.forEach(Thread::interrupt);
      for (Thread t : managers) {
        t.join(5000);
      }
      for (Node n : nodes) {
        n.close();
      }
    }
  }

  /** ADD as spare, retried while another configuration change (a role change) is in progress. */
  static void add(List<String> addrs, long id, String addr) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (CowsqlClient leader = CowsqlClient.findLeader(addrs, CLIENT)) {
        leader.add(id, addr);
        return;
      } catch (io.cowsql.client.CowsqlException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  static List<NodeInfo> cluster(List<String> addrs) {
    try (CowsqlClient l = CowsqlClient.findLeader(addrs, CLIENT)) {
      return l.cluster();
    } catch (Exception e) {
      return List.of();
    }
  }

  static TreeSet<Long> voters(List<NodeInfo> members) {
    TreeSet<Long> v = new TreeSet<>();
    for (NodeInfo m : members) {
      if (m.role() == Role.VOTER) {
        v.add(m.id());
      }
    }
    return v;
  }
}
