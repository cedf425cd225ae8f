package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the operator observed; written in one place (StatusAggregator). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CowsqlClusterStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Pending, Creating, Running, Degraded or Invalid.")
  public String phase;

  @JsonPropertyDescription("Ready, Available, Progressing, Degraded (and ScaleDownRefused while a shrink is pending).")
  public List<Condition> conditions = new ArrayList<>();

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

  @JsonPropertyDescription("One entry per pod.")
  public List<Member> members = new ArrayList<>();

  @JsonPropertyDescription("Zone (value of the topology key) -> failure-domain code handed to the nodes. A zone keeps its code forever.")
  public Map<String, Long> failureDomains = new TreeMap<>();

  /** One pod and what cowsql says about it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Member {
    public String pod;
    @JsonPropertyDescription("cowsql node id (unsigned decimal), empty until the node is in the configuration.")
    public String nodeId;
    public String address;
    @JsonPropertyDescription("voter, standby, spare, or empty when the node is not (yet) a member.")
    public String role;
    public Long failureDomain;
    public String zone;
    public Boolean ready;

    public Member() {}

    public Member(String pod, String nodeId, String address, String role, Long failureDomain, String zone, Boolean ready) {
      this.pod = pod;
      this.nodeId = nodeId;
      this.address = address;
      this.role = role;
      this.failureDomain = failureDomain;
      this.zone = zone;
      this.ready = ready;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Member m && java.util.Objects.equals(pod, m.pod) && java.util.Objects.equals(nodeId, m.nodeId)
          && java.util.Objects.equals(address, m.address) && java.util.Objects.equals(role, m.role)
          && java.util.Objects.equals(failureDomain, m.failureDomain) && java.util.Objects.equals(zone, m.zone)
          && java.util.Objects.equals(ready, m.ready);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(pod, nodeId, address, role, failureDomain, zone, ready);
    }
  }
}
