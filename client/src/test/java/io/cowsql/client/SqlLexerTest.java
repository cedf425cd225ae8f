package io.cowsql.client;

import io.cowsql.client.SqlLexer.MalformedSqlException;
import io.cowsql.client.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** SQLite's lexical rules as the client reads them (pure text, no server). */
class SqlLexerTest {
    /** "TYPE:text" for every token up to the end. */
    private static List<String> tokens(String sql) {
        List<String> out = new ArrayList<>();
        SqlLexer lx = new SqlLexer(sql);
        for (Token t = lx.next(); t != Token.END; t = lx.next()) {
            out.add(t + ":" + lx.text());
        }
        return out;
    }

    @Test
    void wordsNumbersSymbolsAndSemicolonsAreTokensAndCommentsAreSkipped() {
        assertThat(tokens("SELECT a1, 42 -- the answer; really\n/* ; */ FROM t;"))
                .containsExactly("WORD:SELECT", "WORD:a1", "SYMBOL:,", "NUMBER:42", "WORD:FROM", "WORD:t", "SEMICOLON:;");
        assertThat(tokens("x -- to the end")).containsExactly("WORD:x");
        assertThat(tokens("a$b _c")).containsExactly("WORD:a$b", "WORD:_c");
    }

    @Test
    void aDoubledQuoteInsideALiteralOrQuotedNameIsOneCharacterOfIt() {
        assertThat(tokens("SELECT 'it''s; -- not a comment', \"a\"\"b;\", `x``y`, [c;\"d]"))
                .containsExactly("WORD:SELECT", "STRING:'it''s; -- not a comment'", "SYMBOL:,", "QUOTED_NAME:\"a\"\"b;\"",
                        "SYMBOL:,", "QUOTED_NAME:`x``y`", "SYMBOL:,", "QUOTED_NAME:[c;\"d]");
        assertThat(tokens("''''")).containsExactly("STRING:''''");
        assertThat(tokens("'' ''")).containsExactly("STRING:''", "STRING:''");
    }

    @Test
    void parametersInEveryFormSQLiteReads() {
        assertThat(tokens("? ?7 :name @n2 $v $ns::x ?"))
                .containsExactly("PARAMETER:?", "PARAMETER:?7", "PARAMETER::name", "PARAMETER:@n2", "PARAMETER:$v",
                        "PARAMETER:$ns::x", "PARAMETER:?");
        assertThat(tokens("a : @ (:x)")).as("a prefix without a name is a symbol")
                .containsExactly("WORD:a", "SYMBOL::", "SYMBOL:@", "SYMBOL:(", "PARAMETER::x", "SYMBOL:)");
        assertThat(tokens("'?' \"?\" [?] -- ?\n/* ? */")).doesNotContain("PARAMETER:?");
        assertThat(tokens("?" + SqlLexer.MAX_PARAMETER_INDEX)).containsExactly("PARAMETER:?" + SqlLexer.MAX_PARAMETER_INDEX);
    }

    @Test
    void anUnclosedBlockCommentRunsToTheEndAsInSQLite() {
        SqlLexer lx = new SqlLexer("SELECT 1 /* still typing; ");
        assertThat(lx.next()).isEqualTo(Token.WORD);
        assertThat(lx.next()).isEqualTo(Token.NUMBER);
        assertThat(lx.endsInComment()).isFalse();
        assertThat(lx.next()).isEqualTo(Token.END);
        assertThat(lx.endsInComment()).isTrue();
        assertThat(lx.next()).as("END stays END").isEqualTo(Token.END);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "SELECT 'abc|7|unterminated string literal 'abc at offset 7: close it with '",
        "SELECT \"na''me|7|unterminated quoted name \"na''me at offset 7: close it with \"",
        "SELECT `x|7|unterminated quoted name `x at offset 7: close it with `",
        "SELECT [x|7|unterminated quoted name [x at offset 7: close it with ]",
        "SELECT 'it''s|7|unterminated string literal 'it''s",
        "SELECT ?0|7|parameter ?0 at offset 7: the index must be 1-250000",
        "SELECT ?250001|7|parameter ?250001 at offset 7: the index must be 1-250000",
        "SELECT ?99999999999999999999999|7|the index must be 1-250000",
    })
    void unreadableTextRaisesAnErrorNamingTheTokenAndWhere(String sql, int offset, String message) {
        SqlLexer lx = new SqlLexer(sql);
        assertThat(lx.next()).isEqualTo(Token.WORD);
        assertThatThrownBy(lx::next).isInstanceOf(MalformedSqlException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((MalformedSqlException) e).offset()).isEqualTo(offset));
    }

    @Test
    void aLongUnterminatedLiteralIsQuotedShortInTheMessage() {
        String sql = "'" + "x".repeat(1_000_000);
        assertThatThrownBy(() -> new SqlLexer(sql).next()).isInstanceOf(MalformedSqlException.class)
                .hasMessage("unterminated string literal '" + "x".repeat(19) + "... at offset 0: close it with ' "
                        + "(write '' for a ' inside it)");
    }

    /**
     * Random text from the characters that open and close tokens: every call either advances
     * past a token of at least one character, reaches END, or throws; so a scan ends after at
     * most one step per character, whatever the input.
     */
    @Test
    void anyTextEndsOrIsRefusedWithinOneStepPerCharacter() {
        Random random = new Random(42);
        String alphabet = "'\"`[]-/*;?:@$ \n09az_=";
        for (int round = 0; round < 5_000; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String sql = sb.toString();
            SqlLexer lx = new SqlLexer(sql);
            int steps = 0;
            try {
                for (Token t = lx.next(); t != Token.END; t = lx.next()) {
                    if (lx.end() <= lx.start() || ++steps > sql.length()) {
                        fail("no progress at offset " + lx.start() + " of " + sql);
                    }
                }
            } catch (MalformedSqlException e) {
                if (e.offset() < 0 || e.offset() >= sql.length()) {
                    fail("offset " + e.offset() + " outside " + sql);
                }
            }
            // The statement helpers never throw, on any text.
            SqlLexer.statementEnds(sql);
            SqlLexer.isBlank(sql, 0);
        }
    }

    @Test
    void statementsEndAtSemicolonsOutsideLiteralsCommentsAndTriggerBodies() {
        assertThat(SqlLexer.statementEnds("SELECT ';'; SELECT 2 -- ;\n;")).containsExactly(10, 26);
        String trigger = "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN UPDATE c SET n = n + 1; SELECT 'END;'; END";
        assertThat(SqlLexer.statementEnds(trigger + "; SELECT 1;")).containsExactly(trigger.length(), trigger.length() + 10);
        assertThat(SqlLexer.statementEnds("create trigger x begin select 1; end;")).containsExactly(36);
        assertThat(SqlLexer.statementEnds("SELECT 1; SELECT 'open;")).as("the unreadable rest is one unfinished statement")
                .containsExactly(8);
    }

    @Test
    void blankMeansOnlyWhitespaceAndComments() {
        assertThat(SqlLexer.isBlank(" -- c\n /* d */ \t", 0)).isTrue();
        assertThat(SqlLexer.isBlank("/* open", 0)).isTrue();
        assertThat(SqlLexer.isBlank("SELECT 1; ", 9)).isTrue();
        assertThat(SqlLexer.isBlank("''", 0)).isFalse();
        assertThat(SqlLexer.isBlank("'open", 0)).isFalse();
        assertThatThrownBy(() -> new SqlLexer("abc", 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
