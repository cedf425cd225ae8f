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
import java.util.logging.Logger;

/**
 * Handover through the client, for engines without {@code node_handover} (go-dqlite's
 * App.Handover): promote a replacement for this node's role, transfer leadership if this node
 * leads, then demote this node to spare.
 */
public final class Handover {
  private static final Logger LOG = Logger.getLogger(Handover.class.getName());

  private Handover() {}

  public static void run(long selfId, String selfAddress, RolePolicy policy, ClientOptions options, Duration timeout) throws CowsqlException {
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
            LOG.info("handover: " + cand.idString() + " " + RolePolicy.name(cand.role()) + " -> " + RolePolicy.name(d.role()));
            break;
          } catch (CowsqlException e) {
            LOG.info("handover: promoting " + cand.idString() + " failed: " + e.getMessage());
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
        final long first = promoted;
        targets.sort((a, b) -> Boolean.compare(b.id() == first, a.id() == first));
        boolean moved = false;
        for (NodeInfo t : targets) {
          try {
            leader.transfer(t.id());
            LOG.info("handover: leadership transferred to " + t.idString() + " (" + t.address() + ")");
            moved = true;
            break;
          } catch (CowsqlException e) {
            LOG.info("handover: transfer to " + t.idString() + " failed: " + e.getMessage());
          }
        }
        leader.close();
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
        LOG.info("handover: " + Long.toUnsignedString(selfId) + " demoted to spare");
      }
    } finally {
      leader.close();
    }
  }

  private static CowsqlClient findLeaderUntil(List<String> addresses, ClientOptions opts, long deadline) throws CowsqlException {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
    return CowsqlClient.findLeader(addresses, opts.withRetryTimeout(Duration.ofMillis(left)));
  }
}
