package io.cowsql.operator.roll;

import io.cowsql.operator.model.RolloutStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rolling update's step for one pass, computed by {@link RolloutPlanner} from one observation. One step is carried
 * out per pass (at most one pod deleted or one leadership transfer); the next pass observes its effect.
 *
 * @param step           what to do now
 * @param pod            the pod the step is about (restarted, waited for, or the leader handing over)
 * @param targetNodeId   the voter leadership goes to ({@link Step#TRANSFER_LEADERSHIP}), node id in hex
 * @param message        why the pod is restarted, or what the step waits for; for {@link Step#STOPPED} the reason
 * @param updateRevision the revision pods are updated to, empty while unknown
 * @param updated        pods that run it
 * @param total          pods of the cluster
 * @param revisions      pod -> the revision it runs
 * @param waitingSince   since when the operator waits for {@code pod} ({@link Step#WAIT}, {@link Step#STOPPED})
 */
public record RolloutPlan(Step step, Optional<String> pod, Optional<String> targetNodeId, String message,
    Optional<String> updateRevision, int updated, int total, Map<String, String> revisions,
    Optional<Instant> waitingSince) {

  public enum Step {
    /** Every pod runs the update revision (or there is nothing to roll yet). */
    IDLE("Idle"),
    /** The pod is deleted; the StatefulSet controller recreates it from the update revision. */
    RESTART("Restart"),
    /** The pod to restart next leads: leadership goes to an updated, caught-up voter first. */
    TRANSFER_LEADERSHIP("TransferLeadership"),
    /** Nothing is done this pass: the restarted pod is not back yet, a quorum check fails, or the revision is unknown. */
    WAIT("Wait"),
    /** spec.updateStrategy Manual: outdated pods wait for the cowsql.io/update annotation. */
    AWAIT_APPROVAL("AwaitApproval"),
    /** A wait lasted longer than the timeout: nothing more is restarted until its cause is gone. */
    STOPPED("Stopped");

    private final String display;

    Step(String display) {
      this.display = display;
    }

    public String display() {
      return display;
    }
  }

  public RolloutPlan {
    revisions = java.util.Collections.unmodifiableMap(new TreeMap<>(revisions));
  }

  /** No decision this pass (an invalid spec): status keeps what it had. */
  public static RolloutPlan none() {
    return new RolloutPlan(Step.IDLE, Optional.empty(), Optional.empty(), "", Optional.empty(), 0, 0, Map.of(),
        Optional.empty());
  }

  /** This plan not carried out this pass: a wait saying why, with the same progress (revisions, updated/total). */
  public RolloutPlan deferred(String why) {
    return new RolloutPlan(Step.WAIT, Optional.empty(), Optional.empty(), why + " (next: " + message + ")",
        updateRevision, updated, total, revisions, Optional.empty());
  }

  /**
   * Whether the pass waits for {@code pod} to come back from its restart (it runs the update revision, or has no
   * revision yet): its not being Ready is the rollout's doing, not a failure, until the wait stops the rollout.
   */
  public boolean restarting(String pod) {
    return step == Step.WAIT && this.pod.filter(pod::equals).isPresent()
        && (revisions.get(pod) == null || updateRevision.map(revisions.get(pod)::equals).orElse(false));
  }

  /** Whether pods run an old revision (a rollout is under way, waits, or stopped). */
  public boolean active() {
    return step != Step.IDLE;
  }

  /** The step acts on the cluster: a pod deleted or leadership transferred. */
  public boolean acts() {
    return step == Step.RESTART || step == Step.TRANSFER_LEADERSHIP;
  }

  /** status.rollout for this plan. */
  public RolloutStatus status() {
    RolloutStatus s = new RolloutStatus();
    s.updateRevision = updateRevision.orElse(null);
    s.updated = updated;
    s.total = total;
    s.revisions = new TreeMap<>(revisions);
    s.step = step.display();
    s.member = pod.orElse(null);
    s.message = message.isEmpty() ? null : message;
    s.waitingSince = waitingSince.map(Instant::toString).orElse(null);
    s.stopReason = step == Step.STOPPED ? message : null;
    return s;
  }
}
