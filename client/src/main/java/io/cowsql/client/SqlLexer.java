package io.cowsql.client;

import java.util.ArrayList;
import java.util.List;

/**
 * SQLite's lexical rules, once for the client: a cursor over the tokens of SQL text that skips
 * whitespace and comments, and where statements end. The refusal check ({@link SqlSafety}), the
 * JDBC driver and the shell all read SQL through it.
 *
 * <p>The rules follow SQLite's tokenizer: {@code '...'} is a string literal, {@code "..."} and
 * {@code `...`} are quoted names (a doubled quote inside is one quote character), {@code [...]} is
 * a quoted name without escapes; {@code --} runs to the end of the line and {@code /*} to the
 * next {@code *}{@code /} or, as SQLite allows, to the end of the text. Parameters are {@code ?},
 * {@code ?NNN}, {@code :name}, {@code @name} and {@code $name}. A literal or quoted name left
 * open, {@code ?0} and an index above {@link #MAX_PARAMETER_INDEX} raise
 * {@link MalformedSqlException}, as SQLite refuses them too. The cursor allocates nothing per token;
 * {@link #text()} copies one token on request.
 */
public final class SqlLexer {
    /**
     * The highest {@code ?NNN} index: {@code SQLITE_MAX_VARIABLE_NUMBER} of Debian's SQLite, which
     * both engines link (upstream's default is lower, 32766). The engine refuses a higher one
     * anyway; refusing it here also bounds what a driver allocates for the parameters.
     */
    public static final int MAX_PARAMETER_INDEX = 250_000;

    /** What the cursor stands on after {@link #next()}. */
    public enum Token {
        /** A bare word: a keyword or an unquoted name (letters, digits, {@code _}, {@code $}). */
        WORD,
        /** A run of word characters starting with a digit. */
        NUMBER,
        /** {@code '...'}. */
        STRING,
        /** {@code "..."}, {@code `...`} or {@code [...]}. */
        QUOTED_NAME,
        /** {@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name}. */
        PARAMETER,
        SEMICOLON,
        /** Any other single character (operators, parentheses, commas, dots). */
        SYMBOL,
        /** The end of the text. */
        END
    }

    /** SQL the lexer cannot read: names what is wrong and where (a 0-based offset). */
    public static final class MalformedSqlException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int offset;

        MalformedSqlException(String message, int offset) {
            super(message);
            this.offset = offset;
        }

