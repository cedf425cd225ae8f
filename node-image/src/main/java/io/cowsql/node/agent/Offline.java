package io.cowsql.node.agent;

import io.cowsql.node.DataDirLock;
import io.cowsql.node.Member;
import io.cowsql.node.Node;
import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import io.cowsql.node.engine.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The offline subcommands: inspect, reconfigure, backup (picocli commands of the node agent). Each
 * prints one JSON document.
 */
public final class Offline {
  private Offline() {}

  /** An offline command: {@code -h, --help}, and one JSON document printed. */
  abstract static class OfflineCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AgentConfig.HelpOption help;

    abstract String document() throws Exception;

    @Override
    public Integer call() throws Exception {
      spec.commandLine().getOut().println(document());
      return 0;
    }
  }

  /** The {@code --dir} of reconfigure and backup: one data dir, of a stopped node. */
  static final class StoppedDir {
    @Option(names = "--dir", required = true, paramLabel = "DIR", converter = TrimmedPath.class,
        description = "the stopped node's data dir")
    Path dir;
  }

  @Command(name = "inspect", sortOptions = false,
      description = "Print the identity, Raft metadata, configuration and last log entry of a data dir as JSON;"
          + " of several dirs, a ranking, most up-to-date first.")
  public static final class Inspect extends OfflineCommand {
    @Option(names = "--dir", required = true, split = ",", paramLabel = "DIR", converter = TrimmedPath.class,
        description = "data dir(s) to inspect (comma-separated or repeated)")
    List<Path> dirs;

    @Override
    String document() throws Exception {
      return inspect(dirs);
    }
  }

  @Command(name = "reconfigure", sortOptions = false,
      description = "Force a new Raft configuration onto a stopped survivor's data dir (quorum-loss recovery).")
  public static final class Reconfigure extends OfflineCommand {
    @Mixin StoppedDir stopped;

    @Option(names = "--members", required = true, split = ",", paramLabel = "ID@HOST:PORT:ROLE",
        converter = MemberConverter.class,
        description = "the new configuration, comma-separated (role voter|standby|spare)")
    List<Member> members;

    @Override
    String document() throws Exception {
      return reconfigure(stopped.dir, members);
    }
  }

  @Command(name = "backup", sortOptions = false,
      description = "Copy a stopped node's data dir consistently (its lock is held while copying) and verify the copy.")
  public static final class Backup extends OfflineCommand {
    @Mixin StoppedDir stopped;

    @Option(names = "--to", required = true, paramLabel = "DEST", converter = TrimmedPath.class,
        description = "destination directory (must not exist or be empty)")
    Path to;

    @Override
    String document() throws Exception {
      return backup(stopped.dir, to);
    }
  }

  /** A value, surrounding blanks dropped (as in {@code --dir a, b}); its parse error is the conversion error. */
  abstract static class Trimmed<T> implements ITypeConverter<T> {
    abstract T parse(String text);

    @Override
    public T convert(String text) {
      try {
        return parse(text.trim());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class TrimmedPath extends Trimmed<Path> {
    @Override
    Path parse(String text) {
      return Path.of(text);
    }
  }

  /** A member {@code id@host:port:role}. */
  static final class MemberConverter extends Trimmed<Member> {
    @Override
    Member parse(String text) {
      return Member.parse(text);
    }
  }

  /** inspect: identity and last entry of one dir, or of several ranked most up-to-date first. */
  public static String inspect(List<Path> paths) throws AgentConfig.BadConfig, IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    List<LastEntry> entries = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.isDirectory(p)) {
        throw new AgentConfig.BadConfig("--dir " + p + " is not a directory");
      }
      DataDirReader.Inspection in = DataDirReader.inspect(p);
      out.add(describe(p, in));
      entries.add(in.lastEntry());
    }
    if (out.size() == 1) {
      return Json.write(out.get(0));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> entries.get(i).position()).reversed());
    List<Object> ranked = new ArrayList<>();
    int rank = 1;
    for (int i : order) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", rank++);
      m.putAll(out.get(i));
      ranked.add(m);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("ranking", ranked);
    doc.put("note", "most up-to-date log first (higher last-entry term, then higher index): recover on rank 1 only");
    return Json.write(doc);
  }

  static Map<String, Object> describe(Path dir, DataDirReader.Inspection in) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dir", dir.toString());
    Identity id = null;
    String idProblem = null;
    try {
      id = Identity.read(dir);
    } catch (IOException e) {
      idProblem = e.getMessage();
    }
    m.put("identity", id == null ? null : id.toMap());
    if (idProblem != null) {
      m.put("identityProblem", idProblem);
    }
    boolean running = DataDirLock.isHeld(dir);
    m.put("running", running);
    if (running) {
      m.put("warning", "an agent holds this dir: the files may change while they are read; stop it before recovering");
    }
    if (in.metadata() != null) {
      Map<String, Object> md = new LinkedHashMap<>();
      md.put("term", in.metadata().term());
      md.put("votedFor", Long.toUnsignedString(in.metadata().votedFor()));
      md.put("version", in.metadata().version());
      m.put("metadata", md);
    } else {
      m.put("metadata", null);
    }
    m.put("lastEntry", lastEntryMap(in.lastEntry()));
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("index", in.configurationIndex());
    conf.put("members", members(in.configuration()));
    m.put("configuration", conf);
    List<Object> snaps = new ArrayList<>();
    for (DataDirReader.Snapshot s : in.snapshots()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("name", s.name());
      sm.put("term", s.term());
      sm.put("index", s.index());
      snaps.add(sm);
    }
    m.put("snapshots", snaps);
    List<Object> segs = new ArrayList<>();
    for (DataDirReader.Segment s : in.segments()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("name", s.name());
      sm.put("open", s.open());
      sm.put("first", s.firstIndex());
      sm.put("last", s.lastIndex());
      segs.add(sm);
    }
    m.put("segments", segs);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("commands", in.commands());
    counts.put("barriers", in.barriers());
    counts.put("changes", in.changes());
    m.put("entriesRead", counts);
    return m;
  }

  static Map<String, Object> lastEntryMap(LastEntry e) {
    Map<String, Object> le = new LinkedHashMap<>();
    le.put("term", e.term());
    le.put("index", e.index());
    le.put("source", e.source());
    le.put("problems", e.problems());
    return le;
  }

  static List<Object> members(List<Member> ms) {
    List<Object> l = new ArrayList<>();
    for (Member mem : ms) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("id", Long.toUnsignedString(mem.id()));
      mm.put("address", mem.address());
      mm.put("role", mem.role().label());
      l.add(mm);
    }
    return l;
  }

  /** reconfigure: node_recover_ext on a stopped dir, refused while an agent holds it. */
  public static String reconfigure(Path dir, List<Member> members) throws AgentConfig.BadConfig, Refusal, IOException {
    if (!Files.isDirectory(dir)) {
      throw new AgentConfig.BadConfig("--dir " + dir + " is not a directory");
    }
    if (DataDirLock.isHeld(dir)) {
      throw new Refusal(Agent.EXIT_REFUSED, "data dir " + dir + " is locked by a running agent: stop the node before reconfiguring");
    }
    Identity id = Identity.read(dir);
    if (id != null && members.stream().noneMatch(m -> m.id() == id.id())) {
      throw new Refusal(Agent.EXIT_REFUSED, "this dir belongs to node " + Long.toUnsignedString(id.id())
          + ", which is not in --members: the restarted node would not be part of its own configuration");
    }
    LastEntry before = DataDirReader.lastEntry(dir);
    try {
      Node.reconfigureMembershipExt(dir, members);
    } catch (IllegalStateException e) {
      throw new Refusal(Agent.EXIT_REFUSED, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new AgentConfig.BadConfig(e.getMessage());
    } catch (EngineException e) {
      throw new Refusal(Agent.EXIT_ENGINE, e.getMessage());
    }
    DataDirReader.Inspection after = DataDirReader.inspect(dir);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("dir", dir.toString());
    doc.put("reconfigured", true);
    doc.put("members", members(members));
    doc.put("lastEntryBefore", lastEntryMap(before));
    doc.put("lastEntryAfter", lastEntryMap(after.lastEntry()));
    doc.put("next", "copy this dir to the other survivors (keeping each one's identity.json), then start them all; members left out must rejoin empty");
    return Json.write(doc);
  }

  /** backup: a consistent copy of a stopped dir (the lock is held while copying). */
  public static String backup(Path dir, Path to) throws AgentConfig.BadConfig, Refusal, IOException {
    if (!Files.isDirectory(dir)) {
      throw new AgentConfig.BadConfig("--dir " + dir + " is not a directory");
    }
    if (Files.exists(to)) {
      try (Stream<Path> s = Files.list(to)) {
        if (s.findAny().isPresent()) {
          throw new Refusal(Agent.EXIT_REFUSED, "--to " + to + " is not empty");
        }
      }
    }
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(dir);
    } catch (DataDirLock.HeldException e) {
      throw new Refusal(Agent.EXIT_REFUSED, e.getMessage() + " (backup needs a stopped node)");
    }
    long files = 0;
    long bytes = 0;
    try (DataDirLock held = lock) {
      Files.createDirectories(to);
      List<Path> sources;
      try (Stream<Path> s = Files.list(dir)) {
        sources = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(DataDirLock.FILE)).sorted().toList();
      }
      for (Path p : sources) {
        Path dst = to.resolve(p.getFileName().toString());
        Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        files++;
        bytes += Files.size(dst);
      }
    }
    LastEntry src = DataDirReader.lastEntry(dir);
    LastEntry dst = DataDirReader.lastEntry(to);
    if (!src.position().equals(dst.position())) {
      throw new IOException("backup verification failed: source at " + src.position() + ", copy at " + dst.position());
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("dir", dir.toString());
    doc.put("to", to.toString());
    doc.put("files", files);
    doc.put("bytes", bytes);
    doc.put("lastEntry", lastEntryMap(dst));
    return Json.write(doc);
  }
}
