package io.cowsql.client.shell;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.ResolverFile;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.DumpFiles;
import io.cowsql.client.LeaderSession;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.client.Rows;
import io.cowsql.client.jdbc.SqlText;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code cowsql} shell: the Java twin of go-cowsql's Go {@code cowsql}
 * shell, with the same output in tabular and json formats.
 *
 * <pre>
 * cowsql -s host:port[,host:port] [-f tabular|json] DATABASE [SQL | .command]
 * </pre>
 *
 * With a command: the command line is split on ';' and each piece runs in
 * turn (the first error stops it: exit 1). Without: statements are read from
 * the terminal (JLine, with history in ~/.cowsql_history) or from standard
 * input, and may span lines until one ends with ';'. Exit code 2 means a bad
 * command line.
 */
public final class CowsqlShell implements AutoCloseable {
    static final String PROMPT = "cowsql> ";
    static final String CONTINUE = "   ...> ";
    /**
     * The seed shell's help layout and wording for the commands both have, then the ones only
     * this shell has; {@code .reconfigure} is left out (see {@link #dotCommand}).
     */
    static final String HELP = String.join("\n",
            "Cowsql shell is a simple interactive prompt for inspecting a cowsql database.",
            "Enter a SQL statement to execute it, or one of the following built-in commands:",
            "",
            "  .cluster                          Show the cluster membership",
            "  .leader                           Show the current leader",
            "  .remove <address>                 Remove a node from the cluster",
            "  .describe <address>               Show the details of a node",
            "  .weight <address> <weight>        Set the weight of a node",
            "  .dump <address> [<database>]      Dump the database",
            "  .tables [<pattern>]               List the tables and views (names LIKE pattern)",
            "  .schema [<pattern>]               Show the CREATE statements (of tables LIKE pattern)",
            "  .help                             Show this help",
            "  .exit, .quit                      Leave the shell (or Ctrl-D)",
            "",
            "Statements end with ';' and may span lines. .dump writes into the current directory; without",
            "a database it dumps this shell's database.",
            "");
    /** Tables and views, SQLite's internal ones left out, by name. */
    static final String TABLES_SQL = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name LIKE ? ORDER BY name";
    /** The CREATE statements of tables, indexes, views and triggers, in creation order, as sqlite3's .schema prints them. */
    static final String SCHEMA_SQL = "SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL "
            + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name LIKE ? ORDER BY rowid";

    private final List<String> servers;
    private final String database;
    private final boolean json;
    private final ClientOptions options;
    private final Path workDir;
    private final ZoneId zone;
    private LeaderSession session;

    CowsqlShell(List<String> servers, String database, String format, ClientOptions options, Path workDir) {
        this.servers = List.copyOf(servers);
        this.database = database;
        this.json = format.equals("json");
        this.options = options;
        this.workDir = workDir;
        this.zone = ZoneId.systemDefault();
    }

