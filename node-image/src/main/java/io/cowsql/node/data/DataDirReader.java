package io.cowsql.node.data;

import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a stopped node's raft data directory in pure Java, opening every file read-only: the
 * metadata files, closed segments ({@code FIRST-LAST}), open segments ({@code open-N}) and
 * snapshots ({@code snapshot-TERM-INDEX-TIMESTAMP} with {@code .meta}). Nothing is ever written,
 * renamed or deleted (unlike the engine's own loader, which closes open segments and may remove
 * corrupt ones).
 *
 * <p>Segment format: an 8-byte format word (1; format 2 adds the first index as a second word),
 * then batches: two CRC32 words (header, data), an 8-byte entry count n, n 16-byte entry headers
 * (term 8, type 1, unused 3, length 4), then the entries' data, each padded to 8 bytes. All
 * little-endian. An open segment ends at the first batch that is all zeros or does not check out.
 */
public final class DataDirReader {
  public static final int ENTRY_COMMAND = 1;
  public static final int ENTRY_BARRIER = 2;
  public static final int ENTRY_CHANGE = 3;

  private static final Pattern CLOSED = Pattern.compile("(\\d+)-(\\d+)");
  private static final Pattern OPEN = Pattern.compile("open-(\\d+)");
  private static final Pattern SNAPSHOT_META = Pattern.compile("snapshot-(\\d+)-(\\d+)-(\\d+)\\.meta");
  private static final int MAX_ENTRIES_PER_BATCH = 8 * 1024 * 1024 / 32;

  private DataDirReader() {}

  /** The raft metadata: the current term and the vote (the higher-version file wins). */
  public record Metadata(long version, long term, long votedFor) {}

  /** A snapshot whose data and .meta files are both present. */
  public record Snapshot(long term, long index, long timestamp, String name, long configurationIndex, List<Member> configuration) {}

  /** A segment and what was read from it. */
  public record Segment(String name, boolean open, long firstIndex, long lastIndex, long entries) {}

  /** Everything read from the directory. */
  public record Inspection(
      Metadata metadata,
      List<Snapshot> snapshots,
      List<Segment> segments,
      LastEntry lastEntry,
      long commands,
      long barriers,
      long changes,
      List<Member> configuration,
      long configurationIndex) {}

  /** The last entry's term and index (see {@link #inspect}). */
  public static LastEntry lastEntry(Path dir) throws IOException {
    return inspect(dir).lastEntry();
  }

  /** Read the whole directory (never modifying it). */
  public static Inspection inspect(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("data dir " + dir + " does not exist or is not a directory");
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    List<String> problems = new ArrayList<>();
    Metadata md = readMetadata(dir, names, problems);

    // Snapshots: only those whose data and metadata files both exist count.
    List<Snapshot> snapshots = new ArrayList<>();
    for (String n : names) {
      Matcher m = SNAPSHOT_META.matcher(n);
      if (m.matches()) {
        String data = n.substring(0, n.length() - ".meta".length());
        if (!names.contains(data)) {
          problems.add(n + ": snapshot data file missing, ignored");
          continue;
        }
        long term = Long.parseUnsignedLong(m.group(1));
        long index = Long.parseUnsignedLong(m.group(2));
        long ts = Long.parseUnsignedLong(m.group(3));
        long confIndex = 0;
        List<Member> conf = List.of();
        try {
          ByteBuffer b = read(dir.resolve(n));
          if (b.remaining() >= 32) {
            b.getLong(); // format
            b.getLong(); // crc
            confIndex = b.getLong();
            long confLen = b.getLong();
            if (confLen <= b.remaining()) {
              conf = decodeConfiguration(slice(b, (int) confLen));
            }
          }
        } catch (RuntimeException e) {
          problems.add(n + ": unreadable configuration (" + e.getMessage() + ")");
        }
        snapshots.add(new Snapshot(term, index, ts, data, confIndex, conf));
      }
    }
    snapshots.sort(Comparator.comparingLong(Snapshot::index).thenComparingLong(Snapshot::timestamp));
    Snapshot latest = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);

    // Segments: closed by first index, then open by counter.
    List<long[]> closed = new ArrayList<>();
    List<long[]> open = new ArrayList<>();
    for (String n : names) {
      Matcher c = CLOSED.matcher(n);
      if (c.matches()) {
        closed.add(new long[] {Long.parseUnsignedLong(c.group(1)), Long.parseUnsignedLong(c.group(2))});
        continue;
      }
      Matcher o = OPEN.matcher(n);
      if (o.matches()) {
        open.add(new long[] {Long.parseUnsignedLong(o.group(1))});
      }
    }
    closed.sort(Comparator.comparingLong(a -> a[0]));
    open.sort(Comparator.comparingLong(a -> a[0]));

