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
}
