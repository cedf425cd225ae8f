package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.node.BothEngines;
import io.cowsql.node.Node;
import io.cowsql.node.NodeOptions;
import io.cowsql.node.TestPorts;
import io.cowsql.node.data.LastEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live position of a running engine's log, read from its data dir while it writes. */
@BothEngines
class LiveLogPositionTest {
  @TempDir Path dir;

  private static final ClientOptions OPTS = ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(2))
      .withRequestTimeout(Duration.ofSeconds(5)).withRetryTimeout(Duration.ofSeconds(10));

  @Test
  void positionFollowsTheWritesOfARunningEngine() throws Exception {
    String addr = TestPorts.address();
    AtomicLong clock = new AtomicLong();
    LiveLogPosition live = new LiveLogPosition(dir, null, Duration.ofSeconds(1), clock::get);
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir,
        NodeOptions.defaults().withBindAddress(addr).withNetworkLatency(Duration.ofMillis(5)))) {
      n.start();
      try (CowsqlClient c = CowsqlClient.findLeader(List.of(addr), OPTS)) {
        c.open("test.db");
        c.exec("CREATE TABLE t (i INTEGER PRIMARY KEY, v TEXT)");
        LastEntry before = live.current();
        assertThat(before).isNotNull();
        assertThat(before.source()).as("the engine writes to an open segment").startsWith("open-");

        for (int i = 0; i < 20; i++) {
          c.exec("INSERT INTO t (v) VALUES (?)", "value-" + i);
        }
        assertThat(live.current()).as("younger than the maximum age: the cached position, the dir is not read")
            .isSameAs(before);

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        LastEntry after = live.current();
        // Each acknowledged write is one command entry; a lone voter commits an entry only once it is on its own disk.
        assertThat(after.index()).isGreaterThanOrEqualTo(before.index() + 20);
        assertThat(after.term()).isEqualTo(before.term());
        assertThat(after.isClean()).as(after.problems().toString()).isTrue();
      }
    }
  }

  @Test
  void aDirThatCannotBeReadReportsTheInitialEntryAndIsNotReadAgainBeforeTheMaximumAge() throws Exception {
    AtomicLong clock = new AtomicLong();
    LastEntry atStart = new LastEntry(new io.cowsql.node.data.LogPosition(2, 7), "open-1", List.of());
    LiveLogPosition live = new LiveLogPosition(dir.resolve("absent"), atStart, Duration.ofSeconds(1), clock::get);
    assertThat(live.current()).isSameAs(atStart);
    java.nio.file.Files.createDirectories(dir.resolve("absent"));
    assertThat(live.current()).as("the failed read counts as a read for the maximum age").isSameAs(atStart);
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(live.current().index()).as("an empty dir is the empty log").isZero();
  }
}
