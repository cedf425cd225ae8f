package io.cowsql.operator.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cowsql.contract.Annotations;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.AgentProbe;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.RecoveryStatus;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * observe for quorum-loss recovery: turns one pass's {@link ObservedCluster} into a {@link RecoveryPlanner.Observation}
 * and, only when the planner can use them (no leader answers, or a recorded recovery is under way or cancelled), adds
 * what the API shows about each voter's and standby's pod, claim and Node and what every agent reports from its data dir
 * ({@code GET /datadir}). Kubernetes objects come from the informers' caches; a healthy cluster costs no request.
 */
@ApplicationScoped
public class RecoveryObserver {
  /** The agent's data dir report. */
  public static final String DATADIR_PATH = "/datadir";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AgentProbe agents;

  public RecoveryObserver(AgentProbe agents) {
    this.agents = agents;
  }

  /** @param nodesSource the name of the reconciler's Nodes informer (a cache of every Node) */
  public RecoveryPlanner.Observation observe(Context<CowsqlCluster> context, String nodesSource,
      CowsqlCluster cluster, ObservedCluster observed, RecoveryStatus recorded, Instant now) {
    CowsqlView view = observed.cowsql();
    boolean leaderAnswers = view.leader().isPresent();
    int votersNow = leaderAnswers
        ? (int) view.members().stream().filter(m -> ConfigMember.VOTER.equals(m.role())).count() : 0;
    List<String> podNames = observed.pods().stream().map(ObservedPod::name).toList();
    Map<String, Long> podEpochs = new LinkedHashMap<>();
    observed.pods().forEach(p -> podEpoch(p).ifPresent(e -> podEpochs.put(p.name(), e)));
    Optional<RecoveryPlanner.Approval> approval = approval(cluster);
    if (!needsEvidence(leaderAnswers, recorded)) {
      return new RecoveryPlanner.Observation(now, leaderAnswers, votersNow, members(cluster, observed, Map.of()),
          podNames, Map.of(), Map.of(), approval, Map.of(), podEpochs);
    }
    Map<String, String> addresses = new LinkedHashMap<>();
    observed.pods().forEach(p -> p.podIp().ifPresent(ip -> addresses.put(p.name(), AgentProbe.httpAddress(ip))));
    Map<String, DataDirAnswer> answers = addresses.isEmpty() ? Map.of()
        : agents.ask(addresses, DATADIR_PATH, RecoveryObserver::dataDirAnswer);
    Map<String, SurvivorSelector.Report> reports = new LinkedHashMap<>();
    Map<String, Long> dirEpochs = new LinkedHashMap<>();
    Map<String, String> nodeIds = new LinkedHashMap<>();
    answers.forEach((pod, a) -> {
      reports.put(pod, a.report(pod, ClusterNames.ordinal(cluster, pod)));
      dirEpochs.put(pod, a.epoch());
      nodeIds.put(pod, a.nodeId());
    });
    List<RecoveryPlanner.Member> members = members(cluster, observed, nodeIds);
    Map<String, LossEvidence.Facts> facts = facts(context, nodesSource, cluster, members);
    return new RecoveryPlanner.Observation(now, leaderAnswers, votersNow, members, podNames, facts, reports, approval,
        dirEpochs, podEpochs);
  }

  /** Facts and reports matter without a leader, and while a recorded recovery is under way or was cancelled. */
  static boolean needsEvidence(boolean leaderAnswers, RecoveryStatus recorded) {
    if (!leaderAnswers) {
      return true;
    }
    return recorded != null && recorded.phase != null && recorded.phase != RecoveryStatus.Phase.Recovered
        && recorded.phase != RecoveryStatus.Phase.Waiting;
  }

