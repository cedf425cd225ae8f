package io.cowsql.operator.model;

import io.cowsql.contract.DurationFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Engine tuning handed to every node agent; unset fields keep the engine's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EngineSpec {

  @Pattern(DurationFormat.PATTERN)
  @JsonPropertyDescription("Typical one-way network latency between nodes, e.g. 20ms (1ms to 60m). Heartbeats follow at 1.5x and elections at 15x.")
  public String networkLatency;

  @Min(1)
  @JsonPropertyDescription("Raft log entries between snapshots; set together with snapshotTrailing.")
  public Integer snapshotThreshold;

  @Min(4)
  @JsonPropertyDescription("Log entries kept after a snapshot: at least 4 and at least snapshotThreshold.")
  public Integer snapshotTrailing;

  @JsonPropertyDescription("Let the engine repair a damaged log tail at start (libcowsql only; default true).")
  public Boolean autoRecovery;

  @Min(512)
  @Max(262144)
  @JsonPropertyDescription("Disk block size in bytes, a power of two from 512 to 262144 (libcowsql only).")
  public Integer blockSize;
}
