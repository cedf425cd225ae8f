package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.client.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Refreshes this node's {@link ClusterView} and, while this node leads, applies the {@link
 * RolePolicy} (one change per round). Members are probed with DESCRIBE (2 s timeout; no answer
 * means offline).
 */
public final class RoleManager {
  private static final Logger LOG = Logger.getLogger(RoleManager.class.getName());
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final long selfId;
  private final String selfAddress;
  private final Supplier<RolePolicy> policy;
  private final boolean applyPolicy;
  private final ClientOptions options;
  private volatile ClusterView view = ClusterView.EMPTY;
  final AtomicLong roleChanges = new AtomicLong();
  private String lastDecision;

  /**
   * @param policy the policy of each round: the role targets are live settings (see {@link LiveRoleTargets})
   * @param applyPolicy false when the engine runs its own role management: the view is still refreshed
   */
  public RoleManager(long selfId, String selfAddress, Supplier<RolePolicy> policy, boolean applyPolicy,
      ClientOptions options) {
    this.selfId = selfId;
    this.selfAddress = selfAddress;
    this.policy = policy;
    this.applyPolicy = applyPolicy;
    this.options = options.withConnectTimeout(PROBE_TIMEOUT).withRequestTimeout(PROBE_TIMEOUT);
  }

  public ClusterView view() {
    return view;
  }

  /** The policy as it stands now (the live targets and leaving members). */
  public RolePolicy policy() {
    return policy.get();
  }

  /** One round: refresh the view; if this node leads, probe everyone and make at most one change. */
  public void runOnce() {
    RolePolicy p = policy.get();
    List<NodeInfo> members;
    NodeInfo leader;
    NodeMetadata self;
    try (CowsqlClient c = CowsqlClient.connect(selfAddress, options)) {
      members = c.cluster();
      self = c.describe(PROBE_TIMEOUT);
      leader = c.leader();
      if (!leader.isKnown()) {
        leader = askVoters(members);
      }
      if (leader == null || leader.id() != selfId) {
        view = new ClusterView(members, leader, self, Map.of(), p.leaving(), System.nanoTime());
        return;
      }
      Map<Long, NodeMetadata> online = probe(members, self);
      view = new ClusterView(members, leader, self, online, p.leaving(), System.nanoTime());
      if (!applyPolicy) {
        return;
      }
      RolePolicy.Decision d = p.adjust(members, online, selfId);
      if (d == null) {
        String msg = p.leaving().contains(selfId)
            ? "this node leads and is leaving: the policy never demotes the leader; it stays a voter until leadership moves to a staying voter"
            : null;
        if (msg != null && !msg.equals(lastDecision)) {
          LOG.info(msg);
        }
        lastDecision = msg;
        return;
      }
      for (NodeInfo cand : d.candidates()) {
        try {
          c.assign(cand.id(), d.role());
          roleChanges.incrementAndGet();
          LOG.info("role change: " + cand.hexId() + " (" + cand.address() + ") " + RolePolicy.name(cand.role()) + " -> " + RolePolicy.name(d.role()) + ": " + d.reason());
          lastDecision = null;
          return;
        } catch (CowsqlException e) {
          String msg = "role change " + cand.hexId() + " -> " + RolePolicy.name(d.role()) + " failed: " + e.getMessage();
          if (!msg.equals(lastDecision)) {
            LOG.info(msg);
            lastDecision = msg;
          }
        }
      }
    } catch (CowsqlException | RuntimeException e) {
      view = new ClusterView(view.members(), null, null, Map.of(), p.leaving(), System.nanoTime());
    }
  }

  private NodeInfo askVoters(List<NodeInfo> members) {
    for (NodeInfo m : members) {
      if (m.role() != Role.VOTER || m.id() == selfId) {
        continue;
      }
      try (CowsqlClient c = CowsqlClient.connect(m.address(), options)) {
        NodeInfo l = c.leader();
        if (l.isKnown()) {
          return l;
        }
      } catch (CowsqlException | RuntimeException e) {
        // offline
      }
    }
    return null;
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private Map<Long, NodeMetadata> probe(List<NodeInfo> members, NodeMetadata self) {
    Map<Long, NodeMetadata> online = new HashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (NodeInfo m : members) {
      if (m.id() == selfId) {
        online.put(m.id(), self);
        continue;
      }
      Thread t = start("probe-" + m.hexId(), () -> {
        try (CowsqlClient c = CowsqlClient.connect(m.address(), options)) {
          NodeMetadata md = c.describe(PROBE_TIMEOUT);
          synchronized (online) {
            online.put(m.id(), md);
          }
        } catch (CowsqlException | RuntimeException e) {
          // offline
        }
      });
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join(PROBE_TIMEOUT.toMillis() * 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    synchronized (online) {
      return Map.copyOf(online);
    }
  }
}
