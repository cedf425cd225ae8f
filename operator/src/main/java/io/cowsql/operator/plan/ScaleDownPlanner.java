package io.cowsql.operator.plan;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.StorageSpec;
import io.cowsql.operator.plan.ScaleDownPlan.Step;
import io.cowsql.contract.Annotations;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * decide, for a shrink: the next step for the highest ordinal at or above {@code spec.replicas} that still has a
 * member in the leader's configuration, a pod in the StatefulSet, or (whenScaled: Delete, while a scale-down is
 * recorded in status) a claim. Pure, and derived from the observation, so a restarted operator continues where the
 * cluster is: a member the leader no longer lists is never removed again, it only leaves the StatefulSet.
 *
 * <p>For one member: every live pod is annotated {@code cowsql.io/leaving} with its id (so the agents' role policy
 * never promotes it again and counts it out of the targets); if it leads, leadership goes to a ready voter that stays;
 * if it votes and the voters that stay are short of the target, a replacement is promoted first (a standby before a
 * spare, a failure domain no staying voter uses first), so the voters never drop below the target; then it is demoted
 * to spare and removed through the leader; once the leader no longer lists it the StatefulSet shrinks by one, and its
 * claim is deleted or kept per {@code spec.storage.retention.whenScaled}.
 *
 * <p>The agents do not read the leaving mark for their own pod: a pod whose container restarts after its member was
 * removed (and before the StatefulSet lost it) sets the removed member's data aside and joins as a new spare. Every
 * member at an ordinal at or above the target, whatever its id, is one to take out, so such a stray member goes through
 * the same steps (marked leaving, removed through the leader); and the scale-down ends ({@link Step#NONE}) only once no
 * pod at or above the target is left ({@link Step#AWAIT_POD_GONE} until then), so the last observation that reports
 * it done was made when no agent there could join any more. A member below the target is never taken out.
 *
 * <p>Steps that change the voters (transfer, promote, demote a voter) need a leader and every other voter's pod Ready
 * (the agent is Ready only while it is a member serving its role with a known leader: the operator's evidence that
 * the voter is reachable and following); demoting a standby and removing a spare need a leader. Otherwise the step
 * is {@link Step#REFUSED} with what is missing, and the scale-down resumes by itself once it is there. A target below
 * {@code spec.roles.voters} is refused outright.
 */
public final class ScaleDownPlanner {
  private ScaleDownPlanner() {}

  public static ScaleDownPlan plan(CowsqlCluster cluster, ObservedCluster observed, boolean bootstrapped) {
    ClusterSpecView spec = cluster.getSpec().defaulted();
    int target = spec.replicas();
    Optional<Integer> current = observed.statefulSetReplicas();
    CowsqlView cowsql = observed.cowsql();
    boolean listed = cowsql.leader().isPresent() && !cowsql.members().isEmpty();
    Map<Integer, CowsqlView.Member> membersByOrdinal = new TreeMap<>();
    for (CowsqlView.Member m : cowsql.members()) {
      ordinalOf(cluster, m.address()).ifPresent(o -> membersByOrdinal.put(o, m));
    }
    Optional<String> leaving = listed ? Optional.of(Annotations.leavingValue(membersByOrdinal.entrySet().stream()
        .filter(e -> e.getKey() >= target).map(e -> e.getValue().nodeId()).toList())) : Optional.empty();
    int stsReplicas = current.map(r -> Math.max(r, target)).orElse(target);
    boolean shrinkAsked = current.isPresent() && current.get() > target;

    if (shrinkAsked && !bootstrapped) {
      // Nothing was ever stored: no member to take out.
      return new ScaleDownPlan(Step.SHRINK_STATEFUL_SET, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), target, leaving, "The cluster never formed: the StatefulSet goes straight to " + target
          + ".");
    }
    if (shrinkAsked && target < spec.voters()) {
      return new ScaleDownPlan(Step.REFUSED, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          current.get(), listed ? Optional.of("") : Optional.empty(), "spec.replicas is " + target
          + " but spec.roles.voters is " + spec.voters() + ": a cluster smaller than its voter target cannot keep it."
          + " Nothing was removed; set spec.roles.voters to " + target + " or less first (an odd number), or set"
          + " spec.replicas back to " + current.get() + ".");
    }

    // The highest ordinal still to go.
    Map<Integer, String> claims = new TreeMap<>();
    // Only claims of a scale-down: a claim above the size of a cluster that was never shrunk (a cluster applied again
    // smaller than its retained claims) is not one of a removed member.
    boolean scaling = shrinkAsked || cluster.getStatus() != null && cluster.getStatus().scaleDown != null;
    if (spec.whenScaled() == StorageSpec.RetentionPolicy.Delete && scaling && current.isPresent()) {
      for (ObservedCluster.ObservedClaim claim : observed.claims()) {
        claimOrdinal(cluster, claim.name()).filter(o -> o >= Math.max(target, current.orElse(0)))
            .ifPresent(o -> claims.put(o, claim.name()));
      }
    }
    TreeSet<Integer> going = new TreeSet<>();
    membersByOrdinal.keySet().stream().filter(o -> o >= target).forEach(going::add);
    going.addAll(claims.keySet());
    if (shrinkAsked) {
      going.add(current.get() - 1);
    }
    if (going.isEmpty()) {
      // Not done while a pod above the target still runs: a container restart after its member was removed sets the
      // old data aside and joins as a new spare, which only an observation after the pod is gone is sure to list.
      Optional<ObservedPod> terminating = observed.pods().stream().filter(p -> p.ordinal() >= target)
          .max(Comparator.comparingInt(ObservedPod::ordinal));
      if (terminating.isPresent()) {
        String gone = terminating.get().name();
        return new ScaleDownPlan(Step.AWAIT_POD_GONE, Optional.of(gone), Optional.empty(), Optional.empty(),
            Optional.empty(), stsReplicas, leaving, "Waiting for pod " + gone + " to terminate: the scale-down is done"
            + " once no pod at ordinal " + target + " or above runs and the leader lists no member there (a pod that"
            + " restarted after its removal joins as a new spare, which is removed too). A pod stuck terminating on a"
            + " lost node goes with `kubectl delete pod " + gone + " --force`.");
      }
      return new ScaleDownPlan(Step.NONE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          stsReplicas, leaving, "");
    }
    int ordinal = going.last();
    String pod = ClusterNames.pod(cluster, ordinal);
    Optional<CowsqlView.Member> member = Optional.ofNullable(membersByOrdinal.get(ordinal));
    Optional<String> id = member.map(CowsqlView.Member::nodeId);
    Step step;
    Optional<String> other = Optional.empty();
    Optional<String> claim = Optional.empty();
    String message;
    int replicas = stsReplicas;

    if (!listed) {
      step = Step.REFUSED;
      message = "Waiting to take out " + pod + ": no leader answers with the configuration ("
          + cowsql.problem().orElse("no leader known") + "), so the operator cannot tell whether " + pod
          + " is still a member. Nothing is removed until a leader answers; the scale-down resumes by itself.";
    } else if (member.isPresent()) {
      CowsqlView.Member m = member.get();
      Set<String> leavingIds = Annotations.leavingIds(leaving.get());
      List<ObservedPod> unmarked = observed.pods().stream().filter(p -> p.podIp().isPresent())
          .filter(p -> !marked(p, m.nodeId()))
          .toList();
      boolean leads = cowsql.leader().get().equals(m.address());
      List<CowsqlView.Member> stayingVoters = cowsql.members().stream()
          .filter(v -> "voter".equals(v.role()) && !leavingIds.contains(v.nodeId())).toList();
      List<CowsqlView.Member> readyStayingVoters = stayingVoters.stream().filter(v -> readyAt(cluster, observed, v))
          .sorted(Comparator.comparing(v -> ordinalOf(cluster, v.address()).orElse(Integer.MAX_VALUE))).toList();
      List<String> notReadyVoters = cowsql.members().stream()
          .filter(v -> "voter".equals(v.role()) && !v.nodeId().equals(m.nodeId()) && !readyAt(cluster, observed, v))
          .map(v -> podOf(v.address())).toList();
      int voterTarget = spec.rolesOf(target).voters();
      boolean changesVoters = leads || "voter".equals(m.role());
      if (!unmarked.isEmpty()) {
        step = Step.MARK_LEAVING;
        message = "Taking out " + pod + " (node " + m.nodeId() + "): marking it leaving on every pod ("
            + unmarked.stream().map(ObservedPod::name).collect(Collectors.joining(", ")) + " to go).";
      } else if (changesVoters && !notReadyVoters.isEmpty()) {
        step = Step.REFUSED;
        message = "Waiting to take out " + pod + ": voters " + String.join(", ", notReadyVoters) + " are not Ready"
            + " (not reachable or not following the leader), and changing the voters now could leave the cluster"
            + " without a majority. The scale-down resumes by itself once they are Ready; see `kubectl describe pod`"
            + " and their logs.";
      } else if (leads && !readyStayingVoters.isEmpty()) {
        CowsqlView.Member to = readyStayingVoters.get(0);
        step = Step.TRANSFER_LEADERSHIP;
        other = Optional.of(to.nodeId());
        message = "Taking out " + pod + " (node " + m.nodeId() + "), the leader: handing leadership to "
            + podOf(to.address()) + " (node " + to.nodeId() + ").";
      } else if (changesVoters && stayingVoters.size() < voterTarget) {
        Optional<CowsqlView.Member> replacement = replacement(cluster, observed, leavingIds, stayingVoters);
        if (replacement.isEmpty()) {
          step = Step.REFUSED;
          message = "Waiting to take out " + pod + ", a voter: " + stayingVoters.size() + " voters stay and "
              + voterTarget + " are wanted, but no standby or spare that stays is Ready to replace it. Nothing was"
              + " removed; the scale-down resumes once one is (see the members' pods), or set spec.replicas back to "
              + current.orElse(target) + ".";
        } else {
          step = Step.PROMOTE_REPLACEMENT;
          other = Optional.of(replacement.get().nodeId());
          message = "Taking out " + pod + " (node " + m.nodeId() + "), a voter: promoting "
              + podOf(replacement.get().address()) + " (node " + replacement.get().nodeId() + ", "
              + replacement.get().role() + ") first, so " + voterTarget + " voters stay.";
        }
      } else if (leads) {
        step = Step.REFUSED;
        message = "Waiting to take out " + pod + ", the leader: no other voter that stays is Ready to take over"
            + " leadership. The scale-down resumes once one is.";
      } else if (!"spare".equals(m.role())) {
        step = Step.DEMOTE_TO_SPARE;
        message = "Taking out " + pod + " (node " + m.nodeId() + "): demoting it from " + m.role() + " to spare.";
      } else {
        step = Step.REMOVE_MEMBER;
        message = "Taking out " + pod + " (node " + m.nodeId() + "): removing it from the configuration.";
      }
    } else if (current.isPresent() && ordinal < current.get()) {
      step = Step.SHRINK_STATEFUL_SET;
      replicas = ordinal;
      message = "The leader no longer lists " + pod + ": the StatefulSet goes to " + ordinal + " replicas.";
    } else if (observed.pods().stream().anyMatch(p -> p.ordinal() == ordinal)) {
      step = Step.AWAIT_POD_GONE;
      message = "Waiting for pod " + pod + " to terminate before its claim " + claims.get(ordinal)
          + " is deleted (spec.storage.retention.whenScaled: Delete).";
    } else {
      step = Step.DELETE_CLAIM;
      claim = Optional.of(claims.get(ordinal));
      message = "Deleting claim " + claims.get(ordinal) + " of the removed member " + pod
          + " (spec.storage.retention.whenScaled: Delete).";
    }
    return new ScaleDownPlan(step, Optional.of(pod), id, other, claim, replicas, leaving, message);
  }

  /** Whether the pod's leaving annotation names the id; a value that does not parse names nothing (it is rewritten). */
  private static boolean marked(ObservedPod pod, String nodeId) {
    try {
      return Annotations.leavingIds(pod.annotations().get(Annotations.LEAVING)).contains(nodeId);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A member that stays and does not vote, whose pod is Ready: a standby (it has the data) before a spare, one in a
   * failure domain no staying voter uses before the others, then the lowest ordinal.
   */
  static Optional<CowsqlView.Member> replacement(CowsqlCluster cluster, ObservedCluster observed, Set<String> leaving,
      List<CowsqlView.Member> stayingVoters) {
    Set<String> voterZones = stayingVoters.stream().map(v -> podAt(cluster, observed, v))
        .flatMap(Optional::stream).map(p -> p.zone().orElse("")).collect(Collectors.toSet());
    return observed.cowsql().members().stream()
        .filter(m -> !"voter".equals(m.role()) && !leaving.contains(m.nodeId()) && readyAt(cluster, observed, m))
        .min(Comparator.<CowsqlView.Member>comparingInt(m -> podAt(cluster, observed, m)
                .map(p -> voterZones.contains(p.zone().orElse("")) ? 1 : 0).orElse(1))
            .thenComparingInt(m -> "standby".equals(m.role()) ? 0 : 1)
            .thenComparingInt(m -> ordinalOf(cluster, m.address()).orElse(Integer.MAX_VALUE)));
  }

  private static boolean readyAt(CowsqlCluster cluster, ObservedCluster observed, CowsqlView.Member m) {
    return podAt(cluster, observed, m).map(ObservedPod::ready).orElse(false);
  }

  private static Optional<ObservedPod> podAt(CowsqlCluster cluster, ObservedCluster observed, CowsqlView.Member m) {
    return observed.pods().stream().filter(p -> ClusterNames.podAddress(cluster, p.name()).equals(m.address()))
        .findFirst();
  }

  /** The pod name in a member's address ({@code <pod>.<peers service>...}). */
  private static String podOf(String address) {
    int dot = address.indexOf('.');
    return dot < 0 ? address : address.substring(0, dot);
  }

  /** The ordinal of this cluster's pod at a cluster address, empty for an address that is not one of its pods. */
  static Optional<Integer> ordinalOf(CowsqlCluster cluster, String address) {
    String pod = podOf(address);
    int ordinal = ClusterNames.ordinal(cluster, pod);
    return ordinal >= 0 && ClusterNames.podAddress(cluster, pod).equals(address) ? Optional.of(ordinal)
        : Optional.empty();
  }

  /** The ordinal of a data claim ({@code data-<pod>}), empty for another claim. */
  static Optional<Integer> claimOrdinal(CowsqlCluster cluster, String claim) {
    String prefix = ClusterNames.DATA_VOLUME + "-";
    if (!claim.startsWith(prefix)) {
      return Optional.empty();
    }
    int ordinal = ClusterNames.ordinal(cluster, claim.substring(prefix.length()));
    return ordinal >= 0 ? Optional.of(ordinal) : Optional.empty();
  }
}
