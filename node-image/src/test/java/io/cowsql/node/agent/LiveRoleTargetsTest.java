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
}
