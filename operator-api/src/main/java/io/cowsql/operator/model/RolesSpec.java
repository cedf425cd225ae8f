package io.cowsql.operator.model;

import io.cowsql.contract.RoleTargets;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Target role counts, which the leader's role policy works towards (it promotes and demotes one member at a time).
 * A cluster of fewer than {@link RoleTargets#SMALLEST_VOTING_GROUP} nodes has its leader as the only voter,
 * whatever the targets: so {@code replicas: 1} and {@code 2} are valid with the default targets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolesSpec {

  @Min(RoleTargets.MIN_VOTERS)
  @Max(RoleTargets.MAX_VOTERS)
  @Default("" + RoleTargets.DEFAULT_VOTERS)
  @JsonPropertyDescription("Target number of voters: odd, and at most spec.replicas once spec.replicas is 3 or more."
      + " A cluster of 1 or 2 nodes has one voter, its leader, whatever this says (so replicas: 1 with the default"
      + " targets is valid).")
  public Integer voters = RoleTargets.DEFAULT_VOTERS;

  @Min(RoleTargets.MIN_STANDBYS)
  @Max(RoleTargets.MAX_STANDBYS)
  @Default("" + RoleTargets.DEFAULT_STANDBYS)
  @JsonPropertyDescription("Target number of standbys (replicate without voting; warm replacements for voters).")
  public Integer standbys = RoleTargets.DEFAULT_STANDBYS;
}
