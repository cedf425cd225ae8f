package io.cowsql.operator.recovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the recovery's template among the survivors: the highest last log entry (term, index), Raft's own
 * up-to-date rule, ties to the lowest ordinal. The choice is ambiguous, and the recovery must stop and say why, when
 * a survivor did not report (its engine still runs, or it gave no last entry: its log may be the most up-to-date),
 * when a survivor's log could not be read cleanly, or when the survivors disagree about the last configuration (a
 * membership change was under way, so who the voters were is not settled). Pure.
 */
public final class SurvivorSelector {
  private SurvivorSelector() {}

  /**
   * What one survivor's agent reported from its data dir.
   *
   * @param engineStopped     whether its engine is stopped (the log cannot change under the report)
   * @param lastEntry         its last log entry; empty when it did not report one
   * @param lastConfiguration the last configuration in its log
   * @param problems          what its agent could not read (a damaged tail): the position is then the last entry before
   *                          the damage
   */
  public record Report(String pod, int ordinal, String nodeId, boolean engineStopped, Optional<LogPosition> lastEntry,
      List<ConfigMember> lastConfiguration, List<String> problems) {
    public Report {
      lastConfiguration = List.copyOf(lastConfiguration);
      problems = List.copyOf(problems);
    }

    /** A survivor that sent nothing. */
    public static Report missing(String pod, int ordinal, String nodeId) {
      return new Report(pod, ordinal, nodeId, false, Optional.empty(), List.of(), List.of());
    }

    boolean reported() {
      return engineStopped && lastEntry.isPresent();
    }
  }

  /**
   * @param template    the best survivor among those that reported (empty when none did); when ambiguous, only a
   *                    proposal a person may approve
   * @param ambiguities why the choice cannot be made alone, empty when it can
   */
  public record Selection(Optional<Report> template, List<String> ambiguities) {
    public boolean ambiguous() {
      return !ambiguities.isEmpty();
    }
  }

  /** The highest (term, index) first, then the lowest ordinal. */
  static final Comparator<Report> BEST_FIRST = Comparator
      .<Report, LogPosition>comparing(r -> r.lastEntry().orElseThrow(), Comparator.reverseOrder())
      .thenComparingInt(Report::ordinal);

  public static Selection select(List<Report> survivors) {
    List<String> ambiguities = new ArrayList<>();
    if (survivors.isEmpty()) {
      ambiguities.add("no member survived: there is no data to recover from");
    }
    for (Report r : survivors) {
      if (!r.engineStopped()) {
        ambiguities.add(r.pod() + " did not report a stopped engine: its log may still change");
      } else if (r.lastEntry().isEmpty()) {
        ambiguities.add(r.pod() + " did not report its last log entry");
      }
      if (!r.problems().isEmpty()) {
        ambiguities.add(r.pod() + "'s log could not be read cleanly: " + String.join("; ", r.problems()));
      }
    }
    List<Report> reported = survivors.stream().filter(Report::reported).sorted(BEST_FIRST).toList();
    Set<Set<ConfigMember>> configurations = new HashSet<>();
    reported.forEach(r -> configurations.add(Set.copyOf(r.lastConfiguration())));
    if (configurations.size() > 1) {
      StringBuilder b = new StringBuilder("the survivors disagree about the last configuration:");
      reported.forEach(r -> b.append(' ').append(r.pod()).append(" has ").append(describe(r.lastConfiguration()))
          .append(';'));
      ambiguities.add(b.substring(0, b.length() - 1));
    }
    return new Selection(reported.stream().findFirst(), List.copyOf(ambiguities));
  }

  static String describe(List<ConfigMember> configuration) {
    return configuration.stream().sorted(Comparator.comparing(ConfigMember::nodeId))
        .map(m -> m.nodeId() + "/" + m.role()).toList().toString();
  }
}
