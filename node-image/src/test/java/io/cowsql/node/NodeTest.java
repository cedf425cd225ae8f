package io.cowsql.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowsql.node.engine.Capability;
import io.cowsql.node.engine.Engine;
import io.cowsql.node.engine.EngineException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNA binding against the real engine on this machine (libdqlite 1.11), and its guards. */
class NodeTest {
  @TempDir Path tmp;

  private Path dir(String name) throws Exception {
    return Files.createDirectories(tmp.resolve(name));
  }

  @Test
  void engineReportsNameVersionAndCapabilities() {
    Engine e = Engine.get();
    assertThat(e.name()).isIn("cowsql", "dqlite");
    assertThat(e.versionNumber()).isGreaterThanOrEqualTo(10000);
    assertThat(e.version()).matches("\\d+\\.\\d+\\.\\d+");
    if (e.name().equals("dqlite")) {
      // Debian's 1.11.1: none of the libcowsql-only functions.
      assertThat(e.capabilities()).isEmpty();
      assertThat(e.has(Capability.HANDOVER)).isFalse();
    }
    assertThat(e.describe()).contains(e.name()).contains(e.version());
  }

  @Test
  void resolutionOrderExplicitThenCowsqlThenDqlite() {
    assertThat(Engine.candidates(Map.of(), k -> null))
        .extracting(Engine.Candidate::library, Engine.Candidate::prefix)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("libcowsql.so.0", "cowsql_"),
            org.assertj.core.groups.Tuple.tuple("libdqlite.so.0", "dqlite_"));
    assertThat(Engine.candidates(Map.of("COWSQL_LIBRARY", "/opt/x/libdqlite.so.0"), k -> null))
        .containsExactly(new Engine.Candidate("/opt/x/libdqlite.so.0", "dqlite_"));
    // The system property wins over the environment variable.
    assertThat(Engine.candidates(Map.of("COWSQL_LIBRARY", "libdqlite.so.0"), k -> k.equals("cowsql.library") ? "libcowsql.so.0" : null))
        .containsExactly(new Engine.Candidate("libcowsql.so.0", "cowsql_"));
  }

  @Test
  void explicitLibraryLoadsWithDerivedPrefix() {
    Engine e = Engine.resolve(Map.of("COWSQL_LIBRARY", "libdqlite.so.0"), k -> null);
    assertThat(e.name()).isEqualTo("dqlite");
    assertThat(e.prefix()).isEqualTo("dqlite_");
  }

  @Test
  void missingLibraryNamesEveryPathTried() {
    assertThatThrownBy(() -> Engine.resolve(Map.of("COWSQL_LIBRARY", "/nonexistent/libcowsql.so.0"), k -> null))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("/nonexistent/libcowsql.so.0")
        .hasMessageContaining("COWSQL_LIBRARY");
    assertThatThrownBy(() -> Engine.load("libdqlite.so.0", "cowsql_"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("cowsql_node_create");
  }

  @Test
  void bootstrapNodeStartsListensAndCloses() throws Exception {
    String addr = TestPorts.address();
    Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir("n1"), NodeOptions.defaults().withBindAddress(addr).withNetworkLatency(Duration.ofMillis(20)).withFailureDomain(7).withSnapshotParams(64, 128));
    try {
      n.start();
      assertThat(n.isStarted()).isTrue();
      assertThat(n.bindAddress()).isEqualTo(addr);
      String[] hp = addr.split(":");
      try (Socket s = new Socket(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]))) {
        assertThat(s.isConnected()).isTrue();
      }
    } finally {
      n.close();
    }
    n.close(); // idempotent
    assertThat(n.isClosed()).isTrue();
    assertThat(Files.exists(tmp.resolve("n1/metadata1"))).isTrue();
  }

  @Test
  void startWithoutBindAddressIsRefused() throws Exception {
    try (Node n = Node.create(Node.BOOTSTRAP_ID, "127.0.0.1:1", dir("nb"), NodeOptions.defaults())) {
      assertThatThrownBy(n::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("bind address");
      assertThat(n.isStarted()).isFalse();
    }
  }

  @Test
  void closeWithoutStartNeverStops() throws Exception {
    Node n = Node.create(42, "127.0.0.1:1", dir("ns"), NodeOptions.defaults().withBindAddress("127.0.0.1:" + TestPorts.free()));
    n.close();
    n.close();
    assertThat(n.isClosed()).isTrue();
  }

  @Test
  void startTwiceIsRefused() throws Exception {
    String addr = TestPorts.address();
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir("n2"), NodeOptions.defaults().withBindAddress(addr))) {
      n.start();
      assertThatThrownBy(n::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
    }
  }

  @Test
  void useAfterCloseIsRefused() throws Exception {
    String addr = TestPorts.address();
    Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir("n3"), NodeOptions.defaults().withBindAddress(addr));
    n.start();
    n.close();
    assertThatThrownBy(n::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(n::bindAddress).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(n::handover).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void handoverBeforeStartIsRefusedAndNeedsTheNativeFunction() throws Exception {
    String addr = TestPorts.address();
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir("n4"), NodeOptions.defaults().withBindAddress(addr))) {
      assertThatThrownBy(n::handover).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
      n.start();
      if (!n.hasNativeHandover()) {
        assertThatThrownBy(n::handover).isInstanceOf(UnsupportedOperationException.class);
      }
    }
  }

  @Test
  void badOptionsAreRefusedBeforeAnyEngineCall() {
    NodeOptions o = NodeOptions.defaults();
    assertThatThrownBy(() -> o.withNetworkLatency(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withNetworkLatency(Duration.ofHours(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withSnapshotParams(10, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withSnapshotParams(100, 50)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withBlockSize(1000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withBindAddress("not an address")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> o.withBindAddress("127.0.0.1:99999")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsTheEngineLacksAreRefused() throws Exception {
    Engine e = Engine.get();
    Path d = dir("n5");
    if (!e.has(Capability.BLOCK_SIZE)) {
      assertThatThrownBy(() -> Node.create(7, "127.0.0.1:1", d, NodeOptions.defaults().withBlockSize(4096)))
          .isInstanceOf(EngineException.class).hasMessageContaining("block size");
    }
    if (!e.has(Capability.ROLE_MANAGEMENT)) {
      assertThatThrownBy(() -> Node.create(7, "127.0.0.1:1", d, NodeOptions.defaults().withEngineRoleManagement(3, 3)))
          .isInstanceOf(EngineException.class).hasMessageContaining("role");
    }
    if (!e.has(Capability.AUTO_RECOVERY)) {
      assertThatThrownBy(() -> Node.create(7, "127.0.0.1:1", d, NodeOptions.defaults().withAutoRecovery(false)))
          .isInstanceOf(EngineException.class).hasMessageContaining("auto-recovery");
      // true is the fixed behaviour of such an engine: accepted.
      Node.create(7, "127.0.0.1:1", d, NodeOptions.defaults().withAutoRecovery(true)).close();
    }
  }

  @Test
  void badIdentityAndDirAreRefused() throws Exception {
    assertThatThrownBy(() -> Node.create(0, "127.0.0.1:1", dir("n6"), NodeOptions.defaults())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Node.create(5, "", dir("n6"), NodeOptions.defaults())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Node.create(5, "127.0.0.1:1", tmp.resolve("missing"), NodeOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
  }

  @Test
  void twoNodesOnOneDirAreRefused() throws Exception {
    Path d = dir("n7");
    try (Node a = Node.create(5, "127.0.0.1:1", d, NodeOptions.defaults())) {
      assertThatThrownBy(() -> Node.create(6, "127.0.0.1:2", d, NodeOptions.defaults()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("already used");
    }
    Node.create(6, "127.0.0.1:2", d, NodeOptions.defaults()).close();
  }

  @Test
  void reconfigureIsRefusedOnALiveDirAndOnAnEmptyDir() throws Exception {
    String addr = TestPorts.address();
    Path d = dir("n8");
    List<Member> members = List.of(new Member(Node.BOOTSTRAP_ID, addr, MemberRole.VOTER));
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, d, NodeOptions.defaults().withBindAddress(addr))) {
      n.start();
      assertThatThrownBy(() -> Node.reconfigureMembershipExt(d, members)).isInstanceOf(IllegalStateException.class);
    }
    assertThatThrownBy(() -> Node.reconfigureMembershipExt(dir("empty"), members))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no raft data");
    assertThatThrownBy(() -> Node.reconfigureMembershipExt(d, List.of(new Member(2, addr, MemberRole.SPARE))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("voter");
    // On the stopped dir it works, and the node starts again with the new configuration.
    Node.reconfigureMembershipExt(d, members);
    // reconfigureMembership forces every role to voter.
    String other = TestPorts.address();
    Node.reconfigureMembership(d, List.of(new Member(Node.BOOTSTRAP_ID, addr, MemberRole.VOTER), new Member(99, other, MemberRole.SPARE)));
    assertThat(io.cowsql.node.data.DataDirReader.inspect(d).configuration())
        .containsExactlyInAnyOrder(new Member(Node.BOOTSTRAP_ID, addr, MemberRole.VOTER), new Member(99, other, MemberRole.VOTER));
    Node.reconfigureMembershipExt(d, members);
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, d, NodeOptions.defaults().withBindAddress(addr))) {
      n.start();
    }
  }

  @Test
  void generateIdIsNonZero() {
    long a = Node.generateId("127.0.0.1:9001");
    assertThat(a).isNotZero().isNotEqualTo(Node.BOOTSTRAP_ID);
  }

  @Test
  void memberSpecParses() {
    assertThat(Member.parse("12@10.0.0.1:9001:standby")).isEqualTo(new Member(12, "10.0.0.1:9001", MemberRole.STANDBY));
    assertThat(Member.parse("12@node-0.db:9001")).isEqualTo(new Member(12, "node-0.db:9001", MemberRole.VOTER));
    assertThatThrownBy(() -> Member.parse("x@a:1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Member.parse("1@a:1:boss")).isInstanceOf(IllegalArgumentException.class);
  }
}
