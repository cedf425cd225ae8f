package io.cowsql.operator.roll;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.RolloutStatus;
import io.cowsql.operator.model.UserAnnotations;
import io.cowsql.operator.recovery.LogPosition;
import io.cowsql.operator.roll.RolloutObservation.PodRevision;
import io.cowsql.operator.roll.RolloutPlan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * decide, for pods that run an old revision of the pod template: the one step of this pass. Pure; derived from the
 * observation (plus, from the previous status, since when it waits), so a restarted operator continues where the
 * cluster is.
 *
 * <p>Gate first: while a pod is terminating or missing, or a pod of the update revision is not back (not Ready, or,
 * when it replicates, more than {@link Limits#caughtUpEntries()} entries behind the leader's log), nothing else is
 * restarted. Then the order: outdated pods that are not Ready (they serve nothing), then members that do not vote
 * (spares and pods outside the configuration, then standbys), then voter followers, the leader last; highest ordinal
 * first within each. Before a voter restarts, the quorum check: every other voter's pod is Ready and caught up. The
 * leader hands leadership to an updated, caught-up voter first.
 *
 * <p>A wait for one pod that lasts longer than {@link Limits#memberTimeout()} stops the rollout: status says why,
 * naming the pod, and nothing more is restarted. Nothing is undone either; once the cause is gone (the pod comes
 * back) or the spec is reverted (the stuck pod then runs an old revision itself, and as an outdated pod that is not
 * Ready it goes first), the rollout resumes by itself.
 *
 * <p>With {@code spec.updateStrategy: Manual} only pods annotated {@link UserAnnotations#UPDATE} are candidates.
 */
public final class RolloutPlanner {
  private RolloutPlanner() {}

  /**
   * @param memberTimeout   how long one wait may last before the rollout stops
   * @param caughtUpEntries how far behind the leader's last entry a member may be and count as caught up: the
   *                        agents re-read their logs at most once a second, so two readings of a cluster taking writes
   *                        differ by about a second of writes even when no member lags
   */
  public record Limits(Duration memberTimeout, long caughtUpEntries) {
    public static final String DEFAULT_MEMBER_TIMEOUT = "10m";
    public static final String DEFAULT_CAUGHT_UP_ENTRIES = "500";
  }

  public static RolloutPlan plan(CowsqlCluster cluster, RolloutObservation o, Optional<RolloutStatus> previous,
      Instant now, Limits limits) {
    Map<String, String> revisions = new TreeMap<>();
    o.pods().forEach(p -> p.revision().ifPresent(r -> revisions.put(p.name(), r)));
    int total = o.pods().size();
    if (o.updateRevision().isEmpty()) {
      return new RolloutPlan(Step.IDLE, Optional.empty(), Optional.empty(),
          "The StatefulSet controller has not recorded the current template's revision yet.", Optional.empty(), 0,
          total, revisions, Optional.empty());
    }
    String target = o.updateRevision().get();
    List<PodRevision> outdated = o.pods().stream()
        .filter(p -> p.revision().isPresent() && !p.revision().get().equals(target)).toList();
    int updated = (int) o.pods().stream().filter(p -> p.revision().map(target::equals).orElse(false)).count();
    Context ctx = new Context(cluster, o, previous, now, limits, revisions, total, updated, target);
    if (outdated.isEmpty()) {
      return ctx.plan(Step.IDLE, Optional.empty(), Optional.empty(), "All " + total + " pods run revision " + target
          + ".");
    }

    // The gate: the previous restart is over before the next.
    for (PodRevision p : o.pods()) {
      if (p.terminating()) {
        return ctx.await(p.name(), p.name() + " is terminating; the StatefulSet controller recreates it from revision "
            + target + ".");
      }
    }
    Set<Integer> ordinals = o.pods().stream().map(PodRevision::ordinal).collect(Collectors.toSet());
    Optional<Integer> missing = IntStream.range(0, o.statefulSetReplicas()).boxed()
        .filter(i -> !ordinals.contains(i)).findFirst();
    if (missing.isPresent()) {
      String pod = ClusterNames.pod(cluster, missing.get());
      return ctx.await(pod, pod + " is being recreated by the StatefulSet controller.");
    }
    for (PodRevision p : o.pods()) {
      if (outdated.contains(p)) {
        continue;
      }
      if (!p.ready()) {
        return ctx.await(p.name(), p.name() + " runs revision " + p.revision().orElse("(not labelled yet)")
            + ": waiting for it to be Ready before the next pod restarts (see `kubectl describe pod " + p.name()
            + "` and its log).");
      }
      Optional<String> behind = ctx.replicates(p) ? ctx.behind(p) : Optional.empty();
      if (behind.isPresent()) {
        return ctx.await(p.name(), p.name() + " runs revision " + target + " and is Ready: waiting for it to catch"
            + " up with the leader (" + behind.get() + ") before the next pod restarts.");
      }
    }

    // Which pod next.
    boolean manual = cluster.getSpec().updateStrategyOrDefault() == CowsqlClusterSpec.UpdateStrategy.Manual;
    List<PodRevision> candidates = outdated.stream().filter(p -> !manual || p.approved())
        .sorted(Comparator.<PodRevision>comparingInt(p -> p.ready() ? 1 : 0)
            .thenComparingInt(ctx::rank)
            .thenComparing(Comparator.comparingInt(PodRevision::ordinal).reversed()))
        .toList();
    if (candidates.isEmpty()) {
      String names = outdated.stream().map(PodRevision::name).sorted().collect(Collectors.joining(", "));
      return ctx.plan(Step.AWAIT_APPROVAL, Optional.empty(), Optional.empty(), "spec.updateStrategy is Manual: "
          + outdated.size() + " pods run an old revision (" + names + "; the template is at " + target + "). Annotate"
          + " one to update it: kubectl annotate pod " + outdated.get(0).name() + " " + UserAnnotations.UPDATE
          + "=now. They are taken one at a time, the leader last.");
    }
    PodRevision next = candidates.get(0);
    String why = next.name() + " runs revision " + next.revision().get() + ", the template is at " + target;
    CowsqlView cowsql = o.cowsql();
    if (cowsql.leader().isEmpty() || cowsql.members().isEmpty()) {
      return ctx.await(next.name(), "Waiting to restart " + next.name() + ": no leader answers with the configuration ("
          + cowsql.problem().orElse("no leader known") + "), so the operator cannot tell whether the others can"
          + " take it. Nothing is restarted until a leader answers.");
    }
    Optional<CowsqlView.Member> member = ctx.member(next);
    boolean leads = ctx.leads(next);
    if (!leads && !member.map(m -> "voter".equals(m.role())).orElse(false)) {
      return ctx.plan(Step.RESTART, Optional.of(next.name()), Optional.empty(), why + " (" + ctx.roleOf(next)
          + ": no vote depends on it).");
    }
    List<String> problems = new ArrayList<>();
    List<PodRevision> otherVoters = new ArrayList<>();
    for (CowsqlView.Member v : cowsql.members()) {
      if (!"voter".equals(v.role()) || member.map(m -> m.nodeId().equals(v.nodeId())).orElse(false)) {
        continue;
      }
      Optional<PodRevision> pod = ctx.podOf(v);
      if (pod.isEmpty()) {
        problems.add(v.address() + " has no pod");
      } else if (!pod.get().ready()) {
        problems.add(pod.get().name() + " is not Ready");
      } else {
        ctx.behind(pod.get()).ifPresentOrElse(b -> problems.add(pod.get().name() + " is behind (" + b + ")"),
            () -> otherVoters.add(pod.get()));
      }
    }
    if (!problems.isEmpty()) {
      return ctx.await(next.name(), "Quorum check before restarting " + next.name() + " (a voter): "
          + String.join("; ", problems) + ". Restarting it now could leave the cluster without a caught-up majority;"
          + " the rollout continues once every other voter is Ready and caught up.");
    }
    if (!leads) {
      return ctx.plan(Step.RESTART, Optional.of(next.name()), Optional.empty(), why + " (a voter; every other voter is"
          + " Ready and caught up).");
    }
    if (otherVoters.isEmpty()) {
      return ctx.plan(Step.RESTART, Optional.of(next.name()), Optional.empty(), why + " (the only voter: the cluster"
          + " answers no request until it is back).");
    }
    Optional<PodRevision> to = otherVoters.stream().filter(p -> p.revision().map(target::equals).orElse(false))
        .min(Comparator.comparingInt(PodRevision::ordinal));
    if (to.isEmpty()) {
      return ctx.await(next.name(), "Waiting to restart " + next.name() + ", the leader: no other voter runs revision "
          + target + " to hand leadership to" + (manual ? " (spec.updateStrategy is Manual: update another voter"
          + " first)." : "."));
    }
    return ctx.plan(Step.TRANSFER_LEADERSHIP, Optional.of(next.name()), ctx.member(to.get()).map(CowsqlView.Member::nodeId),
        why + "; it leads, so leadership goes to " + to.get().name() + " (updated, caught up) before it restarts.");
  }

  /** One decision's inputs, and the small questions about them. */
  private record Context(CowsqlCluster cluster, RolloutObservation o, Optional<RolloutStatus> previous, Instant now,
      Limits limits, Map<String, String> revisions, int total, int updated, String target) {

    RolloutPlan plan(Step step, Optional<String> pod, Optional<String> targetNodeId, String message) {
      return new RolloutPlan(step, pod, targetNodeId, message, Optional.of(target), updated, total, revisions,
          Optional.empty());
    }

    /** A wait for {@code pod}, since the previous status's wait for the same pod; past the timeout a stop. */
    RolloutPlan await(String pod, String message) {
      Instant since = previous.filter(p -> pod.equals(p.member) && p.waitingSince != null
              && (Step.WAIT.display().equals(p.step) || Step.STOPPED.display().equals(p.step)))
          .map(p -> Instant.parse(p.waitingSince)).orElse(now);
      boolean stopped = Duration.between(since, now).compareTo(limits.memberTimeout()) > 0;
      String text = !stopped ? message : "Rolling update stopped at " + pod + ": " + message + " This has lasted since "
          + since + ", longer than " + io.cowsql.contract.DurationFormat.format(limits.memberTimeout())
          + " (cowsql.operator.rollout.member-timeout). The other pods are left as they"
          + " are; fix the cause or revert the spec change and the rollout resumes by itself.";
      return new RolloutPlan(stopped ? Step.STOPPED : Step.WAIT, Optional.of(pod), Optional.empty(), text,
          Optional.of(target), updated, total, revisions, Optional.of(since));
    }

    Optional<CowsqlView.Member> member(PodRevision p) {
      return o.cowsql().member(ClusterNames.podAddress(cluster, p.name()));
    }

    boolean leads(PodRevision p) {
      return o.cowsql().leader().map(ClusterNames.podAddress(cluster, p.name())::equals).orElse(false);
    }

    Optional<PodRevision> podOf(CowsqlView.Member m) {
      return o.pods().stream().filter(p -> ClusterNames.podAddress(cluster, p.name()).equals(m.address())).findFirst();
    }

    String roleOf(PodRevision p) {
      return member(p).map(m -> "a " + m.role()).orElse("not in the configuration");
    }

    /** Whether the member receives the log (voters and standbys; spares do not). */
    boolean replicates(PodRevision p) {
      return member(p).map(m -> !"spare".equals(m.role())).orElse(false);
    }

    /** 0 not a member or a spare, 1 a standby, 2 a voter, 3 the leader. */
    int rank(PodRevision p) {
      if (leads(p)) {
        return 3;
      }
      return member(p).map(m -> switch (m.role()) {
        case "voter" -> 2;
        case "standby" -> 1;
        default -> 0;
      }).orElse(0);
    }

    /** Why the pod's log does not count as caught up with the leader's, empty when it does. */
    Optional<String> behind(PodRevision p) {
      Optional<PodRevision> leader = o.pods().stream().filter(this::leads).findFirst();
      Optional<LogPosition> leaderAt = leader.map(l -> o.positions().get(l.name()));
      if (leaderAt.isEmpty()) {
        return Optional.of("the leader " + leader.map(PodRevision::name).orElse("(no pod)")
            + " did not report its log position");
      }
      LogPosition at = o.positions().get(p.name());
      if (at == null) {
        return Optional.of(p.name() + " did not report its log position");
      }
      long lag = leaderAt.get().index() - at.index();
      return lag > limits.caughtUpEntries() ? Optional.of("last entry " + at.index() + ", the leader's "
          + leaderAt.get().index() + ": " + lag + " entries behind, more than " + limits.caughtUpEntries())
          : Optional.empty();
    }
  }
}
