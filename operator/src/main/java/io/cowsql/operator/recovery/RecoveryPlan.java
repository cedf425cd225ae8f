package io.cowsql.operator.recovery;

import io.cowsql.operator.model.RecoveryStatus;
import java.util.List;

/**
 * The next step of a quorum-loss recovery, decided before anything is done. The caller writes {@link #status} first
 * and carries the step out only once that write succeeded, so the plan is on record before any destructive step and a
 * restarted operator resumes from it.
 *
 * @param status  the {@code status.recovery} to write (null: there is no recovery and nothing to record)
 * @param step    what to do after writing it
 * @param reason  the reason of the QuorumLost condition: Waiting, AwaitingEvidence, AwaitingApproval, Recovering,
 *                Recovered, RecoveryDisabled, or empty when no recovery is under way
 * @param message what the recovery waits for or does, for that condition and the Event
 */
public record RecoveryPlan(RecoveryStatus status, Step step, String reason, String message) {
  /** The phases in which the recovery acts on the cluster: nothing else may change it meanwhile. */
  private static final java.util.Set<RecoveryStatus.Phase> IN_PROGRESS = java.util.EnumSet.of(
      RecoveryStatus.Phase.Fencing, RecoveryStatus.Phase.StoppingSurvivors, RecoveryStatus.Phase.Choosing,
      RecoveryStatus.Phase.Reconfiguring, RecoveryStatus.Phase.Regrowing);

  /** Whether a recovery is under way (from the recorded plan to Recovered): scale-downs and rollouts wait. */
  public boolean inProgress() {
    return status != null && IN_PROGRESS.contains(status.phase);
  }

  public static final String WAITING = "Waiting";
  public static final String AWAITING_EVIDENCE = "AwaitingEvidence";
  public static final String AWAITING_APPROVAL = "AwaitingApproval";
  public static final String RECOVERING = "Recovering";
  public static final String RECOVERED = "Recovered";
  public static final String DISABLED = "RecoveryDisabled";

  /** What carrying out a plan does. Each step is idempotent: it names only what live state still lacks. */
  public sealed interface Step {}

  /** Nothing to do this pass. */
  public record Observe() implements Step {}

  /**
   * Fence the lost members: delete their claims and pods (force where their Node is deleted or out of service; a
   * claim is only deleted once no pod uses it, so the claim first and then the pod).
   */
  public record Fence(List<String> deleteClaims, List<String> deletePods, List<String> forceDeletePods)
      implements Step {
    public Fence {
      deleteClaims = List.copyOf(deleteClaims);
      deletePods = List.copyOf(deletePods);
      forceDeletePods = List.copyOf(forceDeletePods);
    }
  }

  /**
   * Tell these survivors to stop their engines and report their last log entry, for this plan id (the same id for
   * the whole recovery: the agents refuse a stop or a reconfigure for another plan than the one that stopped them).
   */
  public record StopSurvivors(String planId, List<String> pods) implements Step {
    public StopSurvivors {
      pods = List.copyOf(pods);
    }
  }

  /**
   * Rewrite the stopped template's configuration to {@code target} (offline, ReconfigureMembershipExt). The plan
   * repeats this step until a report shows the target; whoever carries it out reads the template's last
   * configuration right before and does nothing when it already equals the target, so it runs once.
   * {@code planId} is the id the survivors' engines were stopped for (an approved ambiguous choice has its own id).
   */
  public record Reconfigure(String planId, String pod, String nodeId, List<ConfigMember> target) implements Step {
    public Reconfigure {
      target = List.copyOf(target);
    }
  }

  /**
   * Restart these pods onto the new epoch, which the pods' annotations now give (with the template's node id): the
   * template starts at the new epoch with its rewritten configuration, every other data dir of an older epoch is set
   * aside and its node joins as new, and the StatefulSet's pods regrow the cluster to spec.replicas.
   */
  public record Regrow(long epoch, String templateNodeId, List<String> restart) implements Step {
    public Regrow {
      restart = List.copyOf(restart);
    }
  }

  /** The recovery was cancelled: restart these stopped pods, so their engines start again on their data. */
  public record Release(List<String> pods) implements Step {
    public Release {
      pods = List.copyOf(pods);
    }
  }
}
