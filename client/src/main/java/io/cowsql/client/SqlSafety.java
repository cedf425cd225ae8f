package io.cowsql.client;

/**
 * Refuses SQL that is known to abort a node: a {@code RETURNING} clause
 * fails with code 100 but leaves a WAL transaction pending, and the next
 * write on that node kills its process with an assertion (seen on libcowsql
 * 1.15.8 and libdqlite 1.11.1; upstream canonical/go-dqlite#192). The check looks at
 * keywords only, skipping string literals, quoted identifiers and comments,
 * so a value that merely contains the word is still allowed.
 */
public final class SqlSafety {
    private SqlSafety() {
    }

    public static void check(String sql) throws CowsqlException {
        if (sql == null) {
            throw new CowsqlException("SQL is null", CowsqlException.CLIENT_REFUSED);
        }
        if (containsKeyword(sql, "RETURNING")) {
            throw new CowsqlException("refused: the SQL contains a RETURNING clause, which aborts the cowsql node "
                    + "process (go-dqlite#192); run the statement without RETURNING and read the row back with a "
                    + "SELECT (for example by last_insert_rowid())", CowsqlException.CLIENT_REFUSED);
        }
    }

    /** True when {@code keyword} (upper case) appears as a bare word outside literals and comments. */
    static boolean containsKeyword(String sql, String keyword) {
        return scan(sql, keyword) == FOUND;
    }

    /** True when something other than blanks and comments follows a ';' that ends a statement. */
    public static boolean hasSeveralStatements(String sql) {
        return scan(sql, null) == SEVERAL;
    }

    private static final int NONE = 0;
    private static final int FOUND = 1;
    private static final int SEVERAL = 2;

    /**
     * One lexical pass over the SQL that skips literals, quoted identifiers and
     * comments: finds {@code keyword} when given, else looks for a second statement.
     */
    private static int scan(String sql, String keyword) {
        int n = sql.length();
        int i = 0;
        boolean ended = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (keyword == null && c == ';') {
                ended = true;
                i++;
            } else if (keyword == null && ended) {
                return SEVERAL;
            } else if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
            } else if (c == '[') {
                int end = sql.indexOf(']', i + 1);
                i = end < 0 ? n : end + 1;
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                if (keyword != null && i - start == keyword.length()
                        && sql.regionMatches(true, start, keyword, 0, keyword.length())) {
                    return FOUND;
                }
            } else {
                i++;
            }
        }
        return NONE;
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        int n = sql.length();
        while (i < n) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote is an escaped quote
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
