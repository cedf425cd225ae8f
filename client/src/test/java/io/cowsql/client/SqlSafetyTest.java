package io.cowsql.client;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlSafetyTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO t(v) VALUES(1) RETURNING id",
        "insert into t values(1) returning *",
        "UPDATE t SET v = 2\nRETURNING\tv",
        "DELETE FROM t /* c */ Returning id",
        "INSERT INTO t VALUES('a');INSERT INTO t VALUES('b') RETURNING rowid",
    })
    void returningIsRefused(String sql) {
        assertThatThrownBy(() -> SqlSafety.check(sql)).isInstanceOf(CowsqlException.class)
                .hasMessageContaining("RETURNING")
                .satisfies(e -> assertThat(((CowsqlException) e).code()).isEqualTo(CowsqlException.CLIENT_REFUSED));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO t(v) VALUES('returning')",
        "INSERT INTO t(v) VALUES('it''s returning')",
        "SELECT \"returning\" FROM t",
        "SELECT [returning] FROM t",
        "SELECT `returning` FROM t",
        "SELECT 1 -- returning\n",
        "SELECT 1 /* RETURNING */",
        "SELECT returning_count, not_returning FROM t",
        "SELECT :returning, @returning, $returning",
        "SELECT 1 /* RETURNING, in a comment never closed",
    })
    void theWordInLiteralsCommentsAndIdentifiersIsAllowed(String sql) {
        assertThatCode(() -> SqlSafety.check(sql)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 'open", "SELECT [open", "SELECT ?0", "SELECT ?2147483648"})
    void sqlTheLexerCannotReadIsRefusedBeforeAnythingIsSent(String sql) {
        assertThatThrownBy(() -> SqlSafety.check(sql)).isInstanceOf(CowsqlException.class)
                .hasMessageStartingWith("refused: ").hasMessageContaining("at offset 7")
                .satisfies(e -> assertThat(((CowsqlException) e).code()).isEqualTo(CowsqlException.CLIENT_REFUSED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1; SELECT 2", "INSERT INTO t VALUES(';');\n DELETE FROM t", "SELECT 1;'x'", "SELECT 1; SELECT 'open",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; SELECT 2"})
    void secondStatementsAreFound(String sql) {
        assertThat(SqlSafety.hasSeveralStatements(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "SELECT 1;", "SELECT ';' ; -- done\n", "SELECT 1; /* tail */ ", "INSERT INTO t VALUES(';x')", "SELECT 1;;\n;",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE c SET n = n + 1; SELECT 2; END;"})
    void oneStatementWithTrailingBlanksOrCommentsIsOne(String sql) {
        assertThat(SqlSafety.hasSeveralStatements(sql)).isFalse();
    }
}
