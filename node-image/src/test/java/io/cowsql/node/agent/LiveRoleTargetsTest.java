package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveRoleTargetsTest {

  @Test
  void theTargetsFollowThePodAnnotationsWhileTheAgentRuns(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("annotations");
    Files.writeString(file, "cowsql.io/failure-domain=\"2\"\n");
    LiveRoleTargets targets = new LiveRoleTargets(file, 3, 3);
    assertThat(targets.get().targetVoters()).as("the flags' value until the annotation is there").isEqualTo(3);

    Files.writeString(file, "cowsql.io/failure-domain=\"2\"\ncowsql.io/voters=\"5\"\ncowsql.io/standbys=\"1\"\n");
    assertThat(targets.get().targetVoters()).isEqualTo(5);
    assertThat(targets.get().targetStandbys()).isEqualTo(1);

    Files.writeString(file, "cowsql.io/voters=\"0\"\ncowsql.io/standbys=\"2\"\n");
    assertThat(targets.get().targetVoters()).as("an out-of-range value keeps the last good one").isEqualTo(5);
    assertThat(targets.get().targetStandbys()).isEqualTo(2);

    Files.delete(file);
    assertThat(targets.get().targetVoters()).as("an unreadable file keeps the targets").isEqualTo(5);
  }

  @Test
  void withoutAnAnnotationsFileTheFlagsHold() {
    LiveRoleTargets targets = new LiveRoleTargets(null, 1, 0);
    assertThat(targets.get().targetVoters()).isEqualTo(1);
    assertThat(targets.get().targetStandbys()).isZero();
  }

  @Test
  void theLeavingMembersFollowThePodAnnotationsAndABadIdKeepsTheLastGoodSet(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("annotations");
    Files.writeString(file, "cowsql.io/voters=\"3\"\n");
    LiveRoleTargets targets = new LiveRoleTargets(file, 3, 0);
    assertThat(targets.get().leaving()).as("no annotation: nobody leaves").isEmpty();

    Files.writeString(file, "cowsql.io/voters=\"3\"\ncowsql.io/leaving=\"2dc171858c3155be, f00d\"\n");
    assertThat(targets.get().leaving()).containsExactlyInAnyOrder(0x2dc171858c3155beL, 0xf00dL);
    assertThat(targets.get().targetVoters()).isEqualTo(3);

    Files.writeString(file, "cowsql.io/leaving=\"f00d,node-3\"\n");
    assertThat(targets.get().leaving()).as("an id that is not hex keeps the last good set").containsExactlyInAnyOrder(0x2dc171858c3155beL, 0xf00dL);

    Files.writeString(file, "cowsql.io/leaving=\"ffffffffffffffff\"\n");
    assertThat(targets.get().leaving()).as("ids are unsigned 64-bit").containsExactly(-1L);

    Files.writeString(file, "cowsql.io/leaving=\"\"\n");
    assertThat(targets.get().leaving()).as("empty: the scale-down is over").isEmpty();
  }
}
