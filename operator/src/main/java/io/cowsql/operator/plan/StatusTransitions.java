package io.cowsql.operator.plan;

import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.ScaleDownStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What changed between two statuses, as Kubernetes Events on the CowsqlCluster so {@code kubectl describe} tells
 * the story: each condition change (one per reason), each leader change (from and to), each member's Node
 * turning NotReady (and Ready again), and each step a scale-down takes (a refusal is the condition's Event). Pure: the same two statuses give the same list.
 */
public final class StatusTransitions {
  public static final String LEADER_CHANGED = "LeaderChanged";
  public static final String NODE_NOT_READY = "NodeNotReady";
  public static final String NODE_READY = "NodeReady";
  public static final String SCALE_DOWN_STEP = "ScaleDownStep";

  /** One change: the Event's reason and message, and whether it is bad news (a Warning). */
  public record Transition(String reason, String message, boolean warning) {}

  private StatusTransitions() {}

  public static List<Transition> between(CowsqlClusterStatus previous, CowsqlClusterStatus next) {
    List<Transition> out = new ArrayList<>();
    if (next == null || next.conditions == null) {
      return out;
    }
    Set<String> reasons = new HashSet<>(); // one event per reason (InvalidSpec is on three conditions)
    for (Condition now : next.conditions) {
      Optional<Condition> before = StatusAggregator.find(previous, now.getType());
      boolean changed = before.isEmpty() || !Objects.equals(before.get().getStatus(), now.getStatus())
          || !Objects.equals(before.get().getReason(), now.getReason());
      boolean news = before.isPresent() || !"Reconciled".equals(now.getReason()) && !"AsExpected".equals(now.getReason());
      if (changed && news && reasons.add(now.getReason())) {
        out.add(new Transition(now.getReason(), now.getType() + "=" + now.getStatus() + ": " + now.getMessage(),
            bad(now)));
      }
    }
    String leaderBefore = previous == null ? null : previous.leader;
    if (next.leader != null && !next.leader.equals(leaderBefore)) {
      out.add(new Transition(LEADER_CHANGED, leaderBefore == null ? "Leader elected: " + next.leader
          + " (no leader was known before)" : "Leader changed from " + leaderBefore + " to " + next.leader, false));
    }
    ScaleDownStatus stepBefore = previous == null ? null : previous.scaleDown;
    if (next.scaleDown != null && !"Refused".equals(next.scaleDown.step) && (stepBefore == null
        || !Objects.equals(stepBefore.step, next.scaleDown.step) || !Objects.equals(stepBefore.member, next.scaleDown.member))) {
      out.add(new Transition(SCALE_DOWN_STEP, next.scaleDown.step + ": " + next.scaleDown.message, false));
    }
    Map<String, CowsqlClusterStatus.Member> membersBefore = new TreeMap<>();
    if (previous != null && previous.members != null) {
      previous.members.forEach(m -> membersBefore.put(m.pod, m));
    }
    // per Node: the members on it that saw it turn NotReady (or Ready again) since the previous status
    Map<String, List<String>> wentDown = new TreeMap<>();
    Map<String, List<String>> cameBack = new TreeMap<>();
    for (CowsqlClusterStatus.Member m : next.members == null ? List.<CowsqlClusterStatus.Member>of() : next.members) {
      CowsqlClusterStatus.Member was = membersBefore.get(m.pod);
      boolean sameNode = was != null && m.node != null && m.node.equals(was.node);
      if (Boolean.FALSE.equals(m.nodeReady) && !(sameNode && Boolean.FALSE.equals(was.nodeReady))) {
        wentDown.computeIfAbsent(m.node, n -> new ArrayList<>()).add(m.pod + (m.role == null ? "" : " (" + m.role + ")"));
      } else if (Boolean.TRUE.equals(m.nodeReady) && sameNode && Boolean.FALSE.equals(was.nodeReady)) {
        cameBack.computeIfAbsent(m.node, n -> new ArrayList<>()).add(m.pod);
      }
    }
    wentDown.forEach((node, pods) -> out.add(new Transition(NODE_NOT_READY, "Node " + node + " is NotReady (its"
        + " kubelet stopped reporting or reports a problem); members on it: " + String.join(", ", pods), true)));
    cameBack.forEach((node, pods) -> out.add(new Transition(NODE_READY, "Node " + node + " is Ready again; members on"
        + " it: " + String.join(", ", pods), false)));
    return out;
  }

  /** Ready/Available false, Degraded or QuorumLost true, a spec warning, or a refusal. */
  static boolean bad(Condition c) {
    return switch (c.getType()) {
      case StatusAggregator.READY, StatusAggregator.AVAILABLE -> "False".equals(c.getStatus())
          && !StatusAggregator.REASON_CREATING.equals(c.getReason()) && !"NodesNotReady".equals(c.getReason())
          || StatusAggregator.REASON_INVALID_SPEC.equals(c.getReason());
      case StatusAggregator.DEGRADED, StatusAggregator.QUORUM_LOST, StatusAggregator.SPEC_WARNING ->
          "True".equals(c.getStatus());
      default -> StatusAggregator.REASON_SCALE_DOWN_REFUSED.equals(c.getReason())
          || StatusAggregator.REASON_ROLLOUT_STOPPED.equals(c.getReason())
          || StatusAggregator.REASON_INVALID_SPEC.equals(c.getReason());
    };
  }
}
