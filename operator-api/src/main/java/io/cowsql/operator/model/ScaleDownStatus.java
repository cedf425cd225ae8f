package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scale-down in progress: which member is being taken out and the step it is at. The operator derives every
 * step from what it observes each pass (the leader's configuration, the pods, the claims), never from this record,
 * so an operator restarted mid-way continues where the cluster is and never repeats a removal: this record says
 * where that is, for people.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleDownStatus {

  @JsonPropertyDescription("The replicas the scale-down goes to (spec.replicas when it was last observed).")
  public Integer targetReplicas;

  @JsonPropertyDescription("Pod of the member being taken out (the highest ordinal still there).")
  public String member;

  @JsonPropertyDescription("Its cowsql node id in hex, empty when it is not (or no longer) in the configuration.")
  public String nodeId;

  @JsonPropertyDescription("The step it is at: MarkLeaving, TransferLeadership, PromoteReplacement, DemoteToSpare, RemoveMember, ShrinkStatefulSet, AwaitPodGone, DeleteClaim, or Refused (then message says why and what to do).")
  public String step;

  @JsonPropertyDescription("What the step does or waits for, and what to do when it is refused.")
  public String message;

  @JsonPropertyDescription("Node ids (hex) of the members this scale-down took out of the configuration (the leader no longer lists them).")
  public List<String> removed = new ArrayList<>();

  @JsonPropertyDescription("When this scale-down started.")
  public String startedAt;

  public ScaleDownStatus() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof ScaleDownStatus s && Objects.equals(targetReplicas, s.targetReplicas)
        && Objects.equals(member, s.member) && Objects.equals(nodeId, s.nodeId) && Objects.equals(step, s.step)
        && Objects.equals(message, s.message) && Objects.equals(removed, s.removed)
        && Objects.equals(startedAt, s.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(targetReplicas, member, nodeId, step, message, removed, startedAt);
  }
}
