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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNA binding against the real engine of this test run ({@link TestEngine}), and its guards. */
@BothEngines
class NodeTest {
  @TempDir Path tmp;

  private Path dir(String name) throws Exception {
    return Files.createDirectories(tmp.resolve(name));
  }

  @Test
  void theEngineLoadedIsTheOneTheRunAsksFor() {
    Engine e = TestEngine.require();
    assertThat(e.version()).matches("\\d+\\.\\d+\\.\\d+");
    if (TestEngine.isCowsql()) {
      assertThat(e.capabilities()).containsExactlyInAnyOrder(Capability.values());
      assertThat(e.library()).contains("libcowsql.so");
    } else {
      // Debian's libdqlite 1.11.1: none of the libcowsql-only functions.
      assertThat(e.capabilities()).isEmpty();
      assertThat(e.library()).contains("libdqlite.so");
    }
    // The file really loaded, links resolved; the package that installed it, where dpkg knows it.
    assertThat(Path.of(e.library())).isAbsolute().isRegularFile();
    assertThat(Files.isSymbolicLink(Path.of(e.library()))).isFalse();
    if (Files.isDirectory(Path.of("/var/lib/dpkg/info"))) {
      assertThat(e.debianPackage()).startsWith(TestEngine.isCowsql() ? "libcowsql0 " : "libdqlite0 ");
    }
    assertThat(e.describe()).contains(e.name()).contains(e.version()).contains(e.library());
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
    assertThatThrownBy(() -> n.handover(Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void handoverOfANodeThatIsNotRunningIsRefused() throws Exception {
    // node_handover on a node that was never started (or was stopped) blocks forever in the engine.
    String addr = TestPorts.address();
    Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir("n4"), NodeOptions.defaults().withBindAddress(addr));
    try {
      assertThatThrownBy(() -> n.handover(Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
      n.start();
      if (TestEngine.isCowsql()) {
        // A lone voter has nobody to hand over to: the engine says so at once.
        assertThatThrownBy(() -> n.handover(Duration.ofSeconds(10))).isInstanceOf(EngineException.class).hasMessageContaining("node_handover failed");
      } else {
        assertThatThrownBy(() -> n.handover(Duration.ofSeconds(10))).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("no node_handover");
      }
    } finally {
      n.close();
    }
    assertThatThrownBy(() -> n.handover(Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
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
  void libcowsqlOnlyOptionsWorkOnLibcowsqlAndAreRefusedOnLibdqlite() throws Exception {
    TestEngine.require();
    Path d = dir("n5");
    NodeOptions blockSize = NodeOptions.defaults().withBlockSize(4096);
    NodeOptions noAutoRecovery = NodeOptions.defaults().withAutoRecovery(false);
    NodeOptions roles = NodeOptions.defaults().withEngineRoleManagement(3, 3);
    if (TestEngine.isCowsql()) {
      String addr = TestPorts.address();
      try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, d, blockSize.withAutoRecovery(false).withEngineRoleManagement(3, 3).withBindAddress(addr))) {
        n.start();
        String[] hp = addr.split(":");
        try (Socket s = new Socket(InetAddress.getByName(hp[0]), Integer.parseInt(hp[1]))) {
          assertThat(s.isConnected()).isTrue();
        }
      }
      assertThat(Files.exists(d.resolve("metadata1"))).isTrue();
    } else {
      assertThatThrownBy(() -> Node.create(7, "127.0.0.1:1", d, blockSize)).isInstanceOf(EngineException.class).hasMessageContaining("block size");
      assertThatThrownBy(() -> Node.create(7, "127.0.0.1:1", d, roles)).isInstanceOf(EngineException.class).hasMessageContaining("role");
      assertThatThrownBy(() -> Node.create(7, "127.0.0.1:1", d, noAutoRecovery)).isInstanceOf(EngineException.class).hasMessageContaining("auto-recovery");
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
    assertThat(Member.parse("12@198.18.0.1:9001:standby")).isEqualTo(new Member(12, "198.18.0.1:9001", MemberRole.STANDBY));
    assertThat(Member.parse("12@node-0.db:9001")).isEqualTo(new Member(12, "node-0.db:9001", MemberRole.VOTER));
    assertThatThrownBy(() -> Member.parse("x@a:1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Member.parse("1@a:1:boss")).isInstanceOf(IllegalArgumentException.class);
  }
}
