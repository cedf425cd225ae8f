package io.cowsql.node;

import io.cowsql.node.agent.Agent;
import io.cowsql.node.agent.AgentConfig;
import io.cowsql.node.agent.Offline;
import io.cowsql.node.agent.Refusal;
import io.cowsql.node.engine.LibC;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The node image's main program.
 *
 * <pre>
 * NodeAgent [run] --dir DIR --address HOST:PORT [flags]   run a node (see --help)
 * NodeAgent inspect --dir DIR [--dir DIR2 ...]            identity and last entry as JSON (ranked)
 * NodeAgent reconfigure --dir DIR --members id@addr:role,...   recover a stopped survivor
 * NodeAgent backup --dir DIR --to DEST                    consistent copy of a stopped dir
 * </pre>
 *
 * Exit codes: 0 ok, 1 unexpected error, 2 bad flags or configuration, 3 refused (identity, lock,
 * data dir), 4 engine library missing or failing, 5 port in use.
 */
public final class NodeAgent {
  private NodeAgent() {}

  public static void main(String[] args) {
    exit(run(args, System.out, System.err));
  }

  /**
   * Flush the output and the log, then end the process with libc's {@code _exit}: System.exit and
   * Runtime.halt both end in exit(), whose library destructors (libuv's joins its thread-pool
   * threads) can wait forever for an engine thread stuck attaching to the exiting JVM.
   */
  static void exit(int code) {
    System.out.flush();
    System.err.flush();
    for (Handler h : Logger.getLogger("").getHandlers()) {
      h.flush();
    }
    LibC.INSTANCE._exit(code);
  }

  static void configureLogging() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }
  }

  /**
   * Runs a command line and returns its exit code. Without a command (no arguments, or a flag
   * first), the command is {@code run}: {@code NodeAgent --dir D ...} is {@code NodeAgent run --dir D ...}.
   */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    configureLogging();
    List<String> args = new ArrayList<>(Arrays.asList(argv));
    if (args.isEmpty() || args.get(0).startsWith("-")) {
      args.add(0, "run");
    }
    return commandLine(System.getenv(), err, out).execute(args.toArray(String[]::new));
  }

  /** The node agent's commands: run (its options from the contract) and the offline ones. */
  static CommandLine commandLine(Map<String, String> env, PrintStream err, PrintStream out) {
    CommandSpec top = CommandSpec.create().name("cowsql-node");
    top.addMixin("help", CommandSpec.forAnnotatedObject(new AgentConfig.HelpOption()));
    top.usageMessage()
        .description("The cowsql node agent. Without a command, the command is run (cowsql-node --dir D ... runs a node).")
        .footerHeading("%n")
        .footer("Each command's options: cowsql-node COMMAND --help.",
            "Exit codes: 0 ok, 1 error, 2 bad flags or configuration, 3 refused (identity, lock, dir), 4 engine, 5 port in use.");
    CommandLine cl = new CommandLine(top);
    cl.addSubcommand("run", new CommandLine(AgentConfig.runCommand(env, cfg -> runAgent(cfg, err))));
    cl.addSubcommand("inspect", new Offline.Inspect());
    cl.addSubcommand("reconfigure", new Offline.Reconfigure());
    cl.addSubcommand("backup", new Offline.Backup());
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("cowsql-node: " + badArguments(e));
      return Agent.EXIT_CONFIG;
    });
    cl.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof AgentConfig.BadConfig) {
        err.println("cowsql-node: " + e.getMessage());
        return Agent.EXIT_CONFIG;
      }
      if (e instanceof Refusal r) {
        err.println("cowsql-node: " + r.getMessage());
        return r.exitCode();
      }
      err.println("cowsql-node: " + e);
      return 1;
    });
    return cl;
  }

  /**
   * One line for a bad command line: what is wrong, naming the flag, and where the fix is. A value
   * a converter refused (the contract's checks) has the converter's message, which says what is
   * expected, after the flag.
   */
  static String badArguments(ParameterException e) {
    CommandLine c = e.getCommandLine();
    String command = c.getParent() == null ? "cowsql-node" : "cowsql-node " + c.getCommandName();
    if (c.getParent() == null && e instanceof UnmatchedArgumentException u) {
      return "unknown command '" + u.getUnmatched().get(0) + "' (commands: " + String.join(", ", c.getSubcommands().keySet())
          + "; see cowsql-node --help)";
    }
    String message = e.getMessage();
    if (e.getCause() instanceof TypeConversionException t && e.getArgSpec() instanceof OptionSpec o) {
      message = t.getMessage().startsWith(o.longestName()) ? t.getMessage() : o.longestName() + ": " + t.getMessage();
    }
    if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
    }
    return message.contains("--help") ? message : message + " (see " + command + " --help)";
  }

  private static int runAgent(AgentConfig cfg, PrintStream err) {
    Agent agent = new Agent(cfg);
    Runnable stop = () -> {
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(cfg.shutdownTimeout.toMillis() + 2000);
          Logger.getLogger(NodeAgent.class.getName()).warning("shutdown took longer than " + cfg.shutdownTimeout + ": halting");
          exit(1);
        } catch (InterruptedException e) {
          // done in time
        }
      }, "shutdown-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      agent.shutdown();
      watchdog.interrupt();
      // Also ends a start that is still waiting (for the failure-domain file, say).
      exit(0);
    };
    installSignals(stop);
    try {
      agent.start();
    } catch (Refusal e) {
      err.println("cowsql-node: " + e.getMessage());
      agent.shutdown();
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      agent.shutdown();
      return 1;
    }
    try {
      agent.awaitStop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  @SuppressWarnings("removal")
  private static void installSignals(Runnable stop) {
    sun.misc.SignalHandler h = sig -> new Thread(stop, "signal-" + sig.getName()).start();
    for (String s : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(s), h);
      } catch (IllegalArgumentException e) {
        // signal not available here
      }
    }
  }
}
