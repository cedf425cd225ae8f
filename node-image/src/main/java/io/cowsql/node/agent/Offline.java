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
import java.util.stream.Stream;

/** The offline subcommands: inspect, reconfigure, backup. Each prints one JSON document. */
public final class Offline {
  private Offline() {}

  static final List<AgentConfig.Option> INSPECT = List.of(new AgentConfig.Option("dir", false, "data dir(s) to inspect (comma-separated or repeated)"));
  static final List<AgentConfig.Option> RECONFIGURE = List.of(
      new AgentConfig.Option("dir", false, "the stopped survivor's data dir"),
      new AgentConfig.Option("members", false, "new configuration: id@host:port:role,... (role voter|standby|spare)"));
  static final List<AgentConfig.Option> BACKUP = List.of(
      new AgentConfig.Option("dir", false, "the stopped node's data dir"),
      new AgentConfig.Option("to", false, "destination directory (must not exist or be empty)"));

  /** inspect: identity and last entry of one dir, or of several ranked most up-to-date first. */
  public static String inspect(List<String> args) throws AgentConfig.BadConfig, IOException {
    List<String> dirs = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--dir") && i + 1 < args.size()) {
        dirs.add(args.get(++i));
      } else if (a.startsWith("--dir=")) {
        dirs.add(a.substring(6));
      } else {
        rest.add(a);
      }
    }
    Map<String, String> v = AgentConfig.parseFlags(INSPECT, rest, Map.of());
    if (v.containsKey("dir")) {
      dirs.add(v.get("dir"));
    }
    List<Path> paths = new ArrayList<>();
    for (String d : dirs) {
      for (String p : d.split(",")) {
        if (!p.isBlank()) {
          paths.add(Path.of(p.trim()));
        }
      }
    }
    if (paths.isEmpty()) {
      throw new AgentConfig.BadConfig("inspect needs --dir");
    }
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
  public static String reconfigure(List<String> args) throws AgentConfig.BadConfig, Refusal, IOException {
    Map<String, String> v = AgentConfig.parseFlags(RECONFIGURE, args, Map.of());
    Path dir = Path.of(AgentConfig.require(v, "dir"));
    String spec = AgentConfig.require(v, "members");
    List<Member> members = new ArrayList<>();
    try {
      for (String s : spec.split(",")) {
        if (!s.isBlank()) {
          members.add(Member.parse(s));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new AgentConfig.BadConfig("--members: " + e.getMessage());
    }
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
  public static String backup(List<String> args) throws AgentConfig.BadConfig, Refusal, IOException {
    Map<String, String> v = AgentConfig.parseFlags(BACKUP, args, Map.of());
    Path dir = Path.of(AgentConfig.require(v, "dir"));
    Path to = Path.of(AgentConfig.require(v, "to"));
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
