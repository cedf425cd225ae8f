package io.cowsql.operator.plan;

import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which conditions changed between two statuses: each change (one per reason) becomes a Kubernetes Event on the CowsqlCluster,
 * so {@code kubectl describe} tells the story (spec refused, shrink refused, leader lost, ready again).
 */
public final class ConditionTransitions {

  /** One change: the condition as it is now, and whether it is bad news. */
  public record Transition(Condition condition, boolean warning) {
    public String reason() {
      return condition.getReason();
    }

    public String message() {
      return condition.getType() + "=" + condition.getStatus() + ": " + condition.getMessage();
    }
  }

  private ConditionTransitions() {}

  public static List<Transition> between(CowsqlClusterStatus previous, CowsqlClusterStatus next) {
    List<Transition> out = new ArrayList<>();
    if (next == null || next.conditions == null) {
      return out;
    }
    java.util.Set<String> reasons = new java.util.HashSet<>(); // one event per reason (InvalidSpec is on three)
    for (Condition now : next.conditions) {
      Optional<Condition> before = StatusAggregator.find(previous, now.getType());
      boolean changed = before.isEmpty() || !Objects.equals(before.get().getStatus(), now.getStatus())
          || !Objects.equals(before.get().getReason(), now.getReason());
      boolean news = before.isPresent() || !"Reconciled".equals(now.getReason()) && !"AsExpected".equals(now.getReason());
      if (changed && news && reasons.add(now.getReason())) {
        out.add(new Transition(now, bad(now)));
      }
    }
    return out;
  }

  /** Ready/Available false, Degraded true, or a refusal. */
  static boolean bad(Condition c) {
    return switch (c.getType()) {
      case StatusAggregator.READY, StatusAggregator.AVAILABLE -> "False".equals(c.getStatus())
          && !"Creating".equals(c.getReason()) && !"NodesNotReady".equals(c.getReason())
          || "InvalidSpec".equals(c.getReason());
      case StatusAggregator.DEGRADED -> "True".equals(c.getStatus());
      default -> "ScaleDownRefused".equals(c.getReason()) || "InvalidSpec".equals(c.getReason());
    };
  }
}
