package io.cowsql.operator.model;

import io.cowsql.contract.RoleTargets;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Target role counts. The role policy runs on the leader (engine.md §1c). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolesSpec {

  @Min(RoleTargets.MIN_VOTERS)
  @Max(RoleTargets.MAX_VOTERS)
  @Default("" + RoleTargets.DEFAULT_VOTERS)
  @JsonPropertyDescription("Target number of voters: odd, and at most spec.replicas.")
  public Integer voters = RoleTargets.DEFAULT_VOTERS;

  @Min(RoleTargets.MIN_STANDBYS)
  @Max(RoleTargets.MAX_STANDBYS)
  @Default("" + RoleTargets.DEFAULT_STANDBYS)
  @JsonPropertyDescription("Target number of standbys (replicate without voting; warm replacements for voters).")
  public Integer standbys = RoleTargets.DEFAULT_STANDBYS;
}
