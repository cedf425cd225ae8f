package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import io.cowsql.node.data.LogPosition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code /datadir} document's fields, as the operator's recovery reads them. */
class DataDirReportTest {
  @Test
  void aStoppedDirsReportNamesTheNodeInHexItsLastEntryConfigurationAndEveryProblem() {
    LastEntry last = new LastEntry(new LogPosition(3, 42), "open-1", List.of("open-1: a torn batch at the tail, ignored"));
    DataDirReader.Inspection read = new DataDirReader.Inspection(null, List.of(), List.of(), last, 40, 1, 1,
        List.of(new Member(0x2dc171858c3155beL, "db-0:9000", MemberRole.VOTER), new Member(0x5fL, "db-1:9000", MemberRole.SPARE)), 41);
    Map<String, Object> d = Json.parseObject(new DataDirReport(0x2dc171858c3155beL, 2, true, "plan-7", read,
        List.of("extra")).json());
    assertThat(d.get("id")).isEqualTo("2dc171858c3155be");
    assertThat(d.get("epoch")).isEqualTo(2);
    assertThat(d.get("engineStopped")).isEqualTo(true);
    assertThat(d.get("stopPlan")).isEqualTo("plan-7");
    assertThat(d.get("lastEntry")).isEqualTo(Map.of("term", 3, "index", 42, "source", "open-1"));
    assertThat(d.get("lastConfiguration")).isEqualTo(List.of(
        Map.of("id", "2dc171858c3155be", "address", "db-0:9000", "role", "voter"),
        Map.of("id", "5f", "address", "db-1:9000", "role", "spare")));
    assertThat(d.get("problems")).isEqualTo(List.of("extra", "open-1: a torn batch at the tail, ignored"));
  }

  @Test
  void aDirNotReadHasNoEntryNoConfigurationAndSaysWhy() {
    Map<String, Object> d = Json.parseObject(new DataDirReport(1, 0, false, null, null, List.of("the engine has not opened the dir yet")).json());
    assertThat(d).containsEntry("id", "1").containsEntry("stopPlan", null).containsEntry("lastEntry", null)
        .containsEntry("engineStopped", false).containsEntry("lastConfiguration", List.of())
        .containsEntry("problems", List.of("the engine has not opened the dir yet"));
  }
}
