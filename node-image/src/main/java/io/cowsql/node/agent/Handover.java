package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.client.Role;
import io.cowsql.node.Node;
import io.cowsql.node.engine.EngineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Handing over at shutdown: the engine's own {@code node_handover} where it has one (libcowsql),
 * else through the client (go-dqlite's App.Handover: promote a replacement for this node's role,
 * transfer leadership if this node leads, then demote this node to spare). Either way bounded in
 * time and by the node's state, and the outcome is logged as what the cluster now looks like.
 */
public final class Handover {
  private static final Logger LOG = Logger.getLogger(Handover.class.getName());

  /** A transfer is answered once the new leader is elected: give it a few election timeouts (default latency). */
  static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(5);

  private Handover() {}

  /**
   * What a node says: the leader it knows (null if none), its configuration, and the role of the
   * node handing over in it (null if absent).
   */
  private record Seen(NodeInfo leader, Role role, List<NodeInfo> members) {
    boolean leads(long selfId) {
      return leader != null && leader.id() == selfId;
    }
  }

  /**
   * Hand over before stopping {@code node}, within {@code timeout}. Skipped when this node knows no
   * leader: nobody could take over (no quorum), and the engine's transfer would then wait forever.
   * The native handover runs only on a voter: the engine would otherwise promote a non-voter in the
   * place of a node that holds no vote.
   */
  public static void atShutdown(Node node, long selfId, String selfAddress, boolean joined, RolePolicy policy, ClientOptions options, Duration timeout)
      throws CowsqlException {
    if (!joined) {
      LOG.info("handover: not a member of the cluster yet, nothing to hand over");
      return;
    }
    ClientOptions opts = options.withConnectTimeout(RoleManager.PROBE_TIMEOUT).withRequestTimeout(RoleManager.PROBE_TIMEOUT).withRetryTimeout(RoleManager.PROBE_TIMEOUT);
    Seen before = look(selfAddress, selfId, opts);
    if (before == null || before.leader() == null) {
      LOG.info("handover skipped: this node knows no leader (no quorum?), so no other node could take over; stopping without it");
      return;
    }
    if (!node.hasNativeHandover()) {
      run(selfId, selfAddress, policy, options, timeout);
      return;
    }
    if (before.role() != Role.VOTER) {
      LOG.info("handover: this node is " + (before.role() == null ? "not in the configuration" : "a " + RolePolicy.name(before.role())) + " and holds no vote: nothing to hand over");
      return;
    }
    EngineException failed = null;
    try {
      node.handover(timeout);
    } catch (EngineException e) {
      failed = e;
    }
    if (failed != null && failed.code() == -1) {
      LOG.info("handover incomplete: " + failed.getMessage() + " (a leadership transfer may still be pending); stopping anyway");
      return;
    }
    LOG.info("handover: " + outcome(selfId, selfAddress, before, opts, failed));
  }

  /** The cluster after node_handover, in words, as the leader (or this node) now sees it. */
  private static String outcome(long selfId, String selfAddress, Seen before, ClientOptions opts, EngineException failed) {
    Seen own = look(selfAddress, selfId, opts);
    NodeInfo leader = own == null ? null : own.leader();
    // A node demoted to spare no longer hears from the leader: ask the voters.
    for (NodeInfo m : before.members()) {
      if (leader != null) {
        break;
      }
      if (m.id() != selfId && m.role() == Role.VOTER) {
        Seen other = look(m.address(), selfId, opts);
        leader = other == null ? null : other.leader();
      }
    }
    Seen seen = leader != null && leader.id() != selfId ? look(leader.address(), selfId, opts) : own;
    String engineSaid = failed == null ? "node_handover returned 0" : "node_handover returned " + failed.code();
    if (leader == null) {
      return "incomplete: no leader known afterwards (" + engineSaid + ")";
    }
    if (leader.id() == selfId) {
      return "incomplete: this node still leads, no other voter took over (" + engineSaid + ")";
    }
    String lead = (before.leads(selfId) ? "leadership moved to " : "leadership stays with ") + leader.hexId() + " (" + leader.address() + ")";
    if (seen == null) {
      return lead + "; this node's role could not be read, the leader did not answer (" + engineSaid + ")";
    }
    Role role = seen.role();
    if (role == Role.VOTER) {
      return lead + "; no online standby or spare could take this node's vote, so it stays a voter while it is stopped (" + engineSaid + ")";
    }
    return lead + "; this node is now " + (role == null ? "out of the configuration" : "a " + RolePolicy.name(role)) + " (" + engineSaid + ")";
  }

  private static Seen look(String address, long selfId, ClientOptions opts) {
    try (CowsqlClient c = CowsqlClient.connect(address, opts)) {
      NodeInfo leader = c.leader();
      List<NodeInfo> members = c.cluster();
      Role role = null;
      for (NodeInfo m : members) {
        if (m.id() == selfId) {
          role = m.role();
        }
      }
      return new Seen(leader.isKnown() ? leader : null, role, members);
    } catch (CowsqlException | RuntimeException e) {
      return null;
    }
  }

