package io.cowsql.node.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/cowsql-local} as a person runs it: help at once, a bad flag exits 2, and a session on
 * three of the project's node agents that ends (standard input closed, as Ctrl-D) with every agent
 * stopped, even one that does not react to SIGTERM, a shutdown line and no temporary directory left.
 */
class CowsqlLocalTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Path SCRIPT = ROOT.resolve("bin/cowsql-local");
  static final Pattern NODE_LINE = Pattern.compile("cowsql-local: node (\\d+) \\(pid (\\d+)\\) at [0-9.:]+, .* log (\\S+)/node\\d+\\.log");

  @Test
  void helpPrintsAtOnceAndABadFlagExitsWith2() throws Exception {
    // "At once": help needs no build, no JVM and no cluster. The PATH holds only the tools the
    // script's first lines use, so a help that ran Maven or java would fail here.
    Path bin = Files.createTempDirectory("cowsql-local-help-path");
    try {
      for (String tool : List.of("bash", "dirname", "readlink", "cat")) {
        Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream().filter(Files::isExecutable).findFirst()
            .orElseThrow(() -> new AssertionError("no " + tool + " in /usr/bin or /bin"));
        Files.createSymbolicLink(bin.resolve(tool), real);
      }
      ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "--help");
      pb.environment().put("PATH", bin.toString());
      Process help = pb.start();
      String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(help.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(help.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(help.exitValue()).as("--help with PATH=%s only: %s", bin, err).isZero();
      assertThat(err).as("--help with only bash, dirname, readlink and cat on the PATH").isEmpty();
      checkHelp(out);
    } finally {
      try (var l = Files.list(bin)) {
        for (Path f : l.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(bin);
    }

    for (List<String> bad : List.of(List.of("--bogus"), List.of("--nodes", "many"), List.of("--nodes"), List.of("--base-port", "80"))) {
      List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
      cmd.addAll(bad);
      Process p = new ProcessBuilder(cmd).start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("%s: %s", bad, err).isEqualTo(2);
      assertThat(err).as("%s", bad).startsWith("cowsql-local: ").contains(bad.get(0));
    }
  }

  static void checkHelp(String out) {
    assertThat(out).startsWith("Usage: bin/cowsql-local [--nodes N] [--base-port P] [--keep-data] [-- SHELL-ARGS]\n")
        .contains("--keep-data", "SIGKILL", "NodeAgent").doesNotContain("set -euo", "usage()");
  }

  @SystemTier
  @Test
  void aSessionOnThreeAgentsEndsWithEveryAgentStoppedEvenOneIgnoringSigterm() throws Exception {
    int base = freeBasePort();
    Process p = new ProcessBuilder(SCRIPT.toString(), "--base-port", Integer.toString(base)).directory(ROOT.toFile()).start();
    StringBuffer out = drain(p.getInputStream());
    StringBuffer err = drain(p.getErrorStream());
    try {
      OutputStream stdin = p.getOutputStream();
      stdin.write(".cluster\nSELECT 6 * 7;\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await(() -> out.toString().contains("42\n"), Duration.ofSeconds(180), "the shell's answer", out, err);
      List<Long> pids = new ArrayList<>();
      String dir = null;
      Matcher m = NODE_LINE.matcher(err.toString());
      while (m.find()) {
        pids.add(Long.parseLong(m.group(2)));
        dir = m.group(3);
      }
      assertThat(pids).as("stderr: %s", err).hasSize(3);
      for (long pid : pids) {
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' '))
            .contains("io.cowsql.node.NodeAgent", "--dir " + dir + "/node");
      }
      assertThat(out.toString().lines().filter(l -> l.endsWith("|voter")).count()).as(out.toString()).isEqualTo(3);
      assertThat(Path.of(dir)).isDirectory();

      // Node 1 stops reacting (SIGSTOP: SIGTERM stays pending), then Ctrl-D.
      long stuck = pids.get(1);
      assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(stuck)).start().waitFor()).isZero();
      stdin.close();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("cowsql-local ended; stderr: %s", err).isTrue();
      assertThat(p.exitValue()).as(err.toString()).isZero();
      Thread.sleep(200); // the drains see the last bytes
      assertThat(err.toString())
          .contains("cowsql-local: node 1 (pid " + stuck + ") still running 10 s after SIGTERM: sending SIGKILL\n")
          // The others may need SIGKILL too (an agent whose peer froze can stay in its handover
          // past its shutdown timeout): the script's job is that none is left and it says so.
          .containsPattern("cowsql-local: stopped 3 node\\(s\\) \\([123] with SIGKILL\\); removed " + Pattern.quote(dir) + "\n")
          .doesNotContain("Killed");
      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("agent %d alive", pid).isFalse();
      }
      assertThat(Path.of(dir)).doesNotExist();
    } finally {
      if (p.isAlive()) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        p.destroyForcibly();
      }
    }
  }

  /** P..P+2 and P+100..P+102 all free on loopback. */
  static int freeBasePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      if (free(base) && free(base + 1) && free(base + 2) && free(base + 100) && free(base + 101) && free(base + 102)) {
        return base;
      }
    }
    throw new IOException("no free block of loopback ports found");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static StringBuffer drain(InputStream in) {
    StringBuffer sb = new StringBuffer();
    Thread t = new Thread(() -> {
      byte[] buf = new byte[4096];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "drain");
    t.setDaemon(true);
    t.start();
    return sb;
  }

  static void await(java.util.function.BooleanSupplier cond, Duration d, String what, StringBuffer out, StringBuffer err)
      throws InterruptedException {
    long deadline = System.nanoTime() + d.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; stdout: " + out + "; stderr: " + err);
      }
      Thread.sleep(100);
    }
  }
}
