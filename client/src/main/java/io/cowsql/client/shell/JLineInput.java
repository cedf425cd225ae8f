package io.cowsql.client.shell;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** Interactive input on a terminal: line editing and history (~/.cowsql_history) with JLine 3. */
final class JLineInput {
    /** True when JLine is on the class path (it is an optional dependency of the client). */
    static boolean available() {
        try {
            Class.forName("org.jline.reader.LineReader", false, JLineInput.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static DefaultParser sqlParser() {
        DefaultParser p = new DefaultParser();
        p.setEscapeChars(null);
        p.setQuoteChars(new char[0]);
        p.setEofOnUnclosedQuote(false);
        p.setEofOnUnclosedBracket();
        return p;
    }

    int loop(CowsqlShell shell, PrintStream out, PrintStream err) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("cowsql")
                    // Lines are SQL: no shell-style quoting, escapes or !history expansion.
                    .parser(sqlParser())
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".cowsql_history"))
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .build();
            CowsqlShell.Accumulator acc = new CowsqlShell.Accumulator(shell, out, err);
            while (true) {
                String line;
                try {
                    line = reader.readLine(acc.pending() ? CowsqlShell.CONTINUE : CowsqlShell.PROMPT);
                } catch (UserInterruptException e) {
                    acc.clear(); // Ctrl-C drops the statement being typed
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (acc.line(line)) {
                    break;
                }
            }
            acc.end();
            return 0;
        } catch (IOException e) {
            err.println("Error: terminal: " + e.getMessage());
            return 1;
        }
    }
}
