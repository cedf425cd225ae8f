package io.cowsql.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        int n = sql.length();
        while (pos < n) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && pos + 1 < n && sql.charAt(pos + 1) == '-') {
                int eol = sql.indexOf('\n', pos + 2);
                pos = eol < 0 ? n : eol + 1;
            } else if (c == '/' && pos + 1 < n && sql.charAt(pos + 1) == '*') {
                int close = sql.indexOf("*/", pos + 2);
                if (close < 0) {
                    endsInComment = true;
                    pos = n;
                } else {
                    pos = close + 2;
                }
            } else {
                start = pos;
                token = read(c);
                return token;
            }
        }
        start = n;
        token = Token.END;
        return token;
    }

    private Token read(char c) {
        int n = sql.length();
        switch (c) {
            case '\'':
                pos = closingQuote(c, "string literal");
                return Token.STRING;
            case '"':
            case '`':
                pos = closingQuote(c, "quoted name");
                return Token.QUOTED_NAME;
            case '[': {
                int close = sql.indexOf(']', pos + 1);
                if (close < 0) {
                    throw new MalformedSqlException("unterminated quoted name " + excerpt() + " at offset " + start
                            + ": close it with ]", start);
                }
                pos = close + 1;
                return Token.QUOTED_NAME;
            }
            case ';':
                pos++;
                return Token.SEMICOLON;
            case '?':
                pos++;
                while (pos < n && Character.isDigit(sql.charAt(pos))) {
                    pos++;
                }
                checkIndex();
                return Token.PARAMETER;
            default:
                break;
        }
        if ((c == ':' || c == '@' || c == '$') && pos + 1 < n && isWordChar(sql.charAt(pos + 1))) {
            pos++;
            while (pos < n) {
                char d = sql.charAt(pos);
                if (isWordChar(d)) {
                    pos++;
                } else if (d == ':' && pos + 1 < n && sql.charAt(pos + 1) == ':') {
                    pos += 2; // Tcl-style $ns::name, as SQLite reads it
                } else {
                    break;
                }
            }
            return Token.PARAMETER;
        }
        if (isWordChar(c)) {
            while (pos < n && isWordChar(sql.charAt(pos))) {
                pos++;
            }
            return Character.isDigit(c) ? Token.NUMBER : Token.WORD;
        }
        pos++;
        return Token.SYMBOL;
    }

    /** The offset after the quote that closes the one at {@code pos}; a doubled quote is one quote character. */
    private int closingQuote(char quote, String what) {
        int n = sql.length();
        int i = pos + 1;
        while (true) {
            int q = sql.indexOf(quote, i);
            if (q < 0) {
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
        SqlLexer lx = new SqlLexer(sql);
        String[] first = new String[3];
        int words = 0;
        boolean afterEnd = false;
        try {
            for (Token t = lx.next(); t != Token.END; t = lx.next()) {
                if (t == Token.SEMICOLON) {
                    if (!isTrigger(first, words) || afterEnd) {
                        ends.add(lx.start());
                        words = 0;
                    }
                    afterEnd = false;
                    continue;
                }
                if (t == Token.WORD && words < first.length) {
                    first[words++] = lx.text().toUpperCase(Locale.ROOT);
                }
                afterEnd = lx.isWord("END");
            }
        } catch (MalformedSqlException e) {
            // the rest is one unfinished statement
        }
        return ends;
    }

    private static boolean isTrigger(String[] first, int words) {
        if (words < 2 || !first[0].equals("CREATE")) {
            return false;
        }
        return first[1].equals("TRIGGER")
                || (first[1].equals("TEMP") || first[1].equals("TEMPORARY")) && words > 2 && first[2].equals("TRIGGER");
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
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
