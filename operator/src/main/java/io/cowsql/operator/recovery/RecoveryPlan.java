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

  /** Tell these survivors to stop their engines and report their last log entry (for this plan id). */
  public record StopSurvivors(String planId, List<String> pods) implements Step {
    public StopSurvivors {
      pods = List.copyOf(pods);
    }
  }

  /**
   * Rewrite the stopped template's configuration to {@code target} (offline, ReconfigureMembershipExt). The plan
   * repeats this step until a report shows the target; whoever carries it out reads the template's last
   * configuration right before and does nothing when it already equals the target, so it runs once.
   */
  public record Reconfigure(String pod, String nodeId, List<ConfigMember> target) implements Step {
    public Reconfigure {
      target = List.copyOf(target);
    }
  }

  /**
   * Publish the new epoch and the template's node id to every pod and withdraw the stop instruction: the template
   * starts at the new epoch, every other data dir of an older epoch is set aside and its node joins as new, and the
   * StatefulSet's pods regrow the cluster to spec.replicas. {@code templateNodeId} null: no data dir is exempt any
   * more (the recovery is over, and the template's dir records the new epoch).
   */
  public record Regrow(long epoch, String templateNodeId, List<String> pods) implements Step {
    public Regrow {
      pods = List.copyOf(pods);
    }
  }

  /** The recovery was cancelled: withdraw the stop instruction from these pods. */
  public record Release(List<String> pods) implements Step {
    public Release {
      pods = List.copyOf(pods);
    }
  }
}
