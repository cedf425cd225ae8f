package io.cowsql.operator.model;

import io.cowsql.contract.DurationFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Quorum-loss recovery. Recorded now; the operator acts on it in a later release. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoverySpec {
  static final String DEFAULT_MODE_NAME = "Manual";
  public static final Mode DEFAULT_MODE = Mode.valueOf(DEFAULT_MODE_NAME);
  public static final String DEFAULT_QUORUM_LOSS_TIMEOUT = "5m";

  @Default(DEFAULT_MODE_NAME)
  @JsonPropertyDescription("Automatic: after quorumLossTimeout the operator recovers from the most up-to-date survivors. Manual: it reports and waits for an explicit trigger. Disabled: it only reports. (Behaviour arrives in a later release.)")
  public Mode mode = DEFAULT_MODE;

  @Default(DEFAULT_QUORUM_LOSS_TIMEOUT)
  @Pattern(DurationFormat.PATTERN)
  @JsonPropertyDescription("How long quorum must stay lost before Automatic recovery starts, e.g. 5m (behaviour arrives in a later release).")
  public String quorumLossTimeout = DEFAULT_QUORUM_LOSS_TIMEOUT;

  public enum Mode {
    Automatic, Manual, Disabled
  }
}
