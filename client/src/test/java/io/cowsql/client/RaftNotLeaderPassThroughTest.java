package io.cowsql.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * libcowsql answers a write refused by raft during a leadership transfer with raft's own code 7 (RAFT_NOTLEADER) and
 * the connection's stale SQLite message, as seen on the testbed during a rolling restart's handover: the client reads
 * it as the NOT_LEADER refusal it is (nothing was appended), so the write is retried on the new leader. SQLite's own 7
 * (SQLITE_NOMEM) is not a refusal and is left as it is.
 */
class RaftNotLeaderPassThroughTest {
  @Test
  void raftsNotLeaderIsANotLeaderRefusalThatIsSafeToRetry() {
    CowsqlException e = CowsqlException.failure(7, "no more rows available", "EXEC", "roll-0:9000");
    assertThat(e.code()).isEqualTo(CowsqlException.NOT_LEADER);
    assertThat(e.isSafeToRetry()).isTrue();
    assertThat(e.isLeaderChange()).isTrue();
    assertThat(e.getMessage()).contains("code 7");
  }

  @Test
  void sqlitesOutOfMemoryIsNotARefusal() {
    CowsqlException e = CowsqlException.failure(7, "out of memory", "EXEC", "a:9000");
    assertThat(e.code()).isEqualTo(7);
    assertThat(e.isSafeToRetry()).isFalse();
  }

  @Test
  void raftsLeadershipLostStaysAnUnknownOutcome() {
    CowsqlException e = CowsqlException.failure(8, "leadership lost", "EXEC", "a:9000");
    assertThat(e.isSafeToRetry()).isFalse();
  }
}
