package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The persistent volume claimed for every node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {
  public static final String DEFAULT_SIZE = "1Gi";

  @Default(DEFAULT_SIZE)
  @Pattern("^[0-9]+(\\.[0-9]+)?([KMGTPE]i?|[mkMGTPE]|[eE][0-9]+)?$")
  @JsonPropertyDescription("Size of each node's volume, a quantity such as 1Gi. Changing it does not resize existing volumes.")
  public String size = DEFAULT_SIZE;

  @JsonPropertyDescription("StorageClass of the volumes; empty for the cluster default.")
  public String storageClassName;

  @JsonPropertyDescription("What happens to the volumes when nodes are removed or the cluster is deleted.")
  public RetentionSpec retention = new RetentionSpec();

  /** Volume retention. Kubernetes 1.20 StatefulSets keep every claim; the operator applies these rules itself. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RetentionSpec {
    static final String DEFAULT = "Retain";
    public static final RetentionPolicy DEFAULT_POLICY = RetentionPolicy.valueOf(DEFAULT);

    @Default(DEFAULT)
    @JsonPropertyDescription("Volumes of nodes removed by a scale-down: Retain keeps them (a later scale-up gives the same ordinal its old claim back), Delete removes a claim once its member is out of the raft configuration and its pod is gone.")
    public RetentionPolicy whenScaled = DEFAULT_POLICY;

    @Default(DEFAULT)
    @JsonPropertyDescription("Volumes when the CowsqlCluster is deleted: Retain keeps them (the data survives), Delete removes them with the cluster.")
    public RetentionPolicy whenDeleted = DEFAULT_POLICY;
  }

  public enum RetentionPolicy {
    Retain, Delete
  }
}
