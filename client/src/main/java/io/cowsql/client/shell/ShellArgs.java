package io.cowsql.client.shell;

import io.cowsql.client.HostPort;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line, parsed the way the Go shell's flag library (pflag)
 * does: {@code -s a,b}, {@code -s=a}, {@code -sa}, {@code --servers a},
 * {@code --servers=a} (repeatable), flags anywhere, {@code --} ends them.
 */
final class ShellArgs {
    static final String USAGE = "Usage: cowsql -s host:port[,host:port...] [-f tabular|json] DATABASE [SQL | .command]";

    /** A bad command line: exit code 2. */
    static final class BadArgs extends Exception {
        private static final long serialVersionUID = 1L;

        BadArgs(String message) {
            super(message);
        }
    }

    final List<String> servers = new ArrayList<>();
    String format = "tabular";
    String database;
    String command;
    boolean help;

    static ShellArgs parse(String[] args) throws BadArgs {
        ShellArgs a = new ShellArgs();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                for (i++; i < args.length; i++) {
                    positional.add(args[i]);
                }
                break;
            }
            String name;
            String value = null;
            boolean longForm;
            if (arg.startsWith("--")) {
                longForm = true;
                name = arg.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
            } else if (arg.startsWith("-") && arg.length() > 1) {
                longForm = false;
                name = arg.substring(1, 2);
                String rest = arg.substring(2);
                if (!rest.isEmpty()) {
                    value = rest.startsWith("=") ? rest.substring(1) : rest;
                }
            } else {
                positional.add(arg);
                continue;
            }
            String flag = canonical(name, longForm, arg);
            if (flag.equals("help")) {
                a.help = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new BadArgs("flag needs an argument: " + (longForm ? "--" + name : "'" + name + "' in " + arg));
                }
                value = args[++i];
            }
            switch (flag) {
                case "servers":
                    for (String s : value.split(",", -1)) {
                        a.servers.add(s.trim());
                    }
                    break;
                case "format":
                    a.format = value;
                    break;
                default:
                    throw new BadArgs("--cert/--key: TLS is not supported by the Java shell; connect to the nodes "
                            + "directly (host:port) or through a TLS proxy");
            }
        }
        if (a.help) {
            return a;
        }
        if (a.servers.isEmpty()) {
            throw new BadArgs("required flag(s) \"servers\" not set: pass -s host:port[,host:port...]");
        }
        for (String s : a.servers) {
            if (s.startsWith("file://")) {
                throw new BadArgs("bad server '" + s + "': file:// node stores are not supported by the Java shell; "
                        + "list the nodes as host:port");
            }
            try {
                HostPort.parse(s);
            } catch (IllegalArgumentException e) {
                throw new BadArgs("bad server address in -s: " + e.getMessage());
            }
        }
        if (!a.format.equals("tabular") && !a.format.equals("json")) {
            throw new BadArgs("unknown format " + a.format + ": use -f tabular or -f json");
        }
        if (positional.isEmpty()) {
            throw new BadArgs("missing the database name: cowsql -s host:port DATABASE [SQL | .command]");
        }
        if (positional.size() > 2) {
            throw new BadArgs("accepts between 1 and 2 arguments (DATABASE [SQL | .command]), received "
                    + positional.size() + ": quote the SQL as one argument, e.g. \"SELECT 1\"");
        }
        a.database = positional.get(0);
        if (a.database.isBlank()) {
            throw new BadArgs("the database name is empty");
        }
        a.command = positional.size() > 1 ? positional.get(1) : null;
        return a;
    }

    private static String canonical(String name, boolean longForm, String arg) throws BadArgs {
        if (longForm) {
            switch (name) {
                case "servers":
                case "format":
                case "help":
                case "cert":
                case "key":
                    return name;
                default:
                    throw new BadArgs("unknown flag: --" + name);
            }
        }
        switch (name) {
            case "s":
                return "servers";
            case "f":
                return "format";
            case "h":
                return "help";
            case "c":
                return "cert";
            case "k":
                return "key";
            default:
                throw new BadArgs("unknown shorthand flag: '" + name + "' in " + arg);
        }
    }
}
