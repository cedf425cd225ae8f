package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** What the user asks for. Every field has a default, so {@code spec: {}} is a valid 3-node cluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CowsqlClusterSpec {
  /** spec.clusterId: what the node agent compares with its data dir's record, byte for byte. */
  public static final String CLUSTER_ID_PATTERN = "^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$";
  public static final int MAX_CLUSTER_ID = 253;
  public static final int MIN_REPLICAS = 1;
  public static final int MAX_REPLICAS = 99;
  public static final int DEFAULT_REPLICAS = 3;
  /** The pull policy of the node image when {@code imagePullPolicy} is not set. */
  public static final PullPolicy DEFAULT_PULL_POLICY = PullPolicy.IfNotPresent;

  @SpecReplicas
  @Min(MIN_REPLICAS)
  @Max(MAX_REPLICAS)
  @Default("" + DEFAULT_REPLICAS)
  @JsonPropertyDescription("Number of cowsql nodes (pods). Scale up with `kubectl scale`; scale-down is refused until safe scale-down is implemented.")
  public Integer replicas = DEFAULT_REPLICAS;

  @Pattern(CLUSTER_ID_PATTERN)
  @Size(max = MAX_CLUSTER_ID)
  @JsonPropertyDescription("The cluster's identity, recorded in every node's data dir: a node refuses data of another"
      + " cluster id. Default: <namespace>/<name>, so deleting the resource and applying it again under the same name"
      + " adopts the retained volumes. Set it to adopt volumes under another name; it cannot change once the cluster"
      + " formed. Letters, digits and . _ / -, starting and ending with a letter or digit.")
  public String clusterId;

  @Pattern("^\\S+$")
  @JsonPropertyDescription("Node agent image. Defaults to the operator's configured node image.")
  public String image;

  @JsonPropertyDescription("Pull policy of the node image.")
  public PullPolicy imagePullPolicy;

  @JsonPropertyDescription("CPU and memory requests and limits of the node container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Persistent volume of each node.")
  public StorageSpec storage = new StorageSpec();

  @JsonPropertyDescription("Target numbers of voters and standbys; the leader's role policy promotes and demotes members to reach them.")
  public RolesSpec roles = new RolesSpec();

  @JsonPropertyDescription("How nodes are spread over failure domains (zones).")
  public FailureDomainsSpec failureDomains = new FailureDomainsSpec();

  @JsonPropertyDescription("Engine tuning passed to every node.")
  public EngineSpec engine = new EngineSpec();

  @JsonPropertyDescription("What the operator does when the raft majority is lost: Automatic, Manual (default: a person approves the plan) or Disabled, and after how long (see status.recovery and the QuorumLost condition).")
  public RecoverySpec recovery = new RecoverySpec();

  @JsonPropertyDescription("Overrides merged into the node pod template.")
  public PodTemplateOverrides podTemplate = new PodTemplateOverrides();

  @JsonPropertyDescription("The client Service through which applications reach the cluster.")
  public ClientServiceSpec service = new ClientServiceSpec();

  @Default(DEFAULT_UPDATE_STRATEGY_NAME)
  @JsonPropertyDescription("How pods are updated to a new pod template (image, resources, engine tuning, pod template"
      + " overrides, a new cowsql.io/restart annotation value; live settings such as roles never restart pods)."
      + " Automatic: the operator restarts them one at a time, spares, then standbys, then voters, the leader last after"
      + " handing leadership to an updated voter, each only while every other voter is Ready and caught up. Manual: the"
      + " same order and checks, but a pod is updated only once it is annotated cowsql.io/update.")
  public UpdateStrategy updateStrategy = DEFAULT_UPDATE_STRATEGY;

  static final String DEFAULT_UPDATE_STRATEGY_NAME = "Automatic";
  public static final UpdateStrategy DEFAULT_UPDATE_STRATEGY = UpdateStrategy.valueOf(DEFAULT_UPDATE_STRATEGY_NAME);

  public enum UpdateStrategy {
    Automatic, Manual
  }

  /** {@link #updateStrategy}, or its default when the stored spec has none (read before the field existed). */
  public UpdateStrategy updateStrategyOrDefault() {
    return updateStrategy != null ? updateStrategy : DEFAULT_UPDATE_STRATEGY;
  }

  public enum PullPolicy {
    Always, IfNotPresent, Never
  }

  /** This spec with every default applied: what the operator builds from (no caller null-checks a field). */
  public ClusterSpecView defaulted() {
    return ClusterSpecView.of(this);
  }
}
