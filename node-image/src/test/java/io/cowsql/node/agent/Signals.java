package io.cowsql.node.agent;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** SIGSTOP / SIGCONT for a test's agent process (java.lang.Process has no way to send them). */
final class Signals {
  private Signals() {}

  static void stop(AgentProcess p) throws IOException, InterruptedException {
    send("-STOP", p.pid());
  }

  static void resume(AgentProcess p) throws IOException, InterruptedException {
    send("-CONT", p.pid());
  }

  private static void send(String signal, long pid) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill " + signal + " " + pid + " failed");
    }
  }
}
