package io.cowsql.operator.model;

import io.cowsql.contract.DurationFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Quorum-loss recovery: when the operator may recover a cluster whose raft majority is lost, and after how long. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoverySpec {
  static final String DEFAULT_MODE_NAME = "Manual";
  public static final Mode DEFAULT_MODE = Mode.valueOf(DEFAULT_MODE_NAME);
  public static final String DEFAULT_QUORUM_LOSS_TIMEOUT = "5m";

  @Default(DEFAULT_MODE_NAME)
  @JsonPropertyDescription("Automatic: once quorum is lost for quorumLossTimeout and every lost voter is known to be gone for good (its pod and volume deleted, or its Node deleted or tainted node.kubernetes.io/out-of-service), the operator fences the lost members and recovers from the most up-to-date survivor. Manual: it computes the same plan, shows it in status.recovery and acts only once the annotation cowsql.io/approve-recovery names the plan id (which also waives missing evidence). Disabled: it only reports.")
  public Mode mode = DEFAULT_MODE;

  @Default(DEFAULT_QUORUM_LOSS_TIMEOUT)
  @Pattern(DurationFormat.PATTERN)
  @JsonPropertyDescription("How long quorum must stay lost (no leader, fewer than a majority of the voters answering) before a recovery is planned, e.g. 5m.")
  public String quorumLossTimeout = DEFAULT_QUORUM_LOSS_TIMEOUT;

  public enum Mode {
    Automatic, Manual, Disabled
  }
}