    /** The options the shell uses: give up finding a leader after 10 s. */
    static ClientOptions defaultOptions() {
        return ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(10));
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err, Path.of("").toAbsolutePath(), interactive());
        System.out.flush();
        System.exit(code);
    }

    /** True when standard input and output are a terminal. */
    static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when redirected; isTerminal() tells.
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console means a terminal
        }
    }

    /**
     * Runs the shell and returns its exit code: 0 success, 1 an error, 2 a bad command line.
     * {@code terminal}: read interactively with JLine (when it is on the class path).
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Path workDir, boolean terminal) {
        return ShellArgs.commandLine(out, err, HELP, a -> run(a, in, out, err, workDir, terminal)).execute(args);
    }

    private static int run(ShellArgs a, InputStream in, PrintStream out, PrintStream err, Path workDir, boolean terminal) {
        ClientOptions options = defaultOptions();
        String resolverFile = System.getenv("COWSQL_RESOLVER_FILE");
        if (resolverFile != null && !resolverFile.isBlank()) {
            // Cluster names without DNS (the Kubernetes testbed, the sandbox): dial through the file's mapping.
            try {
                options = options.withResolver(ResolverFile.load(Path.of(resolverFile)));
            } catch (java.io.IOException e) {
                err.println("Error: COWSQL_RESOLVER_FILE: " + e.getMessage());
                return 2;
            }
        }
        try (CowsqlShell shell = new CowsqlShell(a.servers, a.database, a.format, options, workDir)) {
            if (a.command != null) {
                for (String input : SqlText.split(a.command)) {
                    String result;
                    try {
                        result = shell.process(input);
                    } catch (ShellException e) {
                        err.println("Error: " + e.getMessage());
                        return 1;
                    }
                    if (!result.isEmpty()) {
                        out.println(result);
                    }
                }
                return 0;
            }
            if (terminal && JLineInput.available()) {
                return new JLineInput().loop(shell, out, err);
            }
            return shell.loop(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out, err);
        }
    }

    /** Reads statements from a pipe or file (no prompts); returns 1 if any of them failed. */
    int loop(BufferedReader reader, PrintStream out, PrintStream err) {
        Accumulator acc = new Accumulator(this, out, err);
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (acc.line(line)) {
                    break;
                }
            }
        } catch (IOException e) {
            err.println("Error: reading input: " + e.getMessage());
            return 1;
        }
        acc.end();
        return acc.failed ? 1 : 0;
    }

    /** Collects lines into statements: SQL up to a line ending with ';', dot-commands one line each. */
    static final class Accumulator {
        private final CowsqlShell shell;
        private final PrintStream out;
        private final PrintStream err;
        private final StringBuilder buffer = new StringBuilder();
        boolean failed;

        Accumulator(CowsqlShell shell, PrintStream out, PrintStream err) {
            this.shell = shell;
            this.out = out;
            this.err = err;
        }

        boolean pending() {
            return buffer.length() > 0;
        }

        void clear() {
            buffer.setLength(0);
        }

        /** Feeds one line; true when the user asked to leave. */
        boolean line(String line) {
            String t = line.strip();
            if (buffer.length() == 0) {
                if (t.isEmpty()) {
                    return false;
                }
                if (t.startsWith(".")) {
                    String cmd = t.endsWith(";") ? t.substring(0, t.length() - 1).strip() : t;
                    if (cmd.equals(".exit") || cmd.equals(".quit")) {
                        return true;
                    }
                    run(cmd);
                    return false;
                }
                if (t.equalsIgnoreCase("exit") || t.equalsIgnoreCase("quit")) {
                    return true;
                }
            } else {
                buffer.append('\n');
            }
            buffer.append(line);
            if (SqlText.isComplete(buffer.toString())) {
                String text = buffer.toString();
                buffer.setLength(0);
                for (String stmt : SqlText.split(text)) {
                    run(stmt);
                }
            }
            return false;
        }

        /** At end of input: runs what is left even without its ';'. */
        void end() {
            if (buffer.length() > 0 && !buffer.toString().isBlank()) {
                String text = buffer.toString();
                buffer.setLength(0);
                for (String stmt : SqlText.split(text)) {
                    run(stmt);
                }
            }
        }

        private void run(String input) {
            try {
                String result = shell.process(input);
                if (!result.isEmpty()) {
                    out.println(result);
                }
            } catch (ShellException e) {
                failed = true;
                err.println("Error: " + e.getMessage());
            }
            out.flush();
        }
    }

    /** A command failed; the message is what the user sees after "Error: ". */
    static final class ShellException extends Exception {
        private static final long serialVersionUID = 1L;

        ShellException(String message, Throwable cause) {
            super(message, cause);
        }

        ShellException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------ one input

    /** Processes one statement or dot-command and returns its output ("" for none). */
    String process(String input) throws ShellException {
        String line = input.strip();
        if (line.isEmpty()) {
            return "";
        }
        if (line.startsWith(".")) {
            return dotCommand(line);
        }
        return sql(line);
    }

    private String dotCommand(String line) throws ShellException {
        String[] parts = line.split("\\s+");
        String cmd = parts[0].toLowerCase(Locale.ROOT);
        try {
            switch (cmd) {
                case ".cluster":
                    requireArgs(parts, 1, 1, ".cluster");
                    return cluster();
                case ".leader":
                    requireArgs(parts, 1, 1, ".leader");
                    return leader();
                case ".describe":
                    requireArgs(parts, 2, 2, ".describe <address>");
                    return describe(parts[1]);
                case ".weight":
                    requireArgs(parts, 3, 3, ".weight <address> <n>");
                    return weight(parts[1], parts[2]);
                case ".remove":
                    requireArgs(parts, 2, 2, ".remove <address>");
                    return remove(parts[1]);
                case ".dump":
                    requireArgs(parts, 2, 3, ".dump <address> [<database>]");
                    return dump(parts[1], parts.length == 3 ? parts[2] : database);
                case ".tables":
                    requireArgs(parts, 1, 2, ".tables [<pattern>]");
                    return query(TABLES_SQL, List.of(parts.length == 2 ? parts[1] : "%"));
                case ".schema":
                    requireArgs(parts, 1, 2, ".schema [<pattern>]");
                    return query(SCHEMA_SQL, List.of(parts.length == 2 ? parts[1] : "%"));
                case ".help":
                    return HELP;
                case ".reconfigure":
                    throw new ShellException(".reconfigure is not supported by the Java shell: it rewrites a stopped "
                            + "node's data directory with the engine library; use the node agent's offline reconfigure");
                default:
                    throw new ShellException("unknown command " + parts[0] + ": see .help");
            }
        } catch (CowsqlException e) {
            throw new ShellException(e.getMessage(), e);
        }
    }

    private static void requireArgs(String[] parts, int min, int max, String form) throws ShellException {
        if (parts.length < min || parts.length > max) {
            throw new ShellException("bad command format, should be: " + form);
        }
    }

    private String cluster() throws CowsqlException {
        List<NodeInfo> members;
        try (CowsqlClient c = CowsqlClient.findLeader(servers, options)) {
            members = c.cluster();
        }
        if (json) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (NodeInfo m : members) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ID", new java.math.BigInteger(m.idString()));
                o.put("Address", m.address());
                o.put("Role", m.role().code());
                items.add(o);
            }
            return GoFormat.array(items);
        }
        StringBuilder sb = new StringBuilder();
        for (NodeInfo m : members) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(Long.toHexString(m.id())).append('|').append(m.address()).append('|').append(m.role().label());
        }
        return sb.toString();
    }

    private String leader() throws CowsqlException {
        try (CowsqlClient c = CowsqlClient.findLeader(servers, options)) {
            NodeInfo l = c.leader();
            return l.isKnown() ? l.address() : "";
        }
    }

    private String describe(String address) throws CowsqlException, ShellException {
        checkAddress(address);
        NodeMetadata md;
        try (CowsqlClient c = CowsqlClient.connect(address, options)) {
            md = c.describe();
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("FailureDomain", new java.math.BigInteger(Long.toUnsignedString(md.failureDomain())));
            o.put("Weight", new java.math.BigInteger(Long.toUnsignedString(md.weight())));
            return GoFormat.object(o, 0);
        }
        return address + "|" + Long.toUnsignedString(md.failureDomain()) + "|" + Long.toUnsignedString(md.weight());
    }

    private String weight(String address, String n) throws CowsqlException, ShellException {
        checkAddress(address);
        long w;
        try {
            w = Long.parseLong(n);
        } catch (NumberFormatException e) {
            w = -1;
        }
        if (w < 0) {
            throw new ShellException("bad weight \"" + n + "\"");
        }
        try (CowsqlClient c = CowsqlClient.connect(address, options)) {
            c.weight(w);
        }
        return "";
    }

    private String remove(String address) throws CowsqlException, ShellException {
        try (CowsqlClient c = CowsqlClient.findLeader(servers, options)) {
            for (NodeInfo m : c.cluster()) {
                if (m.address().equals(address)) {
                    try {
                        c.remove(m.id());
                    } catch (CowsqlException e) {
                        throw new ShellException("remove node \"" + address + "\": " + e.getMessage(), e);
                    }
                    return "";
                }
            }
        }
        throw new ShellException("no node has address \"" + address + "\"");
    }

    private String dump(String address, String db) throws CowsqlException, ShellException {
        checkAddress(address);
        DumpFiles files;
        try (CowsqlClient c = CowsqlClient.connect(address, options)) {
            files = c.dump(db);
        }
        write(files.databaseName(), files.database());
        write(files.walName(), files.wal());
        return "OK";
    }

    private void write(String name, byte[] data) throws ShellException {
        Path file = workDir.resolve(Path.of(name).getFileName().toString());
        try {
            Files.write(file, data, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        } catch (IOException e) {
            throw new ShellException("writing " + file + " failed: " + e.getMessage(), e);
        }
    }

    private static void checkAddress(String address) throws ShellException {
        try {
            io.cowsql.client.HostPort.parse(address);
        } catch (IllegalArgumentException e) {
            throw new ShellException(e.getMessage());
        }
    }

    // ------------------------------------------------------------ SQL

    private LeaderSession session() {
        if (session == null) {
            session = new LeaderSession(servers, database, options);
        }
        return session;
    }

    private String sql(String statement) throws ShellException {
        SqlText.Kind kind = SqlText.kind(statement);
        if (kind == SqlText.Kind.QUERY) {
            return query(statement, List.of());
        }
        try {
            session().exec(statement, List.of(), options.requestTimeout());
            return "";
        } catch (CowsqlException e) {
            if (e.code() == CowsqlException.SQLITE_ROW) {
                return query(statement, List.of()); // it yields rows after all
            }
            throw sqlError(e);
        }
    }

    /**
     * A failed statement, worded as the Go shell words it: it runs every statement as a query,
     * so "query: " and the server's own message; a client-side error keeps the client's message.
     */
    private static ShellException sqlError(CowsqlException e) {
        return new ShellException("query: " + e.serverMessage().orElse(e.getMessage()), e);
    }

    private String query(String statement, List<Object> params) throws ShellException {
        StringBuilder sb = new StringBuilder();
        try (Rows rows = session().query(statement, params, options.requestTimeout())) {
            int n = rows.columnCount();
            while (rows.next()) {
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        sb.append('|');
                    }
                    sb.append(GoFormat.value(rows.getObject(i), zone));
                }
                sb.append('\n');
            }
        } catch (CowsqlException e) {
            throw sqlError(e);
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '\n') {
            end--;
        }
        return sb.substring(0, end);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
