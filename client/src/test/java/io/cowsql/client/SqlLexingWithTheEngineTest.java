package io.cowsql.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.client.PreparedStatementCacheTest.RequestCounter;
import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import io.cowsql.client.wire.Protocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lexer's statement boundaries and its SQLite rules against a real cowsql cluster: what the
 * engine reads as one statement is prepared as one, what SQLite accepts passes the client, and
 * what it cannot read is refused before a request is sent.
 */
class SqlLexingWithTheEngineTest extends OneClusterPerClass {
    static final ClientOptions OPTS = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(5));
    static final Duration T = Duration.ofSeconds(5);

    private static int requests(RequestCounter c) {
        int sum = 0;
        for (int i = 0; i < c.sent.length(); i++) {
            sum += c.sent.get(i);
        }
        return sum;
    }

    @Test
    void aTriggerWithSeveralStatementsInItsBodyIsPreparedAsOneStatementAndFires() throws Exception {
        RequestCounter counter = new RequestCounter();
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS.withDialer(counter))) {
            s.exec("DROP TABLE IF EXISTS lex_src; DROP TABLE IF EXISTS lex_log;"
                    + " CREATE TABLE lex_src (n INTEGER); CREATE TABLE lex_log (what TEXT)", List.of(), T);
            int prepares = counter.sent.get(Protocol.REQ_PREPARE);
            int execSql = counter.sent.get(Protocol.REQ_EXEC_SQL);
            s.execPrepared("CREATE TRIGGER lex_tr AFTER INSERT ON lex_src BEGIN"
                    + " INSERT INTO lex_log VALUES ('first; in a literal'); INSERT INTO lex_log VALUES ('second'); END;",
                    List.of(), T);
            assertThat(counter.sent.get(Protocol.REQ_PREPARE)).as("one PREPARE for the whole trigger").isEqualTo(prepares + 1);
            assertThat(counter.sent.get(Protocol.REQ_EXEC_SQL)).isEqualTo(execSql);
            s.exec("INSERT INTO lex_src VALUES (1)", List.of(), T);
            try (Rows rows = s.query("SELECT what FROM lex_log ORDER BY rowid", List.of(), T)) {
                assertThat(rows.toList()).containsExactly(new Object[] {"first; in a literal"}, new Object[] {"second"});
            }
        }
    }

    @Test
    void anUnclosedTrailingCommentPassesTheClientAndTheEngineRunsTheStatement() throws Exception {
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            try (Rows rows = s.query("SELECT 41 + 1 /* SQLite ends this comment at the end of the text", List.of(), T)) {
                assertThat(rows.toList().get(0)[0]).isEqualTo(42L);
            }
        }
    }

    @Test
    void anUnterminatedLiteralIsRefusedWithoutARequest() throws Exception {
        RequestCounter counter = new RequestCounter();
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS.withDialer(counter))) {
            s.exec("CREATE TABLE IF NOT EXISTS lex_open (v TEXT)", List.of(), T);
            int before = requests(counter);
            assertThatThrownBy(() -> s.exec("INSERT INTO lex_open VALUES ('it''s open)", List.of(), T))
                    .isInstanceOf(CowsqlException.class)
                    .hasMessage("refused: unterminated string literal 'it''s open) at offset 29: close it with ' "
                            + "(write '' for a ' inside it)")
                    .satisfies(e -> assertThat(((CowsqlException) e).code()).isEqualTo(CowsqlException.CLIENT_REFUSED));
            assertThatThrownBy(() -> s.execPrepared("INSERT INTO lex_open VALUES ('open", List.of(), T))
                    .isInstanceOf(CowsqlException.class).hasMessageContaining("unterminated string literal");
            assertThat(requests(counter)).as("nothing sent").isEqualTo(before);
        }
    }
}