        /** Where the offending token starts. */
        public int offset() {
            return offset;
        }
    }

    private final String sql;
    private int pos;
    private int start;
    private Token token;
    private boolean endsInComment;

    public SqlLexer(String sql) {
        this(sql, 0);
    }

    /** A cursor that starts reading at offset {@code from}. */
    public SqlLexer(String sql, int from) {
        if (from < 0 || from > sql.length()) {
            throw new IndexOutOfBoundsException("offset " + from + " outside the SQL text of length " + sql.length());
        }
        this.sql = sql;
        this.pos = from;
    }

    /** Moves to the next token, skipping whitespace and comments; {@link Token#END} at the end, and after it. */
    public Token next() {
        String s = sql;
        int n = s.length();
        int i = pos;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < n && isWordChar(s.charAt(i + 1))) {
                return found(i, parameterNameEnd(i + 1), Token.PARAMETER);
            }
            if (isWordChar(c)) {
                int j = i + 1;
                while (j < n && isWordChar(s.charAt(j))) {
                    j++;
                }
                return found(i, j, c >= '0' && c <= '9' || c > 127 && Character.isDigit(c) ? Token.NUMBER : Token.WORD);
            }
            if ((c <= ' ' || c > 127) && Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                int eol = s.indexOf('\n', i + 2);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                if (close < 0) {
                    endsInComment = true;
                    i = n;
                } else {
                    i = close + 2;
                }
            } else {
                return punctuation(c, i);
            }
        }
        return found(n, n, Token.END);
    }

    private Token found(int from, int to, Token t) {
        start = from;
        pos = to;
        token = t;
        return t;
    }

    /** A token that does not start with a word character: a quote, ';', a parameter or a symbol. */
    private Token punctuation(char c, int i) {
        String s = sql;
        int n = s.length();
        start = i;
        switch (c) {
            case '\'':
                return found(i, closingQuote(c, i, "string literal"), Token.STRING);
            case '"':
            case '`':
                return found(i, closingQuote(c, i, "quoted name"), Token.QUOTED_NAME);
            case '[': {
                int close = s.indexOf(']', i + 1);
                if (close < 0) {
                    pos = i;
                    throw new MalformedSqlException("unterminated quoted name " + excerpt() + " at offset " + i
                            + ": close it with ]", i);
                }
                return found(i, close + 1, Token.QUOTED_NAME);
            }
            case ';':
                return found(i, i + 1, Token.SEMICOLON);
            case '?': {
                int j = i + 1;
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                pos = j;
                checkIndex();
                return found(i, j, Token.PARAMETER);
            }
            case ':':
            case '@':
                if (i + 1 < n && isWordChar(s.charAt(i + 1))) {
                    return found(i, parameterNameEnd(i + 1), Token.PARAMETER);
                }
                return found(i, i + 1, Token.SYMBOL);
            default:
                return found(i, i + 1, Token.SYMBOL);
        }
    }

    /** The offset after a parameter name starting at {@code i}: word characters and Tcl-style {@code ::} (as SQLite reads them). */
    private int parameterNameEnd(int i) {
        String s = sql;
        int n = s.length();
        int j = i;
        while (j < n) {
            char d = s.charAt(j);
            if (isWordChar(d)) {
                j++;
            } else if (d == ':' && j + 1 < n && s.charAt(j + 1) == ':') {
                j += 2;
            } else {
                break;
            }
        }
        return j;
    }

    /** The offset after the quote that closes the one at {@code from}; a doubled quote is one quote character. */
    private int closingQuote(char quote, int from, String what) {
        int n = sql.length();
        int i = from + 1;
        while (true) {
            int q = sql.indexOf(quote, i);
            if (q < 0) {
                pos = from;
                throw new MalformedSqlException("unterminated " + what + " " + excerpt() + " at offset " + start
                        + ": close it with " + quote + " (write " + quote + quote + " for a " + quote + " inside it)", start);
            }
            if (q + 1 < n && sql.charAt(q + 1) == quote) {
                i = q + 2;
            } else {
                return q + 1;
            }
        }
    }

    private void checkIndex() {
        int digits = pos - start - 1;
        if (digits == 0) {
            return;
        }
        // More digits than the limit has cannot be in range; parse only what fits.
        long index = digits > 7 ? Long.MAX_VALUE : Long.parseLong(sql, start + 1, pos, 10);
        if (index < 1 || index > MAX_PARAMETER_INDEX) {
            throw new MalformedSqlException("parameter " + excerpt() + " at offset " + start + ": the index must be 1-"
                    + MAX_PARAMETER_INDEX, start);
        }
    }

    /** The start of the current token, for messages: at most 20 characters. */
    private String excerpt() {
        int end = pos > start ? pos : sql.length();
        return end - start > 20 ? sql.substring(start, start + 20) + "..." : sql.substring(start, end);
    }

    /** The token {@link #next()} returned last. */
    public Token token() {
        return token;
    }

    /** Offset of the current token's first character. */
    public int start() {
        return start;
    }

    /** Offset after the current token's last character. */
    public int end() {
        return pos;
    }

    /** The current token's text as written. */
    public String text() {
        return sql.substring(start, pos);
    }

    /** The current token's single character (for {@link Token#SYMBOL}). */
    public char symbol() {
        return sql.charAt(start);
    }

    /** True when the current token is the bare word {@code upperCaseWord}, in any case. */
    public boolean isWord(String upperCaseWord) {
        return token == Token.WORD && pos - start == upperCaseWord.length()
                && sql.regionMatches(true, start, upperCaseWord, 0, upperCaseWord.length());
    }

    /** True once {@link #next()} has reached the end inside a {@code /*} comment that was never closed. */
    public boolean endsInComment() {
        return endsInComment;
    }

    /**
     * Offsets of the semicolons that end statements. A {@code ;} inside a {@code CREATE [TEMP]
     * TRIGGER ... BEGIN ... END} body does not end the statement (the rule of SQLite's
     * {@code sqlite3_complete}). Stops at text the lexer cannot read: that rest is an unfinished
     * statement.
     */
    public static List<Integer> statementEnds(String sql) {
        List<Integer> ends = new ArrayList<>();
        if (sql.indexOf(';') < 0) {
            return ends; // the common case, without a pass
        }
        SqlLexer lx = new SqlLexer(sql);
        int words = 0; // bare words read in this statement, counted up to 3
        boolean trigger = false;
        boolean temp = false;
        boolean afterEnd = false;
        try {
            for (Token t = lx.next(); t != Token.END; t = lx.next()) {
                if (t == Token.SEMICOLON) {
                    if (!trigger || afterEnd) {
                        ends.add(lx.start());
                        words = 0;
                        trigger = false;
                        temp = false;
                    }
                    afterEnd = false;
                    continue;
                }
                if (t == Token.WORD && words < 3) {
                    // CREATE TRIGGER or CREATE TEMP[ORARY] TRIGGER
                    if (words == 0 && !lx.isWord("CREATE")) {
                        words = 3;
                    } else if (words == 1) {
                        trigger = lx.isWord("TRIGGER");
                        temp = lx.isWord("TEMP") || lx.isWord("TEMPORARY");
                    } else if (words == 2 && temp) {
                        trigger = lx.isWord("TRIGGER");
                    }
                    words++;
                }
                afterEnd = lx.isWord("END");
            }
        } catch (MalformedSqlException e) {
            // the rest is one unfinished statement
        }
        return ends;
    }

    /**
     * True when {@code sql} from {@code from} on holds nothing but whitespace and comments (an unclosed
     * {@code /*} comment included, as SQLite reads one); text the lexer cannot read is not blank.
     */
    public static boolean isBlank(String sql, int from) {
        SqlLexer lx = new SqlLexer(sql, from);
        try {
            return lx.next() == Token.END;
        } catch (MalformedSqlException e) {
            return false;
        }
    }

    private static boolean isWordChar(char c) {
        if (c < 128) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$';
        }
        return Character.isLetterOrDigit(c);
    }
}
