package io.cowsql.operator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.recovery.SurvivorSelector.Report;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SurvivorSelectorTest {
  private static final List<ConfigMember> CONFIG = List.of(new ConfigMember("1", "db-0:9000", "voter"),
      new ConfigMember("2", "db-1:9000", "voter"), new ConfigMember("3", "db-2:9000", "voter"));

  private static Report report(String pod, int ordinal, long term, long index) {
    return new Report(pod, ordinal, "id" + ordinal, true, Optional.of(new LogPosition(term, index)), CONFIG, List.of());
  }

  @Test
  void theHighestTermWinsOverAHigherIndex() {
    SurvivorSelector.Selection s = SurvivorSelector.select(List.of(report("db-0", 0, 3, 900), report("db-3", 3, 4, 20)));
    assertThat(s.ambiguous()).isFalse();
    assertThat(s.template()).get().extracting(Report::pod).isEqualTo("db-3");
  }

  @Test
  void atTheSameTermTheHigherIndexWins() {
    assertThat(SurvivorSelector.select(List.of(report("db-0", 0, 4, 10), report("db-3", 3, 4, 11))).template())
        .get().extracting(Report::pod).isEqualTo("db-3");
  }

  @Test
  void aTieGoesToTheLowestOrdinal() {
    assertThat(SurvivorSelector.select(List.of(report("db-4", 4, 4, 11), report("db-3", 3, 4, 11))).template())
        .get().extracting(Report::pod).isEqualTo("db-3");
  }

  @Test
  void termsAndIndexesCompareUnsigned() {
    assertThat(new LogPosition(-1L, 0).compareTo(new LogPosition(Long.MAX_VALUE, 0))).isPositive();
  }

  @Test
  void aSurvivorThatDidNotReportMakesTheChoiceAmbiguousButTheBestReportIsProposed() {
    SurvivorSelector.Selection s = SurvivorSelector.select(List.of(report("db-0", 0, 4, 10),
        Report.missing("db-3", 3, "id3")));
    assertThat(s.ambiguous()).isTrue();
    assertThat(s.ambiguities()).singleElement().asString().contains("db-3", "did not report");
    assertThat(s.template()).get().extracting(Report::pod).isEqualTo("db-0");
  }

  @Test
  void aSurvivorWhoseEngineStillRunsIsNotCounted() {
    Report running = new Report("db-3", 3, "id3", false, Optional.of(new LogPosition(9, 99)), CONFIG, List.of());
    SurvivorSelector.Selection s = SurvivorSelector.select(List.of(report("db-0", 0, 4, 10), running));
    assertThat(s.ambiguities()).singleElement().asString().contains("db-3", "may still change");
    assertThat(s.template()).get().extracting(Report::pod).isEqualTo("db-0");
  }

  @Test
  void survivorsDisagreeingAboutTheLastConfigurationIsAmbiguous() {
    Report other = new Report("db-3", 3, "id3", true, Optional.of(new LogPosition(4, 9)),
        List.of(new ConfigMember("1", "db-0:9000", "voter"), new ConfigMember("2", "db-1:9000", "standby")), List.of());
    SurvivorSelector.Selection s = SurvivorSelector.select(List.of(report("db-0", 0, 4, 10), other));
    assertThat(s.ambiguities()).singleElement().asString().contains("disagree", "db-0", "db-3");
  }

  @Test
  void theSameConfigurationInAnotherOrderIsAgreement() {
    Report reordered = new Report("db-3", 3, "id3", true, Optional.of(new LogPosition(4, 9)),
        List.of(CONFIG.get(2), CONFIG.get(0), CONFIG.get(1)), List.of());
    assertThat(SurvivorSelector.select(List.of(report("db-0", 0, 4, 10), reordered)).ambiguous()).isFalse();
  }

  @Test
  void aDamagedLogIsAmbiguousAndNoSurvivorsAtAllHaveNoTemplate() {
    Report damaged = new Report("db-0", 0, "id0", true, Optional.of(new LogPosition(4, 9)), CONFIG,
        List.of("open-3: bad checksum at batch 12"));
    assertThat(SurvivorSelector.select(List.of(damaged)).ambiguities()).singleElement().asString()
        .contains("bad checksum");
    SurvivorSelector.Selection none = SurvivorSelector.select(List.of());
    assertThat(none.template()).isEmpty();
    assertThat(none.ambiguous()).isTrue();
  }
}