  /**
   * The last known configuration: the leader's when one answers, else the members status last recorded (the
   * configuration cannot change without a leader). A member answers when a leader does, or when its address answered
   * the probe and the agent there does not report another node id: a member's pod recreated on a new volume answers
   * at the member's address with a new, empty node, which is not the member.
   *
   * @param nodeIds pod -> the node id its agent reported from its data dir
   */
  static List<RecoveryPlanner.Member> members(CowsqlCluster cluster, ObservedCluster observed,
      Map<String, String> nodeIds) {
    CowsqlView view = observed.cowsql();
    boolean leaderAnswers = view.leader().isPresent();
    Map<String, String> podByAddress = new LinkedHashMap<>();
    observed.pods().forEach(p -> podByAddress.put(ClusterNames.podAddress(cluster, p.name()), p.name()));
    List<RecoveryPlanner.Member> out = new ArrayList<>();
    if (leaderAnswers && !view.members().isEmpty()) {
      for (CowsqlView.Member m : view.members()) {
        String pod = podByAddress.get(m.address());
        if (pod != null) {
          out.add(new RecoveryPlanner.Member(pod, ClusterNames.ordinal(cluster, pod), m.nodeId(), m.address(),
              m.role(), true));
        }
      }
      return out;
    }
    List<CowsqlClusterStatus.Member> recorded = cluster.getStatus() == null || cluster.getStatus().members == null
        ? List.of() : cluster.getStatus().members;
    for (CowsqlClusterStatus.Member m : recorded) {
      if (m.pod == null || m.nodeId == null || m.role == null) {
        continue; // never listed by a leader: not a member of the last known configuration
      }
      boolean sameNode = !nodeIds.containsKey(m.pod) || nodeIds.get(m.pod).equalsIgnoreCase(m.nodeId);
      boolean answering = leaderAnswers || (m.address != null && view.answered().contains(m.address) && sameNode);
      out.add(new RecoveryPlanner.Member(m.pod, ClusterNames.ordinal(cluster, m.pod), m.nodeId, m.address, m.role,
          answering));
    }
    return out;
  }

