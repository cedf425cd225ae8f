package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Target role counts. The role policy runs on the leader (engine.md §1c). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolesSpec {

  @Min(1)
  @Max(99)
  @Default("3")
  @JsonPropertyDescription("Target number of voters: odd, and at most spec.replicas.")
  public Integer voters = 3;

  @Min(0)
  @Max(99)
  @Default("3")
  @JsonPropertyDescription("Target number of standbys (replicate without voting; warm replacements for voters).")
  public Integer standbys = 3;
}
