package io.cowsql.contract;

/**
 * The role targets' defaults and ranges as compile-time constants, so the CRD's schema annotations
 * ({@code @Default}, {@code @Min}, {@code @Max}) and {@link AgentOption#VOTERS}/{@link
 * AgentOption#STANDBYS} are one definition.
 */
public final class RoleTargets {
  private RoleTargets() {}

  public static final int DEFAULT_VOTERS = 3;
  public static final int MIN_VOTERS = 1;
  public static final int MAX_VOTERS = 99;
  public static final int DEFAULT_STANDBYS = 3;
  public static final int MIN_STANDBYS = 0;
  public static final int MAX_STANDBYS = 99;

  /**
   * The smallest cluster in which the role policy gives votes to members other than the leader:
   * with fewer members only the leader votes (two voters tolerate no more failures than one, and
   * make every write wait for both), and the others are spares.
   */
  public static final int SMALLEST_VOTING_GROUP = 3;
}