  /** The handover through the client (engines without node_handover). */
  static void run(long selfId, String selfAddress, RolePolicy policy, ClientOptions options, Duration timeout) throws CowsqlException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ClientOptions opts = options.withConnectTimeout(RoleManager.PROBE_TIMEOUT).withRequestTimeout(RoleManager.PROBE_TIMEOUT).withRetryTimeout(timeout);
    List<NodeInfo> members;
    NodeMetadata self;
    try (CowsqlClient c = CowsqlClient.connect(selfAddress, opts)) {
      members = c.cluster();
      self = c.describe(RoleManager.PROBE_TIMEOUT);
    }
    Map<Long, NodeMetadata> online = new HashMap<>();
    online.put(selfId, self);
    for (NodeInfo m : members) {
      if (m.id() == selfId) {
        continue;
      }
      try (CowsqlClient c = CowsqlClient.connect(m.address(), opts)) {
        online.put(m.id(), c.describe(RoleManager.PROBE_TIMEOUT));
      } catch (CowsqlException | RuntimeException e) {
        // offline
      }
    }
    List<String> addresses = new ArrayList<>();
    for (NodeInfo m : members) {
      addresses.add(m.address());
    }
    RolePolicy.Decision d = policy.handover(members, online, selfId);
    CowsqlClient leader = CowsqlClient.findLeader(addresses, opts);
    try {
      long promoted = 0;
      if (d != null) {
        for (NodeInfo cand : d.candidates()) {
          try {
            leader.assign(cand.id(), d.role());
            promoted = cand.id();
            LOG.info("handover: " + cand.hexId() + " " + RolePolicy.name(cand.role()) + " -> " + RolePolicy.name(d.role()));
            break;
          } catch (CowsqlException e) {
            LOG.info("handover: promoting " + cand.hexId() + " failed: " + e.getMessage());
          }
        }
      }
      if (leader.address().equals(selfAddress)) {
        List<NodeInfo> targets = new ArrayList<>();
        for (NodeInfo m : leader.cluster()) {
          if (m.id() != selfId && m.role() == Role.VOTER && online.containsKey(m.id())) {
            targets.add(m);
          }
        }
        leader.close();
        // Voters of long standing first: they are caught up and know that they vote. A node
        // promoted a moment ago may not have applied its promotion yet; raft then waits an
        // election timeout before it gives the transfer up, and dqlite answers only after that.
        final long fresh = promoted;
        targets.sort((a, b) -> Boolean.compare(a.id() == fresh, b.id() == fresh));
        boolean moved = false;
        for (NodeInfo t : targets) {
          if (System.nanoTime() >= deadline) {
            break;
          }
          if (transfer(selfAddress, t, opts, deadline)) {
            moved = true;
            break;
          }
        }
        if (!moved) {
          LOG.info("handover: no voter took over leadership");
          return;
        }
        List<String> others = new ArrayList<>(addresses);
        others.remove(selfAddress);
        leader = findLeaderUntil(others, opts, deadline);
      }
      if (promoted != 0) {
        leader.assign(selfId, Role.SPARE);
        LOG.info("handover: " + Long.toHexString(selfId) + " demoted to spare");
      }
    } finally {
      leader.close();
    }
  }

  /**
   * One transfer on a connection of its own: a transfer that timed out leaves its connection
   * unusable, and the next target must not fail for that. True when leadership left this node,
   * also when the answer came too late but the transfer happened.
   */
  private static boolean transfer(String selfAddress, NodeInfo target, ClientOptions opts, long deadline) {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
    ClientOptions transferOpts = opts.withRequestTimeout(Duration.ofMillis(Math.min(TRANSFER_TIMEOUT.toMillis(), left)));
    boolean unanswered;
    try (CowsqlClient self = CowsqlClient.connect(selfAddress, transferOpts)) {
      self.transfer(target.id());
      LOG.info("handover: leadership transferred to " + target.hexId() + " (" + target.address() + ")");
      return true;
    } catch (CowsqlException e) {
      LOG.info("handover: transfer to " + target.hexId() + " failed: " + e.getMessage());
      unanswered = e.code() == CowsqlException.CLIENT_TIMEOUT || e.isConnectionBroken();
    } catch (RuntimeException e) {
      LOG.info("handover: transfer to " + target.hexId() + " failed: " + e);
      unanswered = true;
    }
    // A transfer the client gave up waiting for may still complete, and raft refuses another one
    // meanwhile: watch for it, as long as a transfer may take, before trying the next target. A
    // refused transfer is checked once.
    long watchUntil = unanswered ? Math.min(deadline, System.nanoTime() + TRANSFER_TIMEOUT.toNanos()) : 0;
    while (true) {
      try (CowsqlClient self = CowsqlClient.connect(selfAddress, opts)) {
        NodeInfo now = self.leader();
        if (now.isKnown() && !now.address().equals(selfAddress)) {
          LOG.info("handover: leadership moved to " + now.hexId() + " (" + now.address() + ") after all");
          return true;
        }
      } catch (CowsqlException | RuntimeException e) {
        // not known yet
      }
      if (System.nanoTime() + 200_000_000L >= watchUntil) {
        return false;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static CowsqlClient findLeaderUntil(List<String> addresses, ClientOptions opts, long deadline) throws CowsqlException {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
    return CowsqlClient.findLeader(addresses, opts.withRetryTimeout(Duration.ofMillis(left)));
  }
}
