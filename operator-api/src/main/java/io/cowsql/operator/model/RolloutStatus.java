package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The rolling update of the node pods: which revision of the pod template each pod runs, how many run the newest,
 * and what the operator does about the others. Like the scale-down, every step is derived from what is observed (the
 * StatefulSet's revisions, the pods, the agents' log positions); this record says where that is, for people, and
 * keeps the one fact an observation cannot give: since when the operator waits for the member it restarted last.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {

  @JsonPropertyDescription("The revision of the StatefulSet's pod template that pods are updated to.")
  public String updateRevision;

  @JsonPropertyDescription("Pods that run the update revision.")
  public Integer updated;

  @JsonPropertyDescription("Pods of the cluster.")
  public Integer total;

  @JsonPropertyDescription("Pod name -> the revision of the pod template it runs.")
  public Map<String, String> revisions = new TreeMap<>();

  @JsonPropertyDescription("The step: Idle (every pod updated), Restart (a pod is deleted to be recreated from the update revision), TransferLeadership (before the leader is restarted), Wait (for the restarted pod, the quorum check, or the StatefulSet controller), AwaitApproval (spec.updateStrategy Manual: outdated pods wait for the cowsql.io/update annotation), Stopped (see stopReason).")
  public String step;

  @JsonPropertyDescription("The pod the step is about: the one restarted or waited for.")
  public String member;

  @JsonPropertyDescription("Why the pod is restarted or what the step waits for.")
  public String message;

  @JsonPropertyDescription("When the operator started waiting for member (the timeout that stops the rollout counts from here).")
  public String waitingSince;

  @JsonPropertyDescription("Why the rollout stopped, naming the pod, and what resumes it; absent while it is not stopped.")
  public String stopReason;

  public RolloutStatus() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutStatus r && Objects.equals(updateRevision, r.updateRevision)
        && Objects.equals(updated, r.updated) && Objects.equals(total, r.total)
        && Objects.equals(revisions, r.revisions) && Objects.equals(step, r.step) && Objects.equals(member, r.member)
        && Objects.equals(message, r.message) && Objects.equals(waitingSince, r.waitingSince)
        && Objects.equals(stopReason, r.stopReason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(updateRevision, updated, total, revisions, step, member, message, waitingSince, stopReason);
  }
}
