package io.cowsql.node;

import io.cowsql.node.agent.Agent;
import io.cowsql.node.agent.AgentConfig;
import io.cowsql.node.agent.Offline;
import io.cowsql.node.agent.Refusal;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import io.cowsql.node.engine.LibC;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Logger;

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

  public static int run(String[] argv, PrintStream out, PrintStream err) {
    configureLogging();
    List<String> args = Arrays.asList(argv);
    String sub = args.isEmpty() || args.get(0).startsWith("--") ? "run" : args.get(0);
    List<String> rest = args.isEmpty() || args.get(0).startsWith("--") ? args : args.subList(1, args.size());
    if (rest.contains("--help") || rest.contains("-h") || sub.equals("help")) {
      out.print(usage());
      return 0;
    }
    try {
      switch (sub) {
        case "run":
          return runAgent(rest, err);
        case "inspect":
          out.println(Offline.inspect(rest));
          return 0;
        case "reconfigure":
          out.println(Offline.reconfigure(rest));
          return 0;
        case "backup":
          out.println(Offline.backup(rest));
          return 0;
        default:
          err.println("cowsql-node: unknown command '" + sub + "' (use run, inspect, reconfigure, backup; see --help)");
          return Agent.EXIT_CONFIG;
      }
    } catch (AgentConfig.BadConfig e) {
      err.println("cowsql-node: " + e.getMessage());
      return Agent.EXIT_CONFIG;
    } catch (Refusal e) {
      err.println("cowsql-node: " + e.getMessage());
      return e.exitCode();
    } catch (IOException | RuntimeException e) {
      err.println("cowsql-node: " + e);
      return 1;
    }
  }

  private static int runAgent(List<String> args, PrintStream err) throws AgentConfig.BadConfig {
    AgentConfig cfg = AgentConfig.fromRun(args, System.getenv());
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

  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("cowsql-node: the cowsql node agent\n\n");
    sb.append("usage:\n");
    sb.append("  NodeAgent [run] --dir DIR --address HOST:PORT [flags]\n");
    sb.append("  NodeAgent inspect --dir DIR [--dir DIR ...]\n");
    sb.append("  NodeAgent reconfigure --dir DIR --members ID@HOST:PORT:ROLE,...\n");
    sb.append("  NodeAgent backup --dir DIR --to DEST\n\n");
    sb.append("run flags (each also read from the environment variable shown; a flag wins):\n");
    for (AgentConfig.Option o : AgentConfig.RUN_OPTIONS) {
      sb.append(String.format("  --%-22s %-30s %s%n", o.name() + (o.isSwitch() ? "" : " V"), o.env(), o.help()));
    }
    sb.append("\nengine library: COWSQL_LIBRARY or -Dcowsql.library (a name such as libdqlite.so.0, or a path); default libcowsql.so.0, no fallback\n");
    sb.append("exit codes: 0 ok, 1 error, 2 bad flags/config, 3 refused (identity, lock, dir), 4 engine, 5 port in use\n");
    return sb.toString();
  }
}
