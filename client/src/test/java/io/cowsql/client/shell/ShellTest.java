package io.cowsql.client.shell;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java shell against a real 3-node cowsql-demo cluster, side by side with the seed's Go {@code cowsql} shell. */
class ShellTest extends OneClusterPerClass {
    static String servers;
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final ClientOptions OPTS = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(20));

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void prepare() throws Exception {
        servers = String.join(",", cluster.addresses());
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            db.exec("CREATE TABLE shell_types (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n, "
                    + "ts DATETIME, d DATE, bo BOOLEAN)");
            db.exec("INSERT INTO shell_types VALUES (1, 42, 1.5, 'hello', x'0102ff', NULL, '2024-01-02 03:04:05', "
                    + "1700000000, 1)");
            db.exec("INSERT INTO shell_types VALUES (2, -9223372036854775808, 1e21, '', x'', 3, NULL, NULL, 0)");
            db.exec("INSERT INTO shell_types VALUES (3, 0, 0.1, 'a|b', NULL, 2.0, '2024-05-06T07:08:09.123456789+02:00', "
                    + "'2024-01-02', NULL)");
            db.exec("INSERT INTO shell_types VALUES (4, 7, -2.5e-7, 'héllo ☃', x'00', 'x', 5, "
                    + "'2021-03-04T05:06:07Z', 1)");
        }
    }


    /** The Java shell, in this JVM. */
    static Run java(Path dir, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CowsqlShell.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                dir, false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run java(String... args) {
        return java(ROOT, "", args);
    }

    static Run process(List<String> cmd, Path dir, String stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process gone
            }
        });
        drain.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        drain.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    /** The seed's Go shell of the cluster's engine (go-cowsql's {@code cowsql}). */
    static Run go(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(cluster.engine().shell()));
        cmd.addAll(List.of(args));
        return process(cmd, dir, "");
    }

    /** The launcher script, as a user runs it. */
    static Run launcher(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/cowsql").toString()));
        cmd.addAll(List.of(args));
        return process(cmd, ROOT, stdin);
    }

    static String[] shellArgs(String format, String command) {
        return new String[] {"-s", servers, "-f", format, DemoCluster.DATABASE, command};
    }

    /** The commands both shells are compared on: dot-commands, queries of every value type, writes and errors. */
    static List<String> comparedCommands(String node) {
        return List.of(
                ".cluster",
                ".leader",
                ".describe " + node,
                ".describe",
                ".weight " + node + " heavy",
                ".remove 127.0.0.1:1",
                "SELECT 1, -2, 9223372036854775807",
                "SELECT 'text', '', 'a b', 'héllo'",
                "SELECT NULL, 1, NULL",
                "SELECT 1.5, 0.1, 1e21, 1e-7, 123456789.123, 2.0, -0.0, 1e6, 100000.0, 3.0e20, 1e308 * 10, 0.000123",
                "SELECT x'00ff10', x''",
                "SELECT * FROM shell_types ORDER BY id",
                "SELECT id FROM shell_types WHERE id > 100",
                "SELECT 1; SELECT 2;SELECT 'three'",
                "WITH w(n) AS (VALUES (1), (2)) SELECT n * 10 FROM w",
                "VALUES (1, 'a'), (2, 'b')",
                "PRAGMA table_info(shell_types)",
                "CREATE TABLE IF NOT EXISTS shell_exec (x)",
                "INSERT INTO shell_exec VALUES (1)",
                "UPDATE shell_exec SET x = x + 1",
                "DELETE FROM shell_exec WHERE x = 99",
                "SELECT count(*), max(x) FROM shell_exec",
                "SELECT * FROM no_such_table",
                "INSERT INTO no_such_table VALUES (1)",
                "SELEC 1",
                "SELECT 1 +",
                "INSERT INTO shell_types(id) VALUES (1)");
    }

    /**
     * Byte for byte the same standard output and exit status as the seed's shell, and the same
     * first line of standard error (the Go shell then prints its usage), in both formats.
     */
    @Test
    void outputEqualsTheGoShellForTheSameCommandsInBothFormats() throws Exception {
        String node = cluster.addresses().get(1);
        SoftAssertions soft = new SoftAssertions();
        for (String format : List.of("tabular", "json")) {
            for (String command : comparedCommands(node)) {
                Run g = go(ROOT, shellArgs(format, command));
                Run j = java(shellArgs(format, command));
                soft.assertThat(j.out()).as("-f %s %s (go stderr: %s, java stderr: %s)", format, command, g.err(), j.err())
                        .isEqualTo(g.out());
                soft.assertThat(j.code()).as("-f %s %s: exit status", format, command).isEqualTo(g.code());
                soft.assertThat(firstLine(j.err())).as("-f %s %s: the error", format, command).isEqualTo(firstLine(g.err()));
            }
        }
        soft.assertAll();
        // Sanity: the comparisons above saw real output and real errors.
        assertThat(java(shellArgs("tabular", ".cluster")).out()).contains("|voter").contains(node);
        assertThat(java(shellArgs("json", ".cluster")).out()).startsWith("[\n\t{\n\t\t\"ID\": ");
        assertThat(java(shellArgs("tabular", "SELECT * FROM shell_types WHERE id = 3")).out())
                .isEqualTo("3|0|0.1|a|b|<nil>|2|2024-05-06 07:08:09.123456789 +0200 +0200|2024-01-02 00:00:00 +0000 UTC|false\n");
        Run err = java(shellArgs("tabular", "SELECT * FROM no_such_table"));
        assertThat(err.code()).isEqualTo(1);
        assertThat(err.err()).startsWith("Error: query: no such table: no_such_table\n");
    }

    static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** The seed shell has .help: its header and its line for every command both shells have, word for word. */
    @Test
    void helpKeepsTheSeedShellsWordingForTheCommandsBothHave() throws Exception {
        Run g = go(ROOT, shellArgs("tabular", ".help"));
        Run j = java(shellArgs("tabular", ".help"));
        assertThat(g.code()).isZero();
        assertThat(j.code()).isZero();
        List<String> seedLines = g.out().lines().filter(l -> !l.contains(".reconfigure")).toList();
        assertThat(seedLines).hasSizeGreaterThan(8);
        assertThat(j.out().lines().toList()).containsSubsequence(seedLines);
        assertThat(j.out()).contains("  .tables [<pattern>]").contains("  .schema [<pattern>]").endsWith("\n\n");
    }

    /**
     * The seed shell has no .tables or .schema (it sends them to SQLite as SQL: a syntax error).
     * Here they list the tables and views, and print the CREATE statements as sqlite3's .schema
     * prints them for the same database (checked on a dump of it).
     */
    @Test
    void tablesAndSchemaShowWhatSqlite3ShowsForTheSameDatabase(@TempDir Path dumpDir) throws Exception {
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            db.exec("CREATE TABLE shell_sch_b (x)");
            db.exec("CREATE TABLE shell_sch_a (id INTEGER PRIMARY KEY, y TEXT NOT NULL)");
            db.exec("CREATE INDEX shell_sch_a_y ON shell_sch_a(y)");
            db.exec("CREATE VIEW shell_sch_v AS SELECT y FROM shell_sch_a");
            db.exec("CREATE TRIGGER shell_sch_t AFTER INSERT ON shell_sch_b BEGIN DELETE FROM shell_sch_a; END");
        }
        for (String format : List.of("tabular", "json")) {
            Run tables = java(shellArgs(format, ".tables shell_sch%"));
            assertThat(tables.code()).as(tables.err()).isZero();
            assertThat(tables.out()).isEqualTo("shell_sch_a\nshell_sch_b\nshell_sch_v\n");
        }
        assertThat(java(shellArgs("tabular", ".tables")).out().lines().toList())
                .contains("shell_types", "shell_sch_a", "shell_sch_v").noneMatch(t -> t.startsWith("sqlite_"))
                .isSorted();
        Run schema = java(shellArgs("tabular", ".schema shell_sch%"));
        assertThat(schema.code()).as(schema.err()).isZero();
        assertThat(schema.out()).isEqualTo(String.join("\n",
                "CREATE TABLE shell_sch_b (x);",
                "CREATE TABLE shell_sch_a (id INTEGER PRIMARY KEY, y TEXT NOT NULL);",
                "CREATE INDEX shell_sch_a_y ON shell_sch_a(y);",
                "CREATE VIEW shell_sch_v AS SELECT y FROM shell_sch_a;",
                "CREATE TRIGGER shell_sch_t AFTER INSERT ON shell_sch_b BEGIN DELETE FROM shell_sch_a; END;",
                ""));

        String leader = java(shellArgs("tabular", ".leader")).out().strip();
        assertThat(java(dumpDir, "", shellArgs("tabular", ".dump " + leader)).out()).isEqualTo("OK\n");
        for (String table : List.of("shell_sch_a", "shell_sch_b", "shell_types")) {
            assertThat(java(shellArgs("tabular", ".schema " + table)).out())
                    .as(".schema %s", table).isEqualTo(sqlite3(dumpDir.resolve(DemoCluster.DATABASE), ".schema " + table));
        }

        Run typed = java(ROOT, ".tables shell_sch_b\n.schema shell_sch_b\n", "-s", servers, DemoCluster.DATABASE);
        assertThat(typed.out()).isEqualTo("shell_sch_b\nCREATE TABLE shell_sch_b (x);\n" + "CREATE TRIGGER shell_sch_t "
                + "AFTER INSERT ON shell_sch_b BEGIN DELETE FROM shell_sch_a; END;\n");
        Run none = java(shellArgs("tabular", ".tables no_such%"));
        assertThat(none.code()).isZero();
        assertThat(none.out()).isEmpty();
        Run bad = java(shellArgs("tabular", ".schema a b"));
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("Error: bad command format, should be: .schema [<pattern>]\n");
        assertThat(go(ROOT, shellArgs("tabular", ".tables")).err()).as("the seed shell has no .tables")
                .startsWith("Error: query: near \".\": syntax error");
    }

    private static String sqlite3(Path db, String command) throws Exception {
        Process p = new ProcessBuilder("sqlite3", db.toString(), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void weightAndRemoveChangeTheClusterAsTheGoShellSees() throws Exception {
        String node = cluster.addresses().get(2);
        Run w = java(shellArgs("tabular", ".weight " + node + " 5"));
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(w.out()).isEmpty();
        assertThat(go(ROOT, shellArgs("tabular", ".describe " + node)).out()).isEqualTo(node + "|0|5\n");
        assertThat(java(shellArgs("tabular", ".weight " + node + " heavy")).err()).contains("bad weight \"heavy\"");

        long id = 0x5e11_0001L;
        String spare = "127.0.0.1:" + DemoCluster.freePort();
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            c.add(id, spare);
        }
        assertThat(java(shellArgs("tabular", ".cluster")).out()).contains(Long.toHexString(id) + "|" + spare + "|spare");
        Run r = java(shellArgs("tabular", ".remove " + spare));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            assertThat(c.cluster()).extracting(NodeInfo::address).doesNotContain(spare).hasSize(3);
        }
        Run missing = java(shellArgs("tabular", ".remove " + spare));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no node has address \"" + spare + "\"");
        assertThat(java(shellArgs("tabular", ".describe")).err()).contains("bad command format, should be: .describe <address>");
    }

    @Test
    void dumpWritesTheTwoFilesAndSqliteOpensThem(@TempDir Path javaDir, @TempDir Path goDir) throws Exception {
        String leader = java(shellArgs("tabular", ".leader")).out().strip();
        Run j = java(javaDir, "", shellArgs("tabular", ".dump " + leader + " demo"));
        assertThat(j.code()).as(j.err()).isZero();
        assertThat(j.out()).isEqualTo("OK\n");
        Run g = go(goDir, shellArgs("tabular", ".dump " + leader + " demo"));
        assertThat(g.out()).isEqualTo(j.out());
        try (var files = Files.list(javaDir); var goFiles = Files.list(goDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("demo", "demo-wal")
                    .isEqualTo(goFiles.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(javaDir.resolve("demo")))).isEqualTo("rw-------");
        // Without a database argument the shell dumps its own database.
        Path own = Files.createDirectory(javaDir.resolve("own"));
        assertThat(java(own, "", shellArgs("tabular", ".dump " + leader)).out()).isEqualTo("OK\n");
        assertThat(own.resolve("demo")).exists();

        Process p = new ProcessBuilder("sqlite3", javaDir.resolve("demo").toString(),
                "SELECT count(*), sum(i = 42) FROM shell_types;").redirectErrorStream(true).start();
        String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(result).isEqualTo("4|1");
    }

    @Test
    void badArgumentsExitWithCode2AndNameTheProblem() throws Exception {
        assertBad(new String[] {}, "required flag(s) \"servers\" not set");
        assertBad(new String[] {"demo"}, "required flag(s) \"servers\" not set");
        assertBad(new String[] {"-s", servers}, "missing the database name");
        assertBad(new String[] {"-s"}, "flag needs an argument: 's' in -s");
        assertBad(new String[] {"demo", "--servers"}, "flag needs an argument: --servers");
        assertBad(new String[] {"--bogus", "-s", servers, "demo"}, "unknown flag: --bogus");
        assertBad(new String[] {"-x", "-s", servers, "demo"}, "unknown shorthand flag: 'x' in -x");
        assertBad(new String[] {"-s", "localhost", "demo"}, "bad address 'localhost': expected host:port");
        assertBad(new String[] {"-s", "127.0.0.1:99999", "demo"}, "out of range 1-65535");
        assertBad(new String[] {"-s", "127.0.0.1:http", "demo"}, "bad port 'http'");
        assertBad(new String[] {"-s", servers + ",", "demo"}, "empty address");
        assertBad(new String[] {"-s", "file:///tmp/store.yaml", "demo"}, "file:// node stores are not supported");
        assertBad(new String[] {"-s", servers, "-f", "xml", "demo"}, "unknown format xml");
        assertBad(new String[] {"-s", servers, "--format=csv", "demo"}, "unknown format csv");
        assertBad(new String[] {"-s", servers, "demo", "SELECT", "1"}, "received 3");
        assertBad(new String[] {"-s", servers, "--cert", "c.pem", "--key", "k.pem", "demo"}, "TLS is not supported");
        // All flag spellings pflag accepts work.
        for (String[] ok : List.of(new String[] {"--servers=" + servers, "demo", ".leader"},
                new String[] {"-s=" + servers, "demo", ".leader"},
                new String[] {"-s" + servers, "demo", ".leader"},
                new String[] {"demo", ".leader", "-s", cluster.addresses().get(0), "-s", cluster.addresses().get(1)},
                new String[] {"-s", servers, "--", "demo", ".leader"},
                new String[] {"-s", servers, "-f", "json", "--format=tabular", "demo", ".leader"})) {
            Run r = java(ok);
            assertThat(r.code()).as("%s: %s", List.of(ok), r.err()).isZero();
            assertThat(r.out()).matches("127\\.0\\.0\\.1:\\d+\n");
        }
        // The real process, through the launcher script.
        Run bad = launcher("", "--servers", "nowhere", "demo");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("bad address 'nowhere'").contains("Usage: cowsql");
        Run unknown = launcher("", "-s", servers, "--frobnicate", "demo");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("Error: unknown flag: --frobnicate\nUsage: cowsql");
        Run help = launcher("", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: cowsql").contains(".dump <address> [<database>]").contains(".tables");
    }

    private static void assertBad(String[] args, String message) {
        Run r = java(args);
        assertThat(r.code()).as("exit code for %s (stderr %s)", List.of(args), r.err()).isEqualTo(2);
        assertThat(r.err()).as("stderr for %s", List.of(args)).contains("Error: ").contains(message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void interactiveInputFromStdinRunsMultiLineStatements() throws Exception {
        String leader = java(shellArgs("tabular", ".leader")).out().strip();
        String script = String.join("\n",
                "CREATE TABLE IF NOT EXISTS shell_lines (",
                "  n INTEGER,",
                "  s TEXT",
                ");",
                "CREATE TABLE shell_counter (n INTEGER); INSERT INTO shell_counter VALUES (0);",
                "CREATE TRIGGER shell_lines_count AFTER INSERT ON shell_lines BEGIN",
                "  UPDATE shell_counter SET n = n + 1;",
                "END;",
                "INSERT INTO shell_lines VALUES (1, 'one;still one'); INSERT INTO shell_lines",
                "  VALUES (2, 'two');",
                "",
                ".leader",
                "SELECT n, s",
                "  FROM shell_lines",
                "  ORDER BY n;",
                "SELECT n FROM shell_counter; -- the trigger ran twice",
                "SELECT * FROM nope;",
                "SELECT count(*) FROM shell_lines",
                "");
        Run r = java(ROOT, script, "-s", servers, DemoCluster.DATABASE);
        assertThat(r.out()).isEqualTo(leader + "\n1|one;still one\n2|two\n2\n2\n");
        assertThat(r.err()).contains("Error: query: no such table: nope");
        assertThat(r.code()).as("a failed statement makes a scripted run exit 1").isEqualTo(1);

        // The same through the launcher, as `cowsql -s ... demo < script.sql`.
        Run l = launcher("SELECT 'from',\n 'stdin';\n.describe " + leader + "\n.exit\nSELECT 'not reached';\n",
                "-s", servers, DemoCluster.DATABASE);
        assertThat(l.code()).as(l.err()).isZero();
        assertThat(l.out()).isEqualTo("from|stdin\n" + leader + "|0|0\n");
    }

    /** A terminal session (a pseudo-terminal through script(1)): JLine prompts, continuation lines, history. */
    @Test
    void terminalSessionUsesTheLineEditorWithPromptsAndHistory(@TempDir Path home) throws Exception {
        String cmd = "stty cols 120 rows 40; " + ROOT.resolve("bin/cowsql") + " -s " + servers + " demo";
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true);
        pb.environment().put("COWSQL_JAVA_OPTS", "-Duser.home=" + home);
        Process p = pb.start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // closed
            }
        });
        reader.start();
        OutputStream keys = p.getOutputStream();
        await(screen, "cowsql> ", 1);
        type(keys, "SELECT 40 +\r");
        await(screen, "   ...> ", 1);
        type(keys, "2 AS answer;\r");
        await(screen, "cowsql> ", 2);
        type(keys, ".leader\r");
        await(screen, "cowsql> ", 3);
        type(keys, "\u0004"); // Ctrl-D
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        String text = screen.toString();
        assertThat(text).contains("42\r\n").containsPattern("127\\.0\\.0\\.1:\\d+\r\n");
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(home.resolve(".cowsql_history"))).contains("SELECT 40 +").contains("2 AS answer;")
                .contains(".leader");
    }

    /**
     * The shell in a tmux pane, driven as a person would be with send-keys and read back with
     * capture-pane: the prompt is on the screen before anything is typed, answers and the next
     * prompt follow, and Ctrl-D ends the session. (tmux takes an argument's trailing ';' as its
     * own command separator, so the keys send it escaped.)
     */
    @Test
    void underTmuxThePromptIsShownAndStatementsAnswer(@TempDir Path home) throws Exception {
        String socket = "cowsql-shell-test-" + ProcessHandle.current().pid();
        String cmd = "COWSQL_JAVA_OPTS=-Duser.home=" + home + " " + ROOT.resolve("bin/cowsql") + " -s " + servers + " demo";
        try {
            tmux(socket, "new-session", "-d", "-s", "shell", "-x", "120", "-y", "30", cmd);
            awaitPane(socket, "cowsql> ", 1);
            tmux(socket, "send-keys", "-t", "shell", "-l", "SELECT 6 * 7 AS answer\\;");
            tmux(socket, "send-keys", "-t", "shell", "Enter");
            awaitPane(socket, "cowsql> ", 2);
            tmux(socket, "send-keys", "-t", "shell", "-l", ".tables shell_types");
            tmux(socket, "send-keys", "-t", "shell", "Enter");
            awaitPane(socket, "cowsql> ", 3);
            String screen = capture(socket);
            assertThat(screen).contains("cowsql> SELECT 6 * 7 AS answer;\n42\ncowsql> .tables shell_types\nshell_types\ncowsql>\n");
            tmux(socket, "send-keys", "-t", "shell", "C-d");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tmuxStatus(socket, "has-session", "-t", "shell") == 0) {
                assertThat(System.nanoTime()).as("the shell ended after Ctrl-D").isLessThan(deadline);
                Thread.sleep(100);
            }
        } finally {
            tmuxStatus(socket, "kill-server");
        }
    }

    private static void tmux(String socket, String... args) throws Exception {
        assertThat(tmuxStatus(socket, args)).as("tmux %s", List.of(args)).isZero();
    }

    private static int tmuxStatus(String socket, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static String capture(String socket) throws Exception {
        Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", "shell").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n");
    }

    private static void awaitPane(String socket, String text, int times) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = capture(socket);
            int count = 0;
            for (int i = screen.indexOf(text.strip()); i >= 0; i = screen.indexOf(text.strip(), i + 1)) {
                count++;
            }
            if (count >= times) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the tmux pane did not show '" + text + "' " + times + " times:\n" + screen);
    }

    private static void type(OutputStream keys, String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void await(StringBuffer screen, String text, int times) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String s = screen.toString();
            int count = 0;
            for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
                count++;
            }
            if (count >= times) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the terminal did not show '" + text + "' " + times + " times: " + screen);
    }
}
