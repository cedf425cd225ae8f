package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Spreading over failure domains: pods across the topology key's values, voters across their codes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureDomainsSpec {

  public static final String DEFAULT_TOPOLOGY_KEY = "topology.kubernetes.io/zone";
  static final String DEFAULT_SPREADING_NAME = "Preferred";
  public static final Spreading DEFAULT_SPREADING = Spreading.valueOf(DEFAULT_SPREADING_NAME);

  @Default(DEFAULT_TOPOLOGY_KEY)
  @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Node label whose value names a pod's failure domain (its zone).")
  public String topologyKey = DEFAULT_TOPOLOGY_KEY;

  @Default(DEFAULT_SPREADING_NAME)
  @JsonPropertyDescription("Required: a pod stays Pending rather than unbalance the zones (maxSkew 1, DoNotSchedule). Preferred: spread when possible (ScheduleAnyway).")
  public Spreading spreading = DEFAULT_SPREADING;

  public enum Spreading {
    Required, Preferred
  }
}
