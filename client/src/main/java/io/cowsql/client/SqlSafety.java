package io.cowsql.client;

import java.util.List;

/**
 * Refuses SQL that is known to abort a node: a {@code RETURNING} clause
 * fails with code 100 but leaves a WAL transaction pending, and the next
 * write on that node kills its process with an assertion (seen on libcowsql
 * 1.15.8 and libdqlite 1.11.1; upstream canonical/go-dqlite#192). The check looks at
 * keywords only ({@link SqlLexer} skips string literals, quoted names and comments),
 * so a value that merely contains the word is still allowed. SQL the lexer cannot
 * read (an unterminated literal, a parameter index out of range) is refused too,
 * with the lexer's message, before anything is sent.
 */
public final class SqlSafety {
    private SqlSafety() {
    }

    public static void check(String sql) throws CowsqlException {
        if (sql == null) {
            throw new CowsqlException("SQL is null", CowsqlException.CLIENT_REFUSED);
        }
        boolean returning;
        try {
            returning = containsKeyword(sql, "RETURNING");
        } catch (SqlLexer.MalformedSqlException e) {
            throw new CowsqlException("refused: " + e.getMessage(), CowsqlException.CLIENT_REFUSED);
        }
        if (returning) {
            throw new CowsqlException("refused: the SQL contains a RETURNING clause, which aborts the cowsql node "
                    + "process (go-dqlite#192); run the statement without RETURNING and read the row back with a "
                    + "SELECT (for example by last_insert_rowid())", CowsqlException.CLIENT_REFUSED);
        }
    }

    /**
     * True when {@code keyword} (upper case) appears as a bare word outside literals and comments.
     * Reads the whole text when the word is absent, so malformed SQL raises
     * {@link SqlLexer.MalformedSqlException}.
     */
    static boolean containsKeyword(String sql, String keyword) {
        SqlLexer lx = new SqlLexer(sql);
        for (SqlLexer.Token t = lx.next(); t != SqlLexer.Token.END; t = lx.next()) {
            if (lx.isWord(keyword)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when something other than blanks and comments follows a ';' that ends a statement
     * ({@link SqlLexer#statementEnds}: the ';' inside a trigger body do not).
     */
    public static boolean hasSeveralStatements(String sql) {
        List<Integer> ends = SqlLexer.statementEnds(sql);
        if (ends.isEmpty()) {
            return false;
        }
        SqlLexer lx = new SqlLexer(sql, ends.get(0) + 1);
        try {
            SqlLexer.Token t;
            do {
                t = lx.next();
            } while (t == SqlLexer.Token.SEMICOLON);
            return t != SqlLexer.Token.END;
        } catch (SqlLexer.MalformedSqlException e) {
            return true; // an unfinished second statement
        }
    }
}
