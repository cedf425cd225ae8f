package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.node.BothEngines;
import io.cowsql.node.Node;
import io.cowsql.node.NodeAgent;
import io.cowsql.node.NodeOptions;
import io.cowsql.node.TestPorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect and backup of a stopped dir, and reconfigure's input checks, through the CLI entry point. */
@BothEngines
class OfflineTest {
  @TempDir Path tmp;

  record Out(int exit, String out, String err) {}

  static Out cli(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int rc = NodeAgent.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Out(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  @Test
  @SuppressWarnings("unchecked")
  void inspectAndBackupAStoppedDir() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("n"));
    String addr = TestPorts.address();
    new Identity(Node.BOOTSTRAP_ID, addr, "c1", true).write(dir);
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir, NodeOptions.defaults().withBindAddress(addr))) {
      n.start();
      try (CowsqlClient c = CowsqlClient.findLeader(List.of(addr), ClientOptions.defaults())) {
        c.open("demo");
        c.exec("CREATE TABLE t (x)");
        for (int i = 0; i < 5; i++) {
          c.exec("INSERT INTO t VALUES (?)", i);
        }
      }
    }
    Out inspect = cli("inspect", "--dir", dir.toString());
    assertThat(inspect.exit()).as(inspect.err()).isZero();
    Map<String, Object> doc = Json.parseObject(inspect.out().trim());
    assertThat(((Map<String, Object>) doc.get("identity")).get("address")).isEqualTo(addr);
    assertThat(doc.get("running")).isEqualTo(false);
    Map<String, Object> le = (Map<String, Object>) doc.get("lastEntry");
    assertThat(((Number) le.get("index")).longValue()).isGreaterThanOrEqualTo(7L);
    assertThat((List<Object>) le.get("problems")).isEmpty();
    List<Object> members = (List<Object>) ((Map<String, Object>) doc.get("configuration")).get("members");
    assertThat(members).hasSize(1);

    Path to = tmp.resolve("backup");
    Out backup = cli("backup", "--dir", dir.toString(), "--to", to.toString());
    assertThat(backup.exit()).as(backup.err()).isZero();
    Map<String, Object> b = Json.parseObject(backup.out().trim());
    assertThat(((Map<String, Object>) b.get("lastEntry")).get("index")).isEqualTo(le.get("index"));
    assertThat(to.resolve(Identity.FILE)).exists();
    assertThat(to.resolve("agent.lock")).doesNotExist();
    // A second backup into the same, now non-empty, destination is refused.
    assertThat(cli("backup", "--dir", dir.toString(), "--to", to.toString()).exit()).isEqualTo(3);

    // The copy starts as the same node with all its data.
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, to, NodeOptions.defaults().withBindAddress(addr))) {
      n.start();
      try (CowsqlClient c = CowsqlClient.findLeader(List.of(addr), ClientOptions.defaults())) {
        c.open("demo");
        try (var rows = c.query("SELECT count(*) FROM t")) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getLong(0)).isEqualTo(5);
        }
      }
    }
  }

  @Test
  void reconfigureChecksItsInput() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("r"));
    new Identity(42, "127.0.0.1:1", null, true).write(dir);
    Out bad = cli("reconfigure", "--dir", dir.toString(), "--members", "x@y");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--members");
    Out notMe = cli("reconfigure", "--dir", dir.toString(), "--members", "7@127.0.0.1:2:voter");
    assertThat(notMe.exit()).isEqualTo(3);
    assertThat(notMe.err()).contains("not in --members");
    Out empty = cli("reconfigure", "--dir", dir.toString(), "--members", "42@127.0.0.1:1:voter");
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).contains("no raft data");
    assertThat(cli("inspect").exit()).isEqualTo(2);
    assertThat(cli("frobnicate").exit()).isEqualTo(2);
    assertThat(cli("--help").out()).contains("--failure-domain-file").contains("COWSQL_JOIN");
  }
}