    Counter counter = new Counter();
    List<Segment> segments = new ArrayList<>();
    Entry last = null;
    String lastSource = null;
    boolean stop = false;
    long expectedNext = 0;
    for (long[] c : closed) {
      String name = c[0] + "-" + c[1];
      String file = names.stream().filter(x -> x.matches("0*" + c[0] + "-0*" + c[1])).findFirst().orElse(name);
      if (expectedNext != 0 && c[0] != expectedNext) {
        problems.add(file + ": not contiguous with the previous segment (expected first index " + expectedNext + ")");
      }
      List<String> segProblems = new ArrayList<>();
      Entry e = readSegment(dir.resolve(file), c[0], false, counter, segProblems);
      long count = e == null ? 0 : e.index - c[0] + 1;
      segments.add(new Segment(file, false, c[0], e == null ? c[0] - 1 : e.index, count));
      if (count != c[1] - c[0] + 1) {
        segProblems.add(file + ": holds " + count + " entries, its name says " + (c[1] - c[0] + 1));
      }
      if (e != null) {
        last = e;
        lastSource = file;
      }
      expectedNext = c[1] + 1;
      if (!segProblems.isEmpty()) {
        problems.addAll(segProblems);
        stop = true;
        break;
      }
    }
    if (!stop) {
      long next;
      if (!closed.isEmpty()) {
        next = closed.get(closed.size() - 1)[1] + 1;
      } else if (latest != null) {
        next = latest.index() + 1;
      } else {
        next = 1;
      }
      for (long[] o : open) {
        String file = "open-" + o[0];
        List<String> segProblems = new ArrayList<>();
        Entry e = readSegment(dir.resolve(file), next, true, counter, segProblems);
        if (e != null) {
          segments.add(new Segment(file, true, e.firstIndexOfSegment, e.index, e.index - e.firstIndexOfSegment + 1));
          last = e;
          lastSource = file;
          next = e.index + 1;
        } else {
          segments.add(new Segment(file, true, next, next - 1, 0));
        }
        if (!segProblems.isEmpty()) {
          problems.addAll(segProblems);
          break;
        }
      }
    }

    LogPosition pos;
    String source;
    if (last != null && (latest == null || Long.compareUnsigned(last.index, latest.index()) >= 0)) {
      pos = new LogPosition(last.term, last.index);
      source = lastSource;
    } else if (latest != null) {
      pos = new LogPosition(latest.term(), latest.index());
      source = latest.name();
    } else {
      pos = LogPosition.EMPTY;
      source = "empty";
    }

