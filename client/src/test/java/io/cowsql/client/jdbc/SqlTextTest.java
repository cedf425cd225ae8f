package io.cowsql.client.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lexical helpers the driver and the shell rely on (pure text, no server). */
class SqlTextTest {
    @Test
    void kindFollowsTheLeadingKeyword() {
        assertThat(SqlText.kind("  select 1")).isEqualTo(SqlText.Kind.QUERY);
        assertThat(SqlText.kind("/* c */ -- d\n VALUES (1)")).isEqualTo(SqlText.Kind.QUERY);
        assertThat(SqlText.kind("EXPLAIN QUERY PLAN SELECT 1")).isEqualTo(SqlText.Kind.QUERY);
        assertThat(SqlText.kind("PRAGMA table_info(t)")).isEqualTo(SqlText.Kind.QUERY);
        assertThat(SqlText.kind("PRAGMA user_version = 3")).isEqualTo(SqlText.Kind.UPDATE);
        assertThat(SqlText.kind("WITH c AS (SELECT 1) SELECT * FROM c WHERE 'INSERT' = 'x'")).isEqualTo(SqlText.Kind.QUERY);
        assertThat(SqlText.kind("WITH c AS (SELECT 1) INSERT INTO t SELECT * FROM c")).isEqualTo(SqlText.Kind.UPDATE);
        assertThat(SqlText.kind("insert into t values (1)")).isEqualTo(SqlText.Kind.UPDATE);
        assertThat(SqlText.kind("BEGIN IMMEDIATE")).isEqualTo(SqlText.Kind.BEGIN);
        assertThat(SqlText.kind("END TRANSACTION")).isEqualTo(SqlText.Kind.COMMIT);
        assertThat(SqlText.kind("ROLLBACK")).isEqualTo(SqlText.Kind.ROLLBACK);
        assertThat(SqlText.kind("ROLLBACK TO sp1")).isEqualTo(SqlText.Kind.UPDATE);
        assertThat(SqlText.kind("ROLLBACK TRANSACTION TO SAVEPOINT sp1")).isEqualTo(SqlText.Kind.UPDATE);
        assertThat(SqlText.kind(" -- nothing\n")).isEqualTo(SqlText.Kind.EMPTY);
        assertThat(SqlText.isDml("UPDATE t SET x = 1")).isTrue();
        assertThat(SqlText.isDml("CREATE TABLE t (x)")).isFalse();
        assertThat(SqlText.isInsert("REPLACE INTO t VALUES (1)")).isTrue();
        assertThat(SqlText.isInsert("UPDATE t SET x = (SELECT 1)")).isFalse();
    }

    @Test
    void parametersAreCountedOutsideLiteralsAndComments() {
        assertThat(SqlText.parameterCount("SELECT ?, ?, '?', \"?\", [?] -- ?\n /* ? */")).isEqualTo(2);
        assertThat(SqlText.parameterCount("SELECT ?3, ?1")).isEqualTo(3);
        assertThat(SqlText.parameterCount("SELECT :a, @b, $c, :a")).isEqualTo(3);
        assertThat(SqlText.parameterCount("SELECT 'it''s ?' || ?")).isEqualTo(1);
        assertThat(SqlText.parameterCount("SELECT 1")).isZero();
        assertThat(SqlText.parameterCount("SELECT ?, ?99999999999")).as("counting stops at an index SQLite refuses").isEqualTo(1);
        assertThat(SqlText.parameterCount("SELECT ?, 'open ?")).isEqualTo(1);
    }

    @Test
    void scriptsSplitOnSemicolonsOutsideLiteralsCommentsAndTriggerBodies() {
        assertThat(SqlText.split("SELECT 1; SELECT 'a;b' ;; -- x;y\n SELECT 2")).containsExactly("SELECT 1", "SELECT 'a;b'",
                "-- x;y\n SELECT 2");
        String trigger = "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN UPDATE c SET n = n + 1; INSERT INTO log VALUES (1); END";
        assertThat(SqlText.split(trigger + "; SELECT 1;")).containsExactly(trigger, "SELECT 1");
        assertThat(SqlText.split("CREATE TEMP TRIGGER x BEGIN SELECT 1; END; CREATE TABLE y (z)"))
                .containsExactly("CREATE TEMP TRIGGER x BEGIN SELECT 1; END", "CREATE TABLE y (z)");
        assertThat(SqlText.split("  ; -- only a comment")).isEmpty();
        assertThat(SqlText.isComplete("SELECT 1;")).isTrue();
        assertThat(SqlText.isComplete("SELECT 1; -- done")).isTrue();
        assertThat(SqlText.isComplete("SELECT 1")).isFalse();
        assertThat(SqlText.isComplete("SELECT 'a;")).isFalse();
        assertThat(SqlText.isComplete("SELECT 1; SELECT 2")).isFalse();
        assertThat(SqlText.isComplete("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1;")).isFalse();
        assertThat(SqlText.isComplete("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;")).isTrue();
        assertThat(SqlText.isComplete("SELECT 1; /* still typing")).as("an unclosed comment is still being typed").isFalse();
        assertThat(SqlText.isComplete("SELECT 1; /* done */")).isTrue();
    }

    @Test
    void textTheLexerCannotReadStaysInTheLastPieceForTheCheckToRefuse() {
        assertThat(SqlText.split("SELECT 1; SELECT 'open; SELECT 2")).containsExactly("SELECT 1", "SELECT 'open; SELECT 2");
        assertThat(SqlText.split("SELECT 1;'x'")).containsExactly("SELECT 1", "'x'");
        assertThat(SqlText.kind("SELECT 'open")).isEqualTo(SqlText.Kind.QUERY);
        assertThat(SqlText.isEmpty("'open")).isFalse();
    }
}
