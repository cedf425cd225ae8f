package io.cowsql.client.jdbc;

import io.cowsql.client.SqlLexer;
import io.cowsql.client.SqlLexer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the driver and the shell need to know about SQL text, read with {@link SqlLexer}
 * (string literals, quoted names and comments skipped): the leading keyword, whether the
 * statement returns rows, how many parameters it has, and where statements end. Reading stops
 * quietly at text the lexer cannot read: {@link io.cowsql.client.SqlSafety#check} refuses such
 * SQL, with the lexer's message, before anything is sent.
 */
public final class SqlText {
    private SqlText() {
    }

    /** What a statement is, as far as the driver needs to know. */
    public enum Kind {
        /** Returns rows: SELECT, VALUES, EXPLAIN, PRAGMA without '=', WITH ... SELECT. */
        QUERY,
        /** Changes data or schema, returns no rows. */
        UPDATE,
        /** BEGIN / SAVEPOINT outside a transaction. */
        BEGIN,
        /** COMMIT / END. */
        COMMIT,
        /** ROLLBACK (without TO). */
        ROLLBACK,
        /** Nothing but whitespace and comments. */
        EMPTY
    }

    private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT");

    /** The words of {@code sql} outside literals and comments, upper case (stops after {@code max}). */
    static List<String> words(String sql, int max) {
        List<String> out = new ArrayList<>();
        SqlLexer lx = new SqlLexer(sql);
        try {
            for (Token t = lx.next(); t != Token.END && out.size() < max; t = lx.next()) {
                if (t == Token.WORD) {
                    out.add(lx.text().toUpperCase(Locale.ROOT));
                }
            }
        } catch (SqlLexer.MalformedSqlException e) {
            // the words before it
        }
        return out;
    }

    public static Kind kind(String sql) {
        List<String> w = words(sql, 3);
        if (w.isEmpty()) {
            return Kind.EMPTY;
        }
        switch (w.get(0)) {
            case "SELECT":
            case "VALUES":
            case "EXPLAIN":
                return Kind.QUERY;
            case "PRAGMA":
                return hasAssignment(sql) ? Kind.UPDATE : Kind.QUERY;
            case "WITH": {
                for (String x : words(sql, Integer.MAX_VALUE)) {
                    if (WRITES.contains(x)) {
                        return Kind.UPDATE;
                    }
                }
                return Kind.QUERY;
            }
            case "BEGIN":
                return Kind.BEGIN;
            case "COMMIT":
            case "END":
                return Kind.COMMIT;
            case "ROLLBACK":
                return w.size() > 1 && (w.get(1).equals("TO") || w.size() > 2 && w.get(2).equals("TO")) ? Kind.UPDATE
                        : Kind.ROLLBACK;
            default:
                return Kind.UPDATE;
        }
    }

    /** True for INSERT/REPLACE (also behind WITH): statements whose last insert id is meaningful. */
    public static boolean isInsert(String sql) {
        for (String x : words(sql, Integer.MAX_VALUE)) {
            if (x.equals("INSERT") || x.equals("REPLACE")) {
                return true;
            }
            if (x.equals("UPDATE") || x.equals("DELETE")) {
                return false;
            }
        }
        return false;
    }

    /** True for INSERT/UPDATE/DELETE/REPLACE (also behind WITH): statements whose change count is meaningful. */
    public static boolean isDml(String sql) {
        List<String> w = words(sql, 1);
        if (w.isEmpty()) {
            return false;
        }
        String first = w.get(0);
        if (WRITES.contains(first)) {
            return true;
        }
        return first.equals("WITH") && kind(sql) == Kind.UPDATE;
    }

    private static boolean hasAssignment(String sql) {
        SqlLexer lx = new SqlLexer(sql);
        try {
            for (Token t = lx.next(); t != Token.END; t = lx.next()) {
                if (t == Token.SYMBOL && lx.symbol() == '=') {
                    return true;
                }
            }
        } catch (SqlLexer.MalformedSqlException e) {
            // no '=' before it
        }
        return false;
    }

    /**
     * The number of parameters SQLite will see: {@code ?} takes the next
     * index, {@code ?NNN} that index, {@code :name @name $name} one index
     * per distinct name. At most {@link SqlLexer#MAX_PARAMETER_INDEX} per distinct
     * index; SQLite refuses more.
     */
    public static int parameterCount(String sql) {
        int max = 0;
        Set<String> names = new HashSet<>();
        SqlLexer lx = new SqlLexer(sql);
        try {
            for (Token t = lx.next(); t != Token.END; t = lx.next()) {
                if (t != Token.PARAMETER) {
                    continue;
                }
                String p = lx.text();
                if (p.equals("?")) {
                    max++;
                } else if (p.charAt(0) == '?') {
                    max = Math.max(max, Integer.parseInt(p, 1, p.length(), 10));
                } else if (names.add(p)) {
                    max++;
                }
            }
        } catch (SqlLexer.MalformedSqlException e) {
            // the parameters before it
        }
        return max;
    }

    /**
     * Splits a script where statements end ({@link SqlLexer#statementEnds}: on ';' outside
     * literals, comments and trigger bodies); blank pieces are dropped. Text the lexer cannot
     * read stays in the last piece, for the check to refuse with its message.
     */
    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int end : SqlLexer.statementEnds(sql)) {
            String piece = sql.substring(start, end);
            if (!isEmpty(piece)) {
                out.add(piece.strip());
            }
            start = end + 1;
        }
        String tail = sql.substring(start);
        if (!isEmpty(tail)) {
            out.add(tail.strip());
        }
        return out;
    }

    /**
     * True when the text ends with a statement-ending ';' and only whitespace and closed comments
     * after it: what the shell waits for before it runs the input (an unclosed literal or comment
     * is still being typed).
     */
    public static boolean isComplete(String sql) {
        List<Integer> ends = SqlLexer.statementEnds(sql);
        if (ends.isEmpty()) {
            return false;
        }
        SqlLexer lx = new SqlLexer(sql, ends.get(ends.size() - 1) + 1);
        try {
            return lx.next() == Token.END && !lx.endsInComment();
        } catch (SqlLexer.MalformedSqlException e) {
            return false;
        }
    }

    /** True when the text holds nothing but whitespace and comments. */
    public static boolean isEmpty(String sql) {
        return SqlLexer.isBlank(sql, 0);
    }
}
