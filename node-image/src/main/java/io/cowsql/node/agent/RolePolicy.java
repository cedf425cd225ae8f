package io.cowsql.node.agent;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.client.Role;
import io.cowsql.contract.RoleTargets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The role policy, run by whichever node leads: go-dqlite's {@code RolesChanges}
 * rules plus go-dqlite v3's failure-domain rules. Pure: it decides, {@link RoleManager} acts.
 *
 * <ul>
 *   <li>Clusters smaller than 3: the leader is the only voter.
 *   <li>Fewer online voters than the target: promote an online standby (then spare), candidates
 *       in a failure domain no online voter uses first, then lower weight.
 *   <li>More online voters than the target: demote one (never the leader), from the most crowded
 *       failure domain first, then higher weight; to standby if standbys are short, else spare.
 *   <li>Offline voters: demote to spare. A member sharing its address with another (the former self
 *       of a node wiped and restarted under a new id) counts as offline.
 *   <li>Voters at target but sharing a domain while an online standby/spare sits in a domain no
 *       voter uses: promote it (the next round demotes from the crowded domain).
 *   <li>Standbys: the same rules with spares as candidates.
 *   <li>Leaving members (a scale-down in progress, {@link io.cowsql.contract.Annotations#LEAVING}):
 *       never promoted, and counted out of the targets, so their replacements are promoted first;
 *       a leaving voter is demoted to spare only once the other online voters are at the target
 *       (never the leader), so the voter count never drops below it during the change. A leaving
 *       standby is demoted once the other standbys are at the target, or when no spare could
 *       replace it (a standby holds no vote).
 * </ul>
 */
public final class RolePolicy {
  private final int targetVoters;
  private final int targetStandbys;
  private final Set<Long> leaving;

  /** voter, standby or spare (as /status and the logs print roles). */
  public static String name(Role r) {
    return r.name().toLowerCase(java.util.Locale.ROOT);
  }

  public RolePolicy(int targetVoters, int targetStandbys) {
    this(targetVoters, targetStandbys, Set.of());
  }

  /** @param leaving the ids of the members a scale-down takes out */
  public RolePolicy(int targetVoters, int targetStandbys, Set<Long> leaving) {
    this.targetVoters = targetVoters;
    this.targetStandbys = targetStandbys;
    this.leaving = Set.copyOf(leaving);
  }

  /** The ids of the members a scale-down takes out: never promoted, demoted once replaced. */
  public Set<Long> leaving() {
    return leaving;
  }

  public int targetVoters() {
    return targetVoters;
  }

  public int targetStandbys() {
    return targetStandbys;
  }

  /**
   * The probe answers that can be attributed to a member. A node wiped and started again empty joins
   * under a new id at its old address, and its former self stays in the configuration until it is
   * removed: an answer at that address comes from the new node, so it says nothing about the former
   * self, and promoting the former self starts a change the engine can never finish (the node it
   * names does not exist) and blocks every later change, the removal included. So no member that
   * shares its address with another counts as online (the leader answers for itself only): the
   * new node waits as a spare until its former self is gone. Members with distinct addresses (every
   * fresh cluster) are attributed as probed; an empty address (none known) shares nothing.
   */
  static Map<Long, NodeMetadata> attributable(List<NodeInfo> members, Map<Long, NodeMetadata> probed, long leader) {
    Map<String, Integer> perAddress = new HashMap<>();
    for (NodeInfo m : members) {
      perAddress.merge(m.address(), 1, Integer::sum);
    }
    Map<Long, NodeMetadata> out = new HashMap<>();
    for (NodeInfo m : members) {
      NodeMetadata md = probed.get(m.id());
      if (md != null && (m.id() == leader || m.address().isEmpty() || perAddress.get(m.address()) == 1)) {
        out.put(m.id(), md);
      }
    }
    return out;
  }

  /** A decision: give {@code role} to the first candidate that accepts it. */
  public record Decision(Role role, List<NodeInfo> candidates, String reason) {}

  /**
   * @param members the raft configuration
   * @param online metadata of each online member (by id); a missing entry means offline
   * @param leader the leader's id
   * @return the change to make, or null when the roles are as they should be
   */
  public Decision adjust(List<NodeInfo> members, Map<Long, NodeMetadata> probed, long leader) {
    if (members.size() <= 1) {
      return null;
    }
    Map<Long, NodeMetadata> online = attributable(members, probed, leader);
    if (members.size() < RoleTargets.SMALLEST_VOTING_GROUP) {
      for (NodeInfo m : members) {
        if (m.id() != leader && m.role() == Role.VOTER) {
          return new Decision(Role.SPARE, List.of(m), "cluster smaller than " + RoleTargets.SMALLEST_VOTING_GROUP + ": only the leader votes");
        }
      }
      return null;
    }
    List<NodeInfo> onlineVoters = staying(list(members, online, Role.VOTER, true));
    List<NodeInfo> leavingVoters = leavingOnly(list(members, online, Role.VOTER, true));
    List<NodeInfo> offlineVoters = list(members, online, Role.VOTER, false);
    List<NodeInfo> onlineStandbys = staying(list(members, online, Role.STANDBY, true));
    List<NodeInfo> leavingStandbys = leavingOnly(list(members, online, Role.STANDBY, true));
    List<NodeInfo> offlineStandbys = list(members, online, Role.STANDBY, false);
    String besidesLeaving = leavingVoters.isEmpty() ? "" : " besides " + leavingVoters.size() + " leaving";

    if (onlineVoters.size() < targetVoters) {
      List<NodeInfo> candidates = staying(list(members, online, Role.STANDBY, true));
      candidates.addAll(staying(list(members, online, Role.SPARE, true)));
      if (candidates.isEmpty()) {
        // a leaving voter keeps its vote until a replacement is in
        return null;
      }
      sortCandidates(candidates, domains(onlineVoters, online), online);
      return new Decision(Role.VOTER, candidates, onlineVoters.size() + " online voters" + besidesLeaving + ", target " + targetVoters);
    }
    List<NodeInfo> replacedVoters = new ArrayList<>(leavingVoters);
    replacedVoters.removeIf(m -> m.id() == leader);
    if (!replacedVoters.isEmpty()) {
      return new Decision(Role.SPARE, replacedVoters, "leaving, and replaced: " + onlineVoters.size() + " other online voters, target " + targetVoters);
    }
    if (onlineVoters.size() > targetVoters) {
      List<NodeInfo> demotable = new ArrayList<>();
      for (NodeInfo m : onlineVoters) {
        if (m.id() != leader) {
          demotable.add(m);
        }
      }
      sortForDemotion(demotable, onlineVoters, online);
      Role to = onlineStandbys.size() < targetStandbys ? Role.STANDBY : Role.SPARE;
      return new Decision(to, demotable, onlineVoters.size() + " online voters, target " + targetVoters);
    }
    if (!offlineVoters.isEmpty()) {
      return new Decision(Role.SPARE, offlineVoters, "voter offline");
    }
    // Voters at target: spread them over failure domains.
    Set<Long> voterDomains = domains(onlineVoters, online);
    if (voterDomains.size() < onlineVoters.size()) {
      List<NodeInfo> candidates = new ArrayList<>();
      for (NodeInfo m : staying(members)) {
        NodeMetadata md = online.get(m.id());
        if (md != null && m.role() != Role.VOTER && !voterDomains.contains(md.failureDomain())) {
          candidates.add(m);
        }
      }
      if (!candidates.isEmpty()) {
        sortCandidates(candidates, voterDomains, online);
        candidates.sort(Comparator.comparingInt((NodeInfo m) -> m.role() == Role.STANDBY ? 0 : 1));
        return new Decision(Role.VOTER, candidates, "voters share a failure domain; " + candidates.get(0).hexId() + " is in an unused one");
      }
    }
    if (onlineStandbys.size() < targetStandbys) {
      List<NodeInfo> candidates = staying(list(members, online, Role.SPARE, true));
      if (!candidates.isEmpty()) {
        sortCandidates(candidates, domains(onlineStandbys, online), online);
        return new Decision(Role.STANDBY, candidates, onlineStandbys.size() + " online standbys, target " + targetStandbys);
      }
      if (!leavingStandbys.isEmpty()) {
        return new Decision(Role.SPARE, leavingStandbys, "leaving; no spare can replace it, and a standby holds no vote");
      }
      return null;
    }
    if (!leavingStandbys.isEmpty()) {
      return new Decision(Role.SPARE, leavingStandbys, "leaving, and replaced: " + onlineStandbys.size() + " other online standbys, target " + targetStandbys);
    }
    if (onlineStandbys.size() > targetStandbys) {
      List<NodeInfo> demotable = new ArrayList<>();
      for (NodeInfo m : onlineStandbys) {
        if (m.id() != leader) {
          demotable.add(m);
        }
      }
      sortForDemotion(demotable, onlineStandbys, online);
      return new Decision(Role.SPARE, demotable, onlineStandbys.size() + " online standbys, target " + targetStandbys);
    }
    if (!offlineStandbys.isEmpty()) {
      return new Decision(Role.SPARE, offlineStandbys, "standby offline");
    }
    return null;
  }

  /**
   * Handover of {@code self} before it stops: the role to hand over and the candidates, in order
   * of preference (go-dqlite's RolesChanges.Handover); a leaving member is never one. Null when
   * there is nothing to hand over.
   */
  public Decision handover(List<NodeInfo> members, Map<Long, NodeMetadata> online, long self) {
    NodeInfo me = null;
    for (NodeInfo m : members) {
      if (m.id() == self) {
        me = m;
      }
    }
    if (me == null || (me.role() != Role.VOTER && me.role() != Role.STANDBY)) {
      return null;
    }
    List<NodeInfo> peers = new ArrayList<>();
    for (NodeInfo m : staying(list(members, online, me.role(), true))) {
      if (m.id() != self) {
        peers.add(m);
      }
    }
    List<NodeInfo> candidates = new ArrayList<>();
    if (me.role() == Role.VOTER) {
      candidates.addAll(list(members, online, Role.STANDBY, true));
    }
    candidates.addAll(list(members, online, Role.SPARE, true));
    candidates.removeIf(m -> m.id() == self || leaving.contains(m.id()));
    if (candidates.isEmpty()) {
      return null;
    }
    sortCandidates(candidates, domains(peers, online), online);
    return new Decision(me.role(), candidates, "handover of " + me.hexId());
  }

  private static List<NodeInfo> list(List<NodeInfo> members, Map<Long, NodeMetadata> online, Role role, boolean isOnline) {
    List<NodeInfo> out = new ArrayList<>();
    for (NodeInfo m : members) {
      if (m.role() == role && online.containsKey(m.id()) == isOnline) {
        out.add(m);
      }
    }
    return out;
  }

  /** The members no scale-down takes out. */
  private List<NodeInfo> staying(List<NodeInfo> nodes) {
    List<NodeInfo> out = new ArrayList<>();
    for (NodeInfo n : nodes) {
      if (!leaving.contains(n.id())) {
        out.add(n);
      }
    }
    return out;
  }

  private List<NodeInfo> leavingOnly(List<NodeInfo> nodes) {
    List<NodeInfo> out = new ArrayList<>();
    for (NodeInfo n : nodes) {
      if (leaving.contains(n.id())) {
        out.add(n);
      }
    }
    return out;
  }

  private static Set<Long> domains(List<NodeInfo> nodes, Map<Long, NodeMetadata> online) {
    Set<Long> d = new HashSet<>();
    for (NodeInfo n : nodes) {
      NodeMetadata md = online.get(n.id());
      if (md != null) {
        d.add(md.failureDomain());
      }
    }
    return d;
  }

  /** Unused domains first, then lower weight, then standbys (warm) before spares, then id. */
  private static void sortCandidates(List<NodeInfo> candidates, Set<Long> usedDomains, Map<Long, NodeMetadata> online) {
    candidates.sort(Comparator.<NodeInfo>comparingInt(m -> usedDomains.contains(online.get(m.id()).failureDomain()) ? 1 : 0)
        .thenComparingLong(m -> online.get(m.id()).weight())
        .thenComparingInt(m -> m.role() == Role.STANDBY ? 0 : 1)
        .thenComparing(m -> Long.toUnsignedString(m.id())));
  }

  /** Most crowded domain first (among {@code holders}), then higher weight. */
  private static void sortForDemotion(List<NodeInfo> demotable, List<NodeInfo> holders, Map<Long, NodeMetadata> online) {
    Map<Long, Integer> crowd = new HashMap<>();
    for (NodeInfo h : holders) {
      crowd.merge(online.get(h.id()).failureDomain(), 1, Integer::sum);
    }
    demotable.sort(Comparator.<NodeInfo>comparingInt(m -> -crowd.getOrDefault(online.get(m.id()).failureDomain(), 0))
        .thenComparingLong(m -> -online.get(m.id()).weight())
        .thenComparing(m -> Long.toUnsignedString(m.id())));
  }
}
