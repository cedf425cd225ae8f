package io.cowsql.client.shell;

import io.cowsql.client.HostPort;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The shell's command line (picocli), accepting what the Go shell's flag library (pflag) does:
 * {@code -s a,b}, {@code -s=a}, {@code -sa}, {@code --servers a}, {@code --servers=a}
 * (repeatable), flags anywhere, {@code --} ends them; a flag given twice takes the last value. A
 * bad command line prints pflag's wording for the same mistake and exits with code 2.
 */
@Command(name = "cowsql", customSynopsis = ShellArgs.SYNOPSIS, sortOptions = false, usageHelpWidth = 100,
        optionListHeading = "%nFlags:%n", footerHeading = "%n",
        footer = {"Environment: COWSQL_RESOLVER_FILE=F dials cluster names through F (NAME TARGET lines).", ""})
final class ShellArgs implements Callable<Integer> {
    static final String SYNOPSIS = "cowsql -s host:port[,host:port...] [-f tabular|json] DATABASE [SQL | .command]";
    static final String USAGE = "Usage: " + SYNOPSIS;

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--servers"}, paramLabel = "host:port,...",
            description = "the nodes (comma-separated, repeatable)")
    List<String> serverFlags = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "tabular|json", defaultValue = "tabular",
            description = "output format (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"-c", "--cert"}, hidden = true, description = "TLS: not supported by the Java shell")
    String cert;

    @Option(names = {"-k", "--key"}, hidden = true, description = "TLS: not supported by the Java shell")
    String key;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;

    @Parameters(paramLabel = "DATABASE [SQL | .command]", arity = "0..*", hidden = true)
    List<String> positional = new ArrayList<>();

    final List<String> servers = new ArrayList<>();
    String database;
    String command;
    private ToIntFunction<ShellArgs> shell;

    /**
     * The command line that checks {@code args} and hands them to {@code shell}; {@code --help}
     * prints the flags and {@code commandHelp}; a bad command line prints the problem and the
     * usage line to {@code err}, and {@link CommandLine#execute} returns 2.
     */
    static CommandLine commandLine(PrintStream out, PrintStream err, String commandHelp, ToIntFunction<ShellArgs> shell) {
        ShellArgs a = new ShellArgs();
        a.shell = shell;
        CommandLine cl = new CommandLine(a);
        List<String> footer = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().footer()));
        footer.add(commandHelp.replace("%", "%%"));
        cl.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        cl.setOverwrittenOptionsAllowed(true);
        cl.setAllowOptionsAsOptionParameters(true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("Error: " + pflagMessage(e, args));
            err.println(USAGE);
            return 2;
        });
        return cl;
    }

    @Override
    public Integer call() {
        check();
        return shell.applyAsInt(this);
    }

    /** The checks of the parsed values: the servers, the format, DATABASE and the command. */
    private void check() {
        if (cert != null || key != null) {
            throw bad("--cert/--key: TLS is not supported by the Java shell; connect to the nodes "
                    + "directly (host:port) or through a TLS proxy");
        }
        if (serverFlags.isEmpty()) {
            throw bad("required flag(s) \"servers\" not set: pass -s host:port[,host:port...]");
        }
        for (String flag : serverFlags) {
            for (String s : flag.split(",", -1)) {
                servers.add(s.trim());
            }
        }
        for (String s : servers) {
            if (s.startsWith("file://")) {
                throw bad("bad server '" + s + "': file:// node stores are not supported by the Java shell; "
                        + "list the nodes as host:port");
            }
            try {
                HostPort.parse(s);
            } catch (IllegalArgumentException e) {
                throw bad("bad server address in -s: " + e.getMessage());
            }
        }
        if (!format.equals("tabular") && !format.equals("json")) {
            throw bad("unknown format " + format + ": use -f tabular or -f json");
        }
        if (positional.isEmpty()) {
            throw bad("missing the database name: cowsql -s host:port DATABASE [SQL | .command]");
        }
        if (positional.size() > 2) {
            throw bad("accepts between 1 and 2 arguments (DATABASE [SQL | .command]), received "
                    + positional.size() + ": quote the SQL as one argument, e.g. \"SELECT 1\"");
        }
        database = positional.get(0);
        if (database.isBlank()) {
            throw bad("the database name is empty");
        }
        command = positional.size() > 1 ? positional.get(1) : null;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** pflag's wording (which the Go shell prints) for an unknown flag and a flag without its value. */
    static String pflagMessage(ParameterException e, String[] args) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                return "unknown flag: " + (eq < 0 ? arg : arg.substring(0, eq));
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                return "unknown shorthand flag: '" + arg.charAt(1) + "' in " + arg;
            }
        }
        if (e instanceof MissingParameterException && args.length > 0) {
            // The option without its value can only be the last argument: any other takes the next one.
            String typed = args[args.length - 1];
            return "flag needs an argument: " + (typed.startsWith("--") ? typed : "'" + typed.substring(1) + "' in " + typed);
        }
        return e.getMessage();
    }
}