  /**
   * What the API shows about each voter's and standby's pod, data claim and Node. A claim in phase Lost is a volume gone (the
   * PersistentVolume controller marks a claim Lost when its volume was deleted). The Node is looked up by name in
   * the Nodes informer's cache (a lost pod may be gone, so the Nodes mapped to the cluster may not include it).
   *
   * @param nodesSource the name of the reconciler's Nodes informer
   */
  static Map<String, LossEvidence.Facts> facts(Context<CowsqlCluster> context, String nodesSource,
      CowsqlCluster cluster, List<RecoveryPlanner.Member> members) {
    Map<String, Pod> pods = context.getSecondaryResources(Pod.class).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p, (a, b) -> a));
    Map<String, PersistentVolumeClaim> claims = context.getSecondaryResources(PersistentVolumeClaim.class).stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c, (a, b) -> a));
    Map<String, String> lastNodes = new LinkedHashMap<>();
    if (cluster.getStatus() != null && cluster.getStatus().members != null) {
      cluster.getStatus().members.stream().filter(m -> m.pod != null && m.node != null)
          .forEach(m -> lastNodes.put(m.pod, m.node));
    }
    // Every Node is in the Nodes informer's cache (it watches them all; only its mapping to this cluster is
    // partial), so a name it does not hold is a deleted Node. Without that cache nothing can be told: UNKNOWN,
    // never DELETED, which would count as evidence.
    var nodeSource = context.eventSourceRetriever().getEventSourceFor(Node.class, nodesSource);
    Function<String, LossEvidence.NodeState> nodeState = name -> nodeSource instanceof ManagedInformerEventSource<?, ?, ?> cache
        ? cache.get(new ResourceID(name)).map(n -> LossEvidence.nodeState(true, taintKeys((Node) n)))
            .orElse(LossEvidence.NodeState.DELETED)
        : LossEvidence.NodeState.UNKNOWN;
    Map<String, LossEvidence.Facts> out = new LinkedHashMap<>();
    for (RecoveryPlanner.Member m : members) {
      if (!ConfigMember.VOTER.equals(m.role()) && !ConfigMember.STANDBY.equals(m.role())) {
        continue; // a spare holds no data: nothing to fence, nothing to recover from
      }
      Pod pod = pods.get(m.pod());
      String claimName = ClusterNames.DATA_VOLUME + "-" + m.pod();
      PersistentVolumeClaim claim = claims.get(claimName);
      LossEvidence.ClaimState state = claim == null ? LossEvidence.ClaimState.DELETED
          : claim.getMetadata().getDeletionTimestamp() != null ? LossEvidence.ClaimState.TERMINATING
          : claim.getStatus() != null && "Lost".equals(claim.getStatus().getPhase()) ? LossEvidence.ClaimState.LOST
          : LossEvidence.ClaimState.PRESENT;
      Optional<String> nodeName = Optional.ofNullable(pod == null || pod.getSpec() == null ? null
          : pod.getSpec().getNodeName()).filter(n -> !n.isEmpty()).or(() -> Optional.ofNullable(lastNodes.get(m.pod())));
      LossEvidence.NodeState node = nodeName.map(nodeState).orElse(LossEvidence.NodeState.UNKNOWN);
      out.put(m.pod(), new LossEvidence.Facts(m.pod(), pod != null, claimName, state,
          Optional.ofNullable(claim == null ? null : claim.getMetadata().getUid()), nodeName, node));
    }
    return out;
  }

  private static List<String> taintKeys(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints().stream().map(Taint::getKey).toList();
  }

  private static Optional<Long> podEpoch(ObservedPod pod) {
    try {
      return Optional.of(Annotations.epoch(pod.annotations().get(Annotations.EPOCH)));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not a value the operator wrote: the next annotation patch replaces it
    }
  }

  /**
   * The approval annotation and who wrote it: the manager of the managed-fields entry that owns the annotation (a
   * {@code kubectl annotate} records "kubectl-annotate"; the user is not recorded by the API, only the tool).
   */
  static Optional<RecoveryPlanner.Approval> approval(CowsqlCluster cluster) {
    Map<String, String> annotations = cluster.getMetadata().getAnnotations();
    String planId = annotations == null ? null : annotations.get(RecoveryPlanner.APPROVE_ANNOTATION);
    if (planId == null || planId.isBlank()) {
      return Optional.empty();
    }
    String key = "f:" + RecoveryPlanner.APPROVE_ANNOTATION;
    String by = "unknown";
    List<ManagedFieldsEntry> entries = cluster.getMetadata().getManagedFields() == null ? List.of()
        : cluster.getMetadata().getManagedFields();
    for (ManagedFieldsEntry e : entries) {
      if (e.getFieldsV1() == null || e.getFieldsV1().getAdditionalProperties() == null) {
        continue;
      }
      Object metadata = e.getFieldsV1().getAdditionalProperties().get("f:metadata");
      Object owned = metadata instanceof Map<?, ?> md ? md.get("f:annotations") : null;
      if (owned instanceof Map<?, ?> a && a.containsKey(key)) {
        by = e.getManager() + (e.getTime() == null ? "" : " at " + e.getTime());
      }
    }
    return Optional.of(new RecoveryPlanner.Approval(planId.strip(), by));
  }

  /** One agent's {@code /datadir} document, read. */
  record DataDirAnswer(String nodeId, long epoch, boolean engineStopped, Optional<LogPosition> lastEntry,
      List<ConfigMember> lastConfiguration, List<String> problems) {
    SurvivorSelector.Report report(String pod, int ordinal) {
      return new SurvivorSelector.Report(pod, ordinal, nodeId, engineStopped, lastEntry, lastConfiguration, problems);
    }
  }

  /** A 200 answer read; anything else (the node has no data dir yet, a body that is not the document) is nothing. */
  static Optional<DataDirAnswer> dataDirAnswer(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return Optional.empty();
    }
    return parseDataDir(response.body());
  }

  static Optional<DataDirAnswer> parseDataDir(String body) {
    try {
      JsonNode d = JSON.readTree(body);
      if (d == null || !d.path("id").isTextual() || !d.path("epoch").canConvertToLong()) {
        return Optional.empty();
      }
      JsonNode le = d.path("lastEntry");
      Optional<LogPosition> last = le.isObject() && le.path("term").canConvertToLong()
          && le.path("index").canConvertToLong()
          ? Optional.of(new LogPosition(le.path("term").asLong(), le.path("index").asLong())) : Optional.empty();
      List<ConfigMember> configuration = new ArrayList<>();
      for (JsonNode m : d.path("lastConfiguration")) {
        configuration.add(new ConfigMember(m.path("id").asText(), m.path("address").asText(), m.path("role").asText()));
      }
      List<String> problems = new ArrayList<>();
      d.path("problems").forEach(p -> problems.add(p.asText()));
      return Optional.of(new DataDirAnswer(d.path("id").asText(), d.path("epoch").asLong(),
          d.path("engineStopped").asBoolean(false), last, configuration, problems));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
