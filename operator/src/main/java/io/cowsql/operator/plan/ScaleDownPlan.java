package io.cowsql.operator.plan;

import java.util.Optional;

/**
 * The next step of a scale-down, for the highest ordinal still to go: a value computed by {@link ScaleDownPlanner}
 * from one observation. One step is carried out per pass; the next pass observes its effect and plans the next.
 *
 * @param step                what to do now
 * @param pod                 the pod of the member being taken out (empty for {@link Step#NONE})
 * @param nodeId              its node id in hex, empty when it is not in the leader's configuration
 * @param targetNodeId        the other member the step acts on: the voter leadership goes to
 *                            ({@link Step#TRANSFER_LEADERSHIP}) or the member promoted ({@link Step#PROMOTE_REPLACEMENT})
 * @param claim               the claim deleted by {@link Step#DELETE_CLAIM}
 * @param statefulSetReplicas the replicas the StatefulSet gets in this pass
 * @param leaving             the value of the {@code cowsql.io/leaving} annotation every live pod gets: hex node ids,
 *                            comma-separated ("" removes it); empty when the leader's configuration is unknown this
 *                            pass (the pods keep what they have)
 * @param message             what the step does or waits for; for {@link Step#REFUSED} why, and what to do
 */
public record ScaleDownPlan(Step step, Optional<String> pod, Optional<String> nodeId, Optional<String> targetNodeId,
    Optional<String> claim, int statefulSetReplicas, Optional<String> leaving, String message) {

  /** The steps, in the order one member goes through them. */
  public enum Step {
    /** No scale-down: nothing is above spec.replicas. */
    NONE("None"),
    /** A shrink is asked for but not carried out now; the message says why and what to do. */
    REFUSED("Refused"),
    /** The leaving annotation is being written; no membership change until every live pod has it. */
    MARK_LEAVING("MarkLeaving"),
    /** The member leads: leadership goes to a ready voter that stays. */
    TRANSFER_LEADERSHIP("TransferLeadership"),
    /** The member votes and the voters that stay are short of the target: a replacement is promoted first. */
    PROMOTE_REPLACEMENT("PromoteReplacement"),
    /** The member is demoted to spare (it neither votes nor replicates any more). */
    DEMOTE_TO_SPARE("DemoteToSpare"),
    /** The member, a spare, is removed from the configuration through the leader. */
    REMOVE_MEMBER("RemoveMember"),
    /** The leader no longer lists the member: the StatefulSet loses its highest ordinal. */
    SHRINK_STATEFUL_SET("ShrinkStatefulSet"),
    /**
     * A pod above the StatefulSet is still terminating: a removed member's claim is deleted once it is gone
     * (whenScaled: Delete), and the scale-down ends only once every pod at or above the target is gone.
     */
    AWAIT_POD_GONE("AwaitPodGone"),
    /** The removed member's claim is deleted (spec.storage.retention.whenScaled: Delete). */
    DELETE_CLAIM("DeleteClaim");

    private final String display;

    Step(String display) {
      this.display = display;
    }

    /** The name status shows. */
    public String display() {
      return display;
    }
  }

  /** Whether a scale-down is under way or refused (status shows it). */
  public boolean active() {
    return step != Step.NONE;
  }

  /** Whether the step changes the raft configuration (carried out through the leader). */
  public boolean changesMembership() {
    return step == Step.TRANSFER_LEADERSHIP || step == Step.PROMOTE_REPLACEMENT || step == Step.DEMOTE_TO_SPARE
        || step == Step.REMOVE_MEMBER;
  }
}