    List<Member> conf = counter.configuration;
    long confIndex = counter.configurationIndex;
    if (latest != null && Long.compareUnsigned(latest.configurationIndex(), confIndex) > 0) {
      conf = latest.configuration();
      confIndex = latest.configurationIndex();
    }
    LastEntry le = new LastEntry(pos, source, List.copyOf(problems));
    return new Inspection(md, List.copyOf(snapshots), List.copyOf(segments), le, counter.commands, counter.barriers, counter.changes, conf, confIndex);
  }

  private static Metadata readMetadata(Path dir, List<String> names, List<String> problems) {
    Metadata best = null;
    for (String n : List.of("metadata1", "metadata2")) {
      if (!names.contains(n)) {
        continue;
      }
      try {
        ByteBuffer b = read(dir.resolve(n));
        if (b.remaining() < 32) {
          problems.add(n + ": only " + b.remaining() + " bytes");
          continue;
        }
        long format = b.getLong();
        if (format != 1) {
          problems.add(n + ": unknown format " + format);
          continue;
        }
        Metadata m = new Metadata(b.getLong(), b.getLong(), b.getLong());
        if (best == null || Long.compareUnsigned(m.version(), best.version()) > 0) {
          best = m;
        }
      } catch (IOException e) {
        problems.add(n + ": " + e.getMessage());
      }
    }
    return best;
  }

  private static final class Entry {
    long term;
    long index;
    long firstIndexOfSegment;
  }

  private static final class Counter {
    long commands;
    long barriers;
    long changes;
    List<Member> configuration = List.of();
    long configurationIndex;
  }

  /**
   * Read one segment; return its last good entry (null if none). Problems go to {@code problems};
   * for an open segment, a zero tail after the last batch is the normal end and not a problem.
   */
  private static Entry readSegment(Path file, long firstIndex, boolean open, Counter counter, List<String> problems) throws IOException {
    String name = file.getFileName().toString();
    ByteBuffer b = read(file);
    int size = b.limit();
    if (size == 0) {
      if (!open) {
        problems.add(name + ": empty closed segment");
      }
      return null;
    }
    if (size < 8) {
      problems.add(name + ": only " + size + " bytes");
      return null;
    }
    long format = b.getLong();
    if (format == 0 && open) {
      if (!allZero(b, 8)) {
        problems.add(name + ": format word is 0 but the file is not all zeros");
      }
      return null; // allocated, never written
    }
    if (format == 2) {
      if (size < 16) {
        problems.add(name + ": truncated format-2 header");
        return null;
      }
      long first = b.getLong();
      if (first != firstIndex) {
        problems.add(name + ": header says first index " + first + ", expected " + firstIndex);
        firstIndex = first;
      }
    } else if (format != 1) {
      problems.add(name + ": unknown segment format " + format);
      return null;
    }
    Entry last = null;
    long index = firstIndex;
    while (b.position() < size) {
      int start = b.position();
      String where = name + ": batch at byte " + start;
      if (size - start < 16) {
        if (!(open && allZero(b, start))) {
          problems.add(where + ": truncated preamble");
        }
        break;
      }
      long crcHeader = Integer.toUnsignedLong(b.getInt());
      long crcData = Integer.toUnsignedLong(b.getInt());
      long n = b.getLong();
      if (n == 0) {
        if (!(open && crcHeader == 0 && crcData == 0 && allZero(b, start))) {
          problems.add(where + ": zero entry count" + (open ? " followed by non-zero bytes" : ""));
        }
        break;
      }
      if (Long.compareUnsigned(n, MAX_ENTRIES_PER_BATCH) > 0 || 16 * n > size - b.position()) {
        problems.add(where + ": entry count " + Long.toUnsignedString(n) + " does not fit");
        break;
      }
      int headerStart = start + 8;
      int headerLen = (int) (8 + 16 * n);
      if (RaftCrc32.of(b.array(), b.arrayOffset() + headerStart, headerLen) != crcHeader) {
        problems.add(where + ": header checksum mismatch");
        break;
      }
      long[] terms = new long[(int) n];
      int[] types = new int[(int) n];
      long dataLen = 0;
      for (int i = 0; i < n; i++) {
        terms[i] = b.getLong();
        types[i] = b.get() & 0xff;
        b.position(b.position() + 3);
        long len = Integer.toUnsignedLong(b.getInt());
        dataLen += (len + 7) & ~7L;
        if (i == 0) {
          // keep lengths for configuration decoding below
        }
      }
      if (dataLen > size - b.position()) {
        problems.add(where + ": data runs past the end of the file (" + dataLen + " bytes)");
        break;
      }
      int dataStart = b.position();
      if (RaftCrc32.of(b.array(), b.arrayOffset() + dataStart, (int) dataLen) != crcData) {
        problems.add(where + ": data checksum mismatch");
        break;
      }
      // Walk the entries again for their payloads (configuration changes).
      int hdr = headerStart + 8;
      int cursor = dataStart;
      for (int i = 0; i < n; i++) {
        int len = b.getInt(hdr + 12);
        hdr += 16;
        switch (types[i]) {
          case ENTRY_COMMAND -> counter.commands++;
          case ENTRY_BARRIER -> counter.barriers++;
          case ENTRY_CHANGE -> {
            counter.changes++;
            try {
              ByteBuffer payload = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
              payload.position(cursor).limit(cursor + len);
              counter.configuration = decodeConfiguration(payload.slice().order(ByteOrder.LITTLE_ENDIAN));
              counter.configurationIndex = index + i;
            } catch (RuntimeException e) {
              problems.add(name + ": entry " + (index + i) + ": unreadable configuration");
            }
          }
          default -> problems.add(name + ": entry " + (index + i) + " has unknown type " + types[i]);
        }
        cursor += (len + 7) & ~7;
      }
      b.position(dataStart + (int) dataLen);
      if (last == null) {
        last = new Entry();
        last.firstIndexOfSegment = firstIndex;
      }
      index += n;
      last.term = terms[(int) n - 1];
      last.index = index - 1;
    }
    return last;
  }

  /** raft's configuration encoding: format byte, uint64 n, then n × (uint64 id, NUL-terminated address, raft role byte). */
  static List<Member> decodeConfiguration(ByteBuffer b) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    int format = b.get() & 0xff;
    if (format != 1) {
      throw new IllegalArgumentException("configuration format " + format);
    }
    long n = b.getLong();
    if (n < 0 || n > 10_000) {
      throw new IllegalArgumentException("configuration size " + n);
    }
    List<Member> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      long id = b.getLong();
      int s = b.position();
      while (b.get() != 0) {
        // scan to NUL
      }
      byte[] addr = new byte[b.position() - s - 1];
      b.duplicate().position(s).get(addr);
      // raft's own role codes (not the wire's): 0 standby, 1 voter, 2 spare.
      int role = b.get() & 0xff;
      MemberRole r = role == 0 ? MemberRole.STANDBY : role == 2 ? MemberRole.SPARE : MemberRole.VOTER;
      out.add(new Member(id, new String(addr, StandardCharsets.UTF_8), r));
    }
    return List.copyOf(out);
  }

  private static boolean allZero(ByteBuffer b, int from) {
    for (int i = from; i < b.limit(); i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer slice(ByteBuffer b, int len) {
    ByteBuffer s = b.slice().order(ByteOrder.LITTLE_ENDIAN);
    s.limit(len);
    return s;
  }

  private static ByteBuffer read(Path p) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
  }
}
