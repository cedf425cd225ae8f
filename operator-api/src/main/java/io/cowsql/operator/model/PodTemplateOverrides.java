package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What the user may add to the node pods. The operator's own labels, anti-affinity and spreading stay. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateOverrides {

  @JsonPropertyDescription("Extra pod labels (the operator's app.kubernetes.io/* labels win).")
  public Map<String, String> labels;

  @JsonPropertyDescription("Extra pod annotations.")
  public Map<String, String> annotations;

  @JsonPropertyDescription("Node selector of the pods.")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the pods.")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity of the pods; the operator adds hostname anti-affinity between nodes of this cluster.")
  public Affinity affinity;

  @JsonPropertyDescription("PriorityClass of the pods.")
  public String priorityClassName;

  @JsonPropertyDescription("ServiceAccount the pods run as; by default the operator creates one named after the cluster.")
  public String serviceAccountName;
}
