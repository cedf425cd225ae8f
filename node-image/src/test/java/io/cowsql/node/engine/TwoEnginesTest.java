package io.cowsql.node.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.Rows;
import io.cowsql.node.Node;
import io.cowsql.node.NodeOptions;
import io.cowsql.node.TestPorts;
import io.cowsql.testing.SystemTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both engines in one JVM: libdqlite and libcowsql export the same unversioned {@code raft_*}
 * names through their raft libraries, and with global symbols a node of one binds the other's raft
 * and the JVM dies with SIGSEGV. Each case runs in a JVM of its own ({@link #main}), so a crash
 * fails the test instead of the test run; each must survive with a node of each engine answering
 * SQL.
 */
@SystemTier
class TwoEnginesTest {
  @TempDir Path tmp;

  @Test
  void libdqliteLoadedFirstThenALibcowsqlNodeBothServeSql() throws Exception {
    assertBothServe(run("binding"));
  }

  @Test
  void libdqliteLoadedGloballyBySomeoneElseThenALibcowsqlNodeBothServeSql() throws Exception {
    // JNA's default (RTLD_GLOBAL) puts libdqlite's raft (libraft.so.2) in the global scope; the
    // binding's deep binding keeps libcowsql on its own libraft.so.0 all the same.
    assertBothServe(run("foreign-global"));
  }

  private static void assertBothServe(String out) {
    assertThat(out).contains("dqlite node answered 1").contains("cowsql node answered 2").contains("both engines alive");
  }

  private String run(String mode) throws Exception {
    Path log = tmp.resolve(mode + ".log");
    Path work = Files.createDirectories(tmp.resolve(mode));
    // A crash report goes to the temp dir, not to the module's directory.
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"), "-cp", classpath(), TwoEnginesTest.class.getName(), mode, work.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("COWSQL_"));
    Process p = pb.start();
    boolean ended = p.waitFor(90, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("the JVM with both engines ended in time\n" + out).isTrue();
    // 134 = SIGABRT, 139 = SIGSEGV (HotSpot's crash handler aborts).
    assertThat(p.exitValue()).as("exit status of the JVM with both engines\n" + out).isZero();
    return out;
  }

  private static String classpath() {
    String cp = System.getProperty("java.class.path");
    String s = System.getProperty("surefire.test.class.path");
    return s != null && !s.isBlank() && (cp == null || cp.contains("surefirebooter")) ? s : cp;
  }

  /** The forked JVM: a node of each engine, then SQL on both. */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path root = Path.of(args[1]);
    if (mode.equals("foreign-global")) {
      NativeLibrary global = NativeLibrary.getInstance("libdqlite.so.0");
      System.out.println("loaded globally: libdqlite " + global.getFunction("dqlite_version_number").invokeInt(new Object[0]));
    }
    Engine dqlite = Engine.load("libdqlite.so.0", "dqlite_");
    Engine cowsql = Engine.load("libcowsql.so.0", "cowsql_");
    try (Node d = startNode(dqlite, root.resolve("dqlite"));
        Node c = startNode(cowsql, root.resolve("cowsql"))) {
      System.out.println("dqlite node answered " + roundTrip(d, 1));
      System.out.println("cowsql node answered " + roundTrip(c, 2));
    }
    System.out.println("both engines alive");
  }

  private static Node startNode(Engine engine, Path dir) throws Exception {
    String addr = TestPorts.address();
    Node n = Node.create(engine, Node.BOOTSTRAP_ID, addr, Files.createDirectories(dir), NodeOptions.defaults().withBindAddress(addr));
    n.start();
    return n;
  }

  private static long roundTrip(Node n, long value) throws Exception {
    try (CowsqlClient c = CowsqlClient.connect(n.address(), ClientOptions.defaults())) {
      c.open("two");
      c.exec("CREATE TABLE t (v INTEGER)");
      c.exec("INSERT INTO t (v) VALUES (?)", value);
      try (Rows r = c.query("SELECT v FROM t")) {
        r.next();
        return r.getLong(0);
      }
    }
  }
}
