package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Quorum-loss recovery as the operator recorded it ({@code status.recovery}): the cluster's epoch, the plan of the
 * recovery in progress (written before any destructive step, so every later step checks live state against it and a
 * restarted operator resumes from it), and a short history of past recoveries.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoveryStatus {
  /** How many past recoveries {@link #history} keeps. */
  public static final int HISTORY_SIZE = 5;

  /** Where a recovery stands. The order is the order of the steps; the last three end a recovery. */
  public enum Phase {
    /** Quorum is lost, for less than quorumLossTimeout. */
    Waiting,
    /** Lost for longer, but not every lost voter is known to be gone for good. */
    AwaitingEvidence,
    /** A plan is computed; it runs once its plan id is approved (Manual mode, or an ambiguous choice). */
    AwaitingApproval,
    /** Deleting the lost members' pods and volumes; the epoch is bumped. */
    Fencing,
    /** The survivors are told to stop their engines and report their last log entry. */
    StoppingSurvivors,
    /** Picking the template from the survivors' reports. */
    Choosing,
    /** The template's configuration is being rewritten to the target (once). */
    Reconfiguring,
    /** The template serves at the new epoch; the other members join as new nodes. */
    Regrowing,
    Recovered,
    /** Quorum came back before anything destructive was done. */
    Cancelled,
    /** Mode Disabled: quorum is lost for longer than the timeout; the operator only reports. */
    ReportOnly
  }

  @JsonPropertyDescription("The cluster's epoch: 0 until the first recovery, then incremented by each one. Nodes record it in their data dirs; a data dir of an older epoch never starts again, except the chosen template.")
  public Long epoch;

  @JsonPropertyDescription("The epoch written to the pods (annotation cowsql.io/epoch): a recovery's new epoch is published only once its template's configuration was rewritten, so a survivor that restarts before that keeps its data.")
  public Long publishedEpoch;

  @JsonPropertyDescription("Waiting, AwaitingEvidence, AwaitingApproval, Fencing, StoppingSurvivors, Choosing, Reconfiguring, Regrowing, Recovered, Cancelled or ReportOnly.")
  public Phase phase;

  @JsonPropertyDescription("Identifies the plan below; a Manual approval (annotation cowsql.io/approve-recovery) must name it exactly.")
  public String planId;

  @JsonPropertyDescription("Since when no leader answers and fewer than a majority of the voters do (RFC 3339).")
  public String quorumLostSince;

  @JsonPropertyDescription("When the operator last observed the cluster for this recovery (RFC 3339); a longer gap restarts the quorum-loss clock.")
  public String lastObserved;

  @JsonPropertyDescription("When the current phase began (RFC 3339).")
  public String phaseSince;

  @JsonPropertyDescription("When the plan was written (RFC 3339).")
  public String planned;

  @JsonPropertyDescription("When the recovery ended (Recovered or Cancelled, RFC 3339).")
  public String finished;

  @JsonPropertyDescription("Who approved the plan (Manual mode), from the approval annotation's managed fields.")
  public String approvedBy;

  @JsonPropertyDescription("What the phase is waiting for, or what was done.")
  public String message;

  @JsonPropertyDescription("The voters that do not answer, and the evidence that each is gone for good.")
  public List<LostMember> lost = new ArrayList<>();

  @JsonPropertyDescription("The other members and the last log entry each reported from its stopped data dir.")
  public List<Survivor> survivors = new ArrayList<>();

  @JsonPropertyDescription("Pod of the chosen template: the survivor with the highest (term, index), ties to the lowest ordinal.")
  public String template;

  @JsonPropertyDescription("Node id (hex) of the template.")
  public String templateNodeId;

  @JsonPropertyDescription("The configuration written into the template's data dir, once.")
  public List<ConfigMember> targetConfiguration = new ArrayList<>();

  @JsonPropertyDescription("The last few recoveries, newest first.")
  public List<HistoryEntry> history = new ArrayList<>();

  /** A voter counted as lost, and why the operator believes it cannot run again with its data. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LostMember {
    public String pod;
    @JsonPropertyDescription("cowsql node id in hex.")
    public String nodeId;
    @JsonPropertyDescription("uid of its data claim when it was first seen lost; another uid later means the claim was replaced.")
    public String claimUid;
    @JsonPropertyDescription("VolumeGone, NodeDeleted, NodeOutOfService; empty while there is none.")
    public String evidence;
    @JsonPropertyDescription("What was seen, or what would count as evidence.")
    public String detail;

    public LostMember() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof LostMember m && Objects.equals(pod, m.pod) && Objects.equals(nodeId, m.nodeId)
          && Objects.equals(claimUid, m.claimUid) && Objects.equals(evidence, m.evidence)
          && Objects.equals(detail, m.detail);
    }

    @Override
    public int hashCode() {
      return Objects.hash(pod, nodeId, claimUid, evidence, detail);
    }
  }

  /** A member that is not lost, and what it reported from its stopped data dir. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Survivor {
    public String pod;
    public String nodeId;
    @JsonPropertyDescription("Term of its last log entry; empty until it reported.")
    public Long term;
    @JsonPropertyDescription("Index of its last log entry; empty until it reported.")
    public Long index;

    public Survivor() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Survivor s && Objects.equals(pod, s.pod) && Objects.equals(nodeId, s.nodeId)
          && Objects.equals(term, s.term) && Objects.equals(index, s.index);
    }

    @Override
    public int hashCode() {
      return Objects.hash(pod, nodeId, term, index);
    }
  }

  /** One entry of a Raft configuration. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ConfigMember {
    public String nodeId;
    public String address;
    @JsonPropertyDescription("voter, standby or spare.")
    public String role;

    public ConfigMember() {}

    public ConfigMember(String nodeId, String address, String role) {
      this.nodeId = nodeId;
      this.address = address;
      this.role = role;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ConfigMember c && Objects.equals(nodeId, c.nodeId) && Objects.equals(address, c.address)
          && Objects.equals(role, c.role);
    }

    @Override
    public int hashCode() {
      return Objects.hash(nodeId, address, role);
    }
  }

  /** A past recovery. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HistoryEntry {
    public String planId;
    public Long epoch;
    @JsonPropertyDescription("Recovered or Cancelled.")
    public Phase outcome;
    public String template;
    public String quorumLostSince;
    public String finished;
    public String message;

    public HistoryEntry() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof HistoryEntry h && Objects.equals(planId, h.planId) && Objects.equals(epoch, h.epoch)
          && outcome == h.outcome && Objects.equals(template, h.template)
          && Objects.equals(quorumLostSince, h.quorumLostSince) && Objects.equals(finished, h.finished)
          && Objects.equals(message, h.message);
    }

    @Override
    public int hashCode() {
      return Objects.hash(planId, epoch, outcome, template, quorumLostSince, finished, message);
    }
  }

  /** The epoch, 0 when none was recorded. */
  public long epochOrZero() {
    return epoch == null ? 0 : epoch;
  }

  /** The epoch published to the pods, 0 when none was. */
  public long publishedEpochOrZero() {
    return publishedEpoch == null ? 0 : publishedEpoch;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecoveryStatus r && Objects.equals(epoch, r.epoch)
        && Objects.equals(publishedEpoch, r.publishedEpoch) && phase == r.phase
        && Objects.equals(planId, r.planId) && Objects.equals(quorumLostSince, r.quorumLostSince)
        && Objects.equals(lastObserved, r.lastObserved) && Objects.equals(phaseSince, r.phaseSince)
        && Objects.equals(planned, r.planned) && Objects.equals(finished, r.finished)
        && Objects.equals(approvedBy, r.approvedBy) && Objects.equals(message, r.message)
        && Objects.equals(lost, r.lost) && Objects.equals(survivors, r.survivors)
        && Objects.equals(template, r.template) && Objects.equals(templateNodeId, r.templateNodeId)
        && Objects.equals(targetConfiguration, r.targetConfiguration) && Objects.equals(history, r.history);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, publishedEpoch, phase, planId, quorumLostSince, lastObserved, phaseSince, planned, finished, approvedBy,
        message, lost, survivors, template, templateNodeId, targetConfiguration, history);
  }
}
