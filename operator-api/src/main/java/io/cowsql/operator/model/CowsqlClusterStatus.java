package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the operator observed; written in one place (StatusAggregator). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CowsqlClusterStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Derived from the conditions, first match: Invalid (Ready reason InvalidSpec), Degraded (Degraded=True), Running (Ready=True), Creating, Scaling or Updating (Progressing=True with reason Creating, Scaling or RollingUpdate), else Pending.")
  public String phase;

  @JsonPropertyDescription("Ready, Available, Progressing, Degraded, QuorumLost, SpecWarning.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Members that vote, as the leader last reported.")
  public Integer voters;

  @JsonPropertyDescription("Members that replicate without voting, as the leader last reported.")
  public Integer standbys;

  @JsonPropertyDescription("When the cluster was Ready for the first time; until then Progressing says Creating, afterwards Scaling when nodes are added.")
  public String firstReadyTime;

  @StatusReplicas
  @JsonPropertyDescription("Pods of the cluster's StatefulSet.")
  public Integer replicas;

  @JsonPropertyDescription("Pods that are Ready.")
  public Integer readyReplicas;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the pods (for the scale subresource).")
  public String selector;

  @JsonPropertyDescription("Pod name of the current leader, empty when unknown.")
  public String leader;

  @JsonPropertyDescription("True once the cluster has had a leader: from then on no node ever bootstraps again.")
  public Boolean bootstrapped;

  @JsonPropertyDescription("The cluster id the nodes recorded (spec.clusterId or <namespace>/<name>), set once the cluster formed; it cannot change afterwards.")
  public String clusterId;

  @JsonPropertyDescription("One entry per pod.")
  public List<Member> members = new ArrayList<>();

  @JsonPropertyDescription("Zone (value of the topology key) -> failure-domain code handed to the nodes. A zone keeps its code forever.")
  public Map<String, Long> failureDomains = new TreeMap<>();

  @JsonPropertyDescription("The scale-down in progress (members taken out one at a time, highest ordinal first), or a refused one with the reason; absent when none.")
  public ScaleDownStatus scaleDown;

  @JsonPropertyDescription("The rolling update of the pods: the revision each pod runs, how many run the newest, the pod being rolled and why, and why a rollout stopped.")
  public RolloutStatus rollout;

  @JsonPropertyDescription("Quorum-loss recovery: the cluster's epoch, the plan of a recovery in progress (written before any destructive step), its phase and what it waits for, and the last few recoveries; absent until quorum was first lost.")
  public RecoveryStatus recovery;

  /** The condition of this type, if the status has one. */
  public Optional<Condition> condition(String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of this type is there with status True. */
  public boolean isTrue(String type) {
    return condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** One pod and what cowsql says about it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Member {
    public String pod;
    @JsonPropertyDescription("cowsql node id in hex (as the cowsql shell's .cluster prints it), empty until the node is in the configuration.")
    public String nodeId;
    public String address;
    @JsonPropertyDescription("voter, standby, spare, or empty when the node is not (yet) a member. While no leader answers: the role the leader last reported (the configuration cannot change without a leader).")
    public String role;
    public Long failureDomain;
    public String zone;
    public Boolean ready;
    @JsonPropertyDescription("When this pod stopped being Ready, after it had been Ready; empty while Ready and for a new pod that never was.")
    public String notReadySince;
    @JsonPropertyDescription("Why the node's agent says it is not ready (its /readyz answer, e.g. not a member of the configuration); empty while Ready or when the agent does not answer.")
    public String notReadyReason;
    @JsonPropertyDescription("The Node the pod runs on.")
    public String node;
    @JsonPropertyDescription("Whether that Node is Ready (false also when its kubelet stopped reporting).")
    public Boolean nodeReady;

    public Member() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Member m && java.util.Objects.equals(pod, m.pod) && java.util.Objects.equals(nodeId, m.nodeId)
          && java.util.Objects.equals(address, m.address) && java.util.Objects.equals(role, m.role)
          && java.util.Objects.equals(failureDomain, m.failureDomain) && java.util.Objects.equals(zone, m.zone)
          && java.util.Objects.equals(ready, m.ready) && java.util.Objects.equals(notReadySince, m.notReadySince)
          && java.util.Objects.equals(notReadyReason, m.notReadyReason)
          && java.util.Objects.equals(node, m.node) && java.util.Objects.equals(nodeReady, m.nodeReady);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(pod, nodeId, address, role, failureDomain, zone, ready, notReadySince,
          notReadyReason, node, nodeReady);
    }

    /** Whether this pod has been Ready since it joined: ready now, or it stopped being ready. */
    public boolean hasBeenReady() {
      return Boolean.TRUE.equals(ready) || notReadySince != null;
    }
  }
}
