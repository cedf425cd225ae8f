package io.cowsql.client.jdbc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lexical facts about SQL text, skipping string literals, quoted identifiers
 * and comments: the leading keyword, whether the statement returns rows,
 * how many parameters it has, and where statements end.
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
        scan(sql, new Visitor() {
            @Override
            public boolean word(String w) {
                out.add(w.toUpperCase(Locale.ROOT));
                return out.size() < max;
            }
        });
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
        boolean[] found = {false};
        scan(sql, new Visitor() {
            @Override
            public boolean symbol(char c) {
                if (c == '=') {
                    found[0] = true;
                    return false;
                }
                return true;
            }
        });
        return found[0];
    }

    /**
     * The number of parameters SQLite will see: {@code ?} takes the next
     * index, {@code ?NNN} that index, {@code :name @name $name} one index
     * per distinct name.
     */
    public static int parameterCount(String sql) {
        int[] max = {0};
        Set<String> names = new HashSet<>();
        scan(sql, new Visitor() {
            @Override
            public boolean parameter(String p) {
                if (p.equals("?")) {
                    max[0]++;
                } else if (p.charAt(0) == '?') {
                    max[0] = Math.max(max[0], Integer.parseInt(p.substring(1)));
                } else if (names.add(p)) {
                    max[0]++;
                }
                return true;
            }
        });
        return max[0];
    }

    /**
     * Splits a script on ';' outside literals and comments; blank pieces are
     * dropped. The ';' inside a CREATE TRIGGER ... BEGIN ... END body do not
     * end the statement.
     */
    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int end : statementEnds(sql)) {
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

    /** True when the text ends with a statement-ending ';' (only whitespace and comments after it). */
    public static boolean isComplete(String sql) {
        List<Integer> ends = statementEnds(sql);
        return !ends.isEmpty() && isEmpty(sql.substring(ends.get(ends.size() - 1) + 1));
    }

    /** True when the text holds nothing but whitespace and comments. */
    public static boolean isEmpty(String sql) {
        boolean[] any = {false};
        scan(sql, new Visitor() {
            @Override
            public boolean word(String w) {
                any[0] = true;
                return false;
            }

            @Override
            public boolean symbol(char c) {
                any[0] = true;
                return false;
            }

            @Override
            public boolean parameter(String p) {
                any[0] = true;
                return false;
            }
        });
        return !any[0];
    }

    /** Offsets of the semicolons that end statements. */
    private static List<Integer> statementEnds(String sql) {
        List<Integer> ends = new ArrayList<>();
        List<String> first = new ArrayList<>();
        String[] last = {null};
        scan(sql, new Visitor() {
            @Override
            public boolean word(String w) {
                String u = w.toUpperCase(Locale.ROOT);
                if (first.size() < 4) {
                    first.add(u);
                }
                last[0] = u;
                return true;
            }

            @Override
            public boolean semicolon(int at) {
                if (isTrigger(first) && !"END".equals(last[0])) {
                    last[0] = null;
                    return true; // a statement inside the trigger body
                }
                ends.add(at);
                first.clear();
                last[0] = null;
                return true;
            }
        });
        return ends;
    }

    private static boolean isTrigger(List<String> first) {
        if (first.size() < 2 || !first.get(0).equals("CREATE")) {
            return false;
        }
        String second = first.get(1);
        if (second.equals("TRIGGER")) {
            return true;
        }
        return (second.equals("TEMP") || second.equals("TEMPORARY")) && first.size() > 2 && first.get(2).equals("TRIGGER");
    }

    interface Visitor {
        default boolean word(String w) {
            return true;
        }

        default boolean symbol(char c) {
            return true;
        }

        default boolean parameter(String p) {
            return true;
        }

        default boolean semicolon(int at) {
            return symbol(';');
        }
    }

    private static void scan(String sql, Visitor v) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
            } else if (c == '[') {
                int end = sql.indexOf(']', i + 1);
                i = end < 0 ? n : end + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '?') {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (!v.parameter(sql.substring(i, j))) {
                    return;
                }
                i = j;
            } else if ((c == ':' || c == '@' || c == '$') && i + 1 < n && isWordChar(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && (isWordChar(sql.charAt(j)) || sql.charAt(j) == ':' && j + 1 < n && sql.charAt(j + 1) == ':')) {
                    j += sql.charAt(j) == ':' ? 2 : 1;
                }
                if (!v.parameter(sql.substring(i, j))) {
                    return;
                }
                i = j;
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                boolean go = Character.isDigit(c) ? v.symbol('0') : v.word(sql.substring(start, i));
                if (!go) {
                    return;
                }
            } else if (c == ';') {
                if (!v.semicolon(i)) {
                    return;
                }
                i++;
            } else {
                if (!Character.isWhitespace(c) && !v.symbol(c)) {
                    return;
                }
                i++;
            }
        }
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        int n = sql.length();
        while (i < n) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
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
