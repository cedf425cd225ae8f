package io.cowsql.operator.cluster;

import java.util.List;
import java.util.Optional;

/**
 * What one node agent said about itself over its HTTP API in one pass.
 *
 * @param notReadyReason why the agent is not ready ({@code /readyz}'s 503 body), empty when ready or not asked
 * @param dataDir        its data dir's report ({@code /datadir}), empty when not asked or it did not answer
 */
public record AgentReport(Optional<String> notReadyReason, Optional<DataDir> dataDir) {

  public static final AgentReport NONE = new AgentReport(Optional.empty(), Optional.empty());

  /**
   * The agent's data dir as it reads it: its node id (hex), the epoch its identity records, whether the engine is
   * stopped (then the log cannot change under the report) and for which plan id, the last log entry and the last
   * configuration in the log (read read-only from the stopped dir), and what could not be read.
   */
  public record DataDir(String nodeId, long epoch, boolean engineStopped, Optional<String> stopPlan,
      Optional<Entry> lastEntry, List<CowsqlView.Member> lastConfiguration, List<String> problems) {
    public DataDir {
      lastConfiguration = List.copyOf(lastConfiguration);
      problems = List.copyOf(problems);
    }
  }

  /** A log position. */
  public record Entry(long term, long index) {}

  public AgentReport withDataDir(DataDir d) {
    return new AgentReport(notReadyReason, Optional.of(d));
  }
}
