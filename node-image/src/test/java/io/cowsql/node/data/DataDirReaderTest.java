package io.cowsql.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.node.BothEngines;
import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import io.cowsql.node.Node;
import io.cowsql.node.NodeOptions;
import io.cowsql.node.TestPorts;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lastEntry on directories written by the real engine with known numbers of writes. */
@BothEngines
class DataDirReaderTest {
  @TempDir Path tmp;

  private static final ClientOptions OPTS = ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(2)).withRequestTimeout(Duration.ofSeconds(5)).withRetryTimeout(Duration.ofSeconds(10));

  /** Run a one-node cluster on dir, do {@code writes} INSERTs (plus one CREATE TABLE), stop. */
  private static void runAndWrite(Path dir, String addr, int writes, NodeOptions extra) throws Exception {
    runAndWrite(dir, addr, writes, extra, false);
  }

  /**
   * Run a bootstrap node on {@code dir} and write {@code writes} rows. With {@code awaitSnapshot},
   * wait until a snapshot is on disk before the node stops: libcowsql writes snapshots in the
   * background, and a stop while the first one is being written leaves none.
   */
  private static void runAndWrite(Path dir, String addr, int writes, NodeOptions extra, boolean awaitSnapshot) throws Exception {
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir, extra.withBindAddress(addr).withNetworkLatency(Duration.ofMillis(5)))) {
      n.start();
      try (CowsqlClient c = CowsqlClient.findLeader(java.util.List.of(addr), OPTS)) {
        c.open("test.db");
        c.exec("CREATE TABLE IF NOT EXISTS t (i INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 0; i < writes; i++) {
          c.exec("INSERT INTO t (v) VALUES (?)", "value-" + i);
        }
      }
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (awaitSnapshot && !hasSnapshot(dir)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no snapshot in " + dir + " 20 s after " + writes + " writes");
        }
        Thread.sleep(50);
      }
    }
  }

  private static boolean hasSnapshot(Path dir) {
    try {
      return !DataDirReader.inspect(dir).snapshots().isEmpty();
    } catch (IOException | RuntimeException e) {
      return false; // a snapshot being written
    }
  }

  private static Map<String, String> fingerprint(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(p));
        m.put(p.getFileName().toString(), Files.getLastModifiedTime(p) + " " + HexFormat.of().formatHex(md.digest()));
      }
    }
    return m;
  }

  @Test
  void emptyDirIsTheEmptyLog() throws Exception {
    LastEntry e = DataDirReader.lastEntry(tmp);
    assertThat(e.position()).isEqualTo(LogPosition.EMPTY);
    assertThat(e.source()).isEqualTo("empty");
    assertThat(e.isClean()).isTrue();
  }

  @Test
  void segmentsWithKnownWrites() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("a"));
    String addr = TestPorts.address();
    runAndWrite(dir, addr, 25, NodeOptions.defaults());
    Map<String, String> before = fingerprint(dir);
    DataDirReader.Inspection in = DataDirReader.inspect(dir);
    LastEntry e = in.lastEntry();
    assertThat(fingerprint(dir)).as("the reader never modifies the dir").isEqualTo(before);
    assertThat(e.isClean()).as(e.problems().toString()).isTrue();
    assertThat(in.commands()).isEqualTo(26); // CREATE TABLE + 25 INSERTs
    assertThat(in.changes()).isEqualTo(1); // the bootstrap configuration
    assertThat(e.index()).isEqualTo(in.commands() + in.changes() + in.barriers());
    assertThat(e.term()).isEqualTo(in.metadata().term());
    assertThat(in.configuration()).containsExactly(new Member(Node.BOOTSTRAP_ID, addr, MemberRole.VOTER));

    // A clean stop closes the open segment: the engine's file name states the range the reader
    // counted (and the reader checks the count against the name).
    assertThat(in.segments()).last().satisfies(s -> {
      assertThat(s.name()).endsWith("-" + String.format("%016d", e.index()));
      assertThat(s.lastIndex()).isEqualTo(e.index());
    });
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir, NodeOptions.defaults().withBindAddress(addr))) {
      n.start();
    }
    DataDirReader.Inspection after = DataDirReader.inspect(dir);
    assertThat(after.lastEntry().position().compareTo(e.position())).isGreaterThanOrEqualTo(0);
    assertThat(after.commands()).isEqualTo(26);

    // More writes: the index grows by at least that many, and the commands by exactly that many.
    runAndWrite(dir, addr, 10, NodeOptions.defaults());
    DataDirReader.Inspection more = DataDirReader.inspect(dir);
    assertThat(more.commands()).isEqualTo(26 + 10); // CREATE TABLE IF NOT EXISTS writes nothing now
    assertThat(more.lastEntry().index()).isGreaterThanOrEqualTo(after.lastEntry().index() + 10);
    assertThat(more.lastEntry().isClean()).isTrue();
  }

  @Test
  void afterSnapshots() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("s"));
    String addr = TestPorts.address();
    NodeOptions snap = NodeOptions.defaults().withSnapshotParams(8, 8);
    runAndWrite(dir, addr, 40, snap, true);
    runAndWrite(dir, addr, 40, snap, true); // a restart closes the first segment; later snapshots drop it
    DataDirReader.Inspection in = DataDirReader.inspect(dir);
    assertThat(in.snapshots()).isNotEmpty();
    LastEntry e = in.lastEntry();
    assertThat(e.isClean()).as(e.problems().toString()).isTrue();
    DataDirReader.Snapshot latest = in.snapshots().get(in.snapshots().size() - 1);
    assertThat(e.index()).isGreaterThanOrEqualTo(latest.index());
    assertThat(e.index()).isGreaterThanOrEqualTo(1 + 80); // the bootstrap change and 80 INSERTs at least
    assertThat(e.term()).isEqualTo(in.metadata().term());
    assertThat(latest.configuration()).extracting(Member::id).containsExactly(Node.BOOTSTRAP_ID);

    // Restart once more: the engine names the closed segments; the last one ends at our index.
    long before = e.index();
    try (Node n = Node.create(Node.BOOTSTRAP_ID, addr, dir, snap.withBindAddress(addr))) {
      n.start();
    }
    DataDirReader.Inspection after = DataDirReader.inspect(dir);
    assertThat(after.segments()).anySatisfy(s -> assertThat(s.lastIndex()).isEqualTo(before));
  }

  @Test
  void snapshotWithoutLaterEntries() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("only"));
    String addr = TestPorts.address();
    NodeOptions snap = NodeOptions.defaults().withSnapshotParams(8, 8);
    runAndWrite(dir, addr, 30, snap, true);
    DataDirReader.Inspection full = DataDirReader.inspect(dir);
    DataDirReader.Snapshot latest = full.snapshots().get(full.snapshots().size() - 1);
    // Keep only the snapshot and the metadata: the position comes from the snapshot.
    Path copy = Files.createDirectories(tmp.resolve("only-copy"));
    for (String f : new String[] {"metadata1", "metadata2", latest.name(), latest.name() + ".meta"}) {
      if (Files.exists(dir.resolve(f))) {
        Files.copy(dir.resolve(f), copy.resolve(f));
      }
    }
    LastEntry e = DataDirReader.lastEntry(copy);
    assertThat(e.position()).isEqualTo(new LogPosition(latest.term(), latest.index()));
    assertThat(e.source()).isEqualTo(latest.name());
  }

  @Test
  void corruptTailIsReportedNotGuessed() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("c"));
    String addr = TestPorts.address();
    runAndWrite(dir, addr, 20, NodeOptions.defaults());
    DataDirReader.Inspection good = DataDirReader.inspect(dir);
    String seg = good.segments().get(good.segments().size() - 1).name();
    // Flip a byte in the last batch's data: the reader stops before that batch and says so.
    byte[] bytes = Files.readAllBytes(dir.resolve(seg));
    int end = bytes.length - 1;
    while (bytes[end] == 0) {
      end--;
    }
    bytes[end] ^= 0x5a;
    try (FileChannel ch = FileChannel.open(dir.resolve(seg), StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
    }
    LastEntry e = DataDirReader.lastEntry(dir);
    assertThat(e.isClean()).isFalse();
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(seg).contains("checksum"));
    assertThat(e.index()).isLessThan(good.lastEntry().index()).isGreaterThan(0);
  }

  @Test
  void truncatedAndForeignFilesAreReported() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("t"));
    String addr = TestPorts.address();
    runAndWrite(dir, addr, 20, NodeOptions.defaults());
    DataDirReader.Inspection good = DataDirReader.inspect(dir);
    String seg = good.segments().get(good.segments().size() - 1).name();
    long size = Files.size(dir.resolve(seg));
    // A torn write: the last batch is cut short.
    try (FileChannel ch = FileChannel.open(dir.resolve(seg), StandardOpenOption.WRITE)) {
      ch.truncate(size - 8);
    }
    LastEntry cut = DataDirReader.lastEntry(dir);
    assertThat(cut.problems()).anySatisfy(p -> assertThat(p).contains(seg));
    assertThat(cut.index()).isLessThan(good.lastEntry().index());
    // An unknown segment format is named, not guessed at.
    Path other = Files.createDirectories(tmp.resolve("fmt"));
    Files.write(other.resolve("open-1"), new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4});
    LastEntry fmt = DataDirReader.lastEntry(other);
    assertThat(fmt.problems()).anySatisfy(p -> assertThat(p).contains("unknown segment format 9"));
    assertThat(fmt.position()).isEqualTo(LogPosition.EMPTY);
    // A preallocated, never written open segment is the normal empty case.
    Path zero = Files.createDirectories(tmp.resolve("zero"));
    Files.write(zero.resolve("open-1"), new byte[4096]);
    LastEntry z = DataDirReader.lastEntry(zero);
    assertThat(z.isClean()).isTrue();
    assertThat(z.position()).isEqualTo(LogPosition.EMPTY);
  }

  @Test
  void positionsCompareLikeRaft() {
    assertThat(new LogPosition(3, 10).isNewerThan(new LogPosition(2, 50))).isTrue();
    assertThat(new LogPosition(3, 10).isNewerThan(new LogPosition(3, 9))).isTrue();
    assertThat(new LogPosition(3, 10).compareTo(new LogPosition(3, 10))).isZero();
  }
}
