package io.cowsql.node.agent;

import io.cowsql.node.engine.SocketDialer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's configuration: every flag {@code --some-name} has the environment variable {@code
 * COWSQL_SOME_NAME}; a flag wins over the variable. Unknown flags and bad values are errors.
 */
public final class AgentConfig {

  /** A configuration error: one clear message, exit code 2. */
  public static final class BadConfig extends Exception {
    private static final long serialVersionUID = 1L;

    public BadConfig(String message) {
      super(message);
    }
  }

  /** name, whether it is a boolean switch, description (README and --help use these). */
  public record Option(String name, boolean isSwitch, String help) {
    public String env() {
      return "COWSQL_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  public static final List<Option> RUN_OPTIONS = List.of(
      new Option("dir", false, "data directory (created if missing)"),
      new Option("address", false, "advertised cluster address host:port (a stable DNS name in Kubernetes)"),
      new Option("bind", false, "address the engine listens on (default: the advertised address)"),
      new Option("join", false, "comma-separated cluster addresses to join through"),
      new Option("bootstrap", true, "bootstrap a new cluster if the data dir is empty"),
      new Option("cluster-id", false, "cluster identity recorded in the identity file; a dir of another cluster is refused"),
      new Option("failure-domain", false, "failure domain: a number, or a name (hashed to a number)"),
      new Option("failure-domain-file", false, "file to wait for that holds the failure domain (a number, or key=\"value\" lines as the downward API writes them)"),
      new Option("failure-domain-key", false, "key to read from the failure-domain file (default cowsql.io/failure-domain)"),
      new Option("failure-domain-wait", false, "how long to wait for the failure-domain file, e.g. 60s (default 60s)"),
      new Option("bootstrap-key", false, "key in the failure-domain file whose value \"true\" means --bootstrap (the operator's grant to ordinal 0 of a new cluster)"),
      new Option("weight", false, "node weight (lower is preferred for promotion), default 0"),
      new Option("network-latency", false, "typical one-way latency, e.g. 20ms (election timeout is 15x)"),
      new Option("snapshot-threshold", false, "entries between snapshots"),
      new Option("snapshot-trailing", false, "entries kept after a snapshot (>= 4 and >= threshold)"),
      new Option("auto-recovery", false, "true/false (libcowsql only; false is refused on libdqlite)"),
      new Option("block-size", false, "disk block size in bytes (libcowsql only)"),
      new Option("voters", false, "target number of voters (default 3)"),
      new Option("standbys", false, "target number of standbys (default 3)"),
      new Option("roles-interval", false, "how often the leader runs the role policy (default 3s)"),
      new Option("http", false, "HTTP listen address host:port (default 0.0.0.0:8080)"),
      new Option("resolver-file", false, "file mapping cluster addresses/host names to dialable addresses"),
      new Option("database", false, "database of the key/value API (default demo, as dqlite-demo)"),
      new Option("shutdown-timeout", false, "bound on handover + stop at SIGTERM (default 20s)"),
      new Option("sqlite-threading", false, "single (default for the agent), multi or default"));

  public Path dir;
  public String address;
  public String bind;
  public List<String> join = List.of();
  public boolean bootstrap;
  public String clusterId;
  public Long failureDomain;
  public Path failureDomainFile;
  public String failureDomainKey = "cowsql.io/failure-domain";
  public Duration failureDomainWait = Duration.ofSeconds(60);
  public String bootstrapKey;
  public long weight;
  public Duration networkLatency;
  public Integer snapshotThreshold;
  public Integer snapshotTrailing;
  public Boolean autoRecovery;
  public Integer blockSize;
  public int voters = 3;
  public int standbys = 3;
  public Duration rolesInterval = Duration.ofSeconds(3);
  public String http = "0.0.0.0:8080";
  public Path resolverFile;
  public String database = "demo";
  public Duration shutdownTimeout = Duration.ofSeconds(20);
  public String sqliteThreading = "single";

  /** Parse flags (already stripped of the subcommand) over the environment. */
  public static Map<String, String> parseFlags(List<Option> known, List<String> args, Map<String, String> env) throws BadConfig {
    Map<String, Option> byName = new LinkedHashMap<>();
    for (Option o : known) {
      byName.put(o.name(), o);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Option o : known) {
      String v = env.get(o.env());
      if (v != null && !v.isEmpty()) {
        values.put(o.name(), v);
      }
    }
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new BadConfig("unexpected argument '" + a + "' (flags start with --; see --help)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option o = byName.get(name);
      if (o == null) {
        throw new BadConfig("unknown flag --" + name + " (see --help)");
      }
      if (value == null) {
        if (o.isSwitch()) {
          value = "true";
        } else {
          if (i + 1 >= args.size()) {
            throw new BadConfig("flag --" + name + " needs a value");
          }
          value = args.get(++i);
        }
      }
      values.put(name, value);
    }
    return values;
  }

  public static AgentConfig fromRun(List<String> args, Map<String, String> env) throws BadConfig {
    Map<String, String> v = parseFlags(RUN_OPTIONS, args, env);
    AgentConfig c = new AgentConfig();
    c.dir = Path.of(require(v, "dir"));
    c.address = address(require(v, "address"), "address");
    c.bind = v.containsKey("bind") ? address(v.get("bind"), "bind") : c.address;
    if (v.containsKey("join")) {
      List<String> j = new ArrayList<>();
      for (String s : v.get("join").split(",")) {
        if (!s.isBlank()) {
          j.add(address(s.trim(), "join"));
        }
      }
      c.join = List.copyOf(j);
    }
    c.bootstrap = bool(v, "bootstrap", false);
    c.clusterId = v.get("cluster-id");
    if (v.containsKey("failure-domain")) {
      c.failureDomain = FailureDomain.code(v.get("failure-domain"));
    }
    if (v.containsKey("failure-domain-file")) {
      c.failureDomainFile = Path.of(v.get("failure-domain-file"));
    }
    if (v.containsKey("failure-domain-key")) {
      c.failureDomainKey = v.get("failure-domain-key");
    }
    if (v.containsKey("failure-domain-wait")) {
      c.failureDomainWait = duration(v.get("failure-domain-wait"), "failure-domain-wait");
    }
    if (v.containsKey("bootstrap-key")) {
      if (!v.containsKey("failure-domain-file")) {
        throw new BadConfig("--bootstrap-key is read from the --failure-domain-file: set that too");
      }
      c.bootstrapKey = v.get("bootstrap-key");
    }
    if (v.containsKey("weight")) {
      c.weight = longValue(v.get("weight"), "weight", 0, Long.MAX_VALUE);
    }
    if (v.containsKey("network-latency")) {
      c.networkLatency = duration(v.get("network-latency"), "network-latency");
    }
    if (v.containsKey("snapshot-threshold") != v.containsKey("snapshot-trailing")) {
      throw new BadConfig("--snapshot-threshold and --snapshot-trailing go together");
    }
    if (v.containsKey("snapshot-threshold")) {
      c.snapshotThreshold = (int) longValue(v.get("snapshot-threshold"), "snapshot-threshold", 1, Integer.MAX_VALUE);
      c.snapshotTrailing = (int) longValue(v.get("snapshot-trailing"), "snapshot-trailing", 4, Integer.MAX_VALUE);
      if (c.snapshotTrailing < c.snapshotThreshold) {
        throw new BadConfig("--snapshot-trailing must be >= --snapshot-threshold");
      }
    }
    if (v.containsKey("auto-recovery")) {
      c.autoRecovery = bool(v, "auto-recovery", true);
    }
    if (v.containsKey("block-size")) {
      c.blockSize = (int) longValue(v.get("block-size"), "block-size", 512, 256 * 1024);
    }
    if (v.containsKey("voters")) {
      c.voters = (int) longValue(v.get("voters"), "voters", 1, 99);
    }
    if (v.containsKey("standbys")) {
      c.standbys = (int) longValue(v.get("standbys"), "standbys", 0, 99);
    }
    if (v.containsKey("roles-interval")) {
      c.rolesInterval = duration(v.get("roles-interval"), "roles-interval");
    }
    if (v.containsKey("http")) {
      c.http = address(v.get("http"), "http");
    }
    if (v.containsKey("resolver-file")) {
      c.resolverFile = Path.of(v.get("resolver-file"));
    }
    if (v.containsKey("database")) {
      c.database = v.get("database");
      if (c.database.isBlank()) {
        throw new BadConfig("--database must not be empty");
      }
    }
    if (v.containsKey("shutdown-timeout")) {
      c.shutdownTimeout = duration(v.get("shutdown-timeout"), "shutdown-timeout");
    }
    if (v.containsKey("sqlite-threading")) {
      c.sqliteThreading = v.get("sqlite-threading").toLowerCase(Locale.ROOT);
      if (!List.of("single", "multi", "default").contains(c.sqliteThreading)) {
        throw new BadConfig("--sqlite-threading must be single, multi or default");
      }
    }
    return c;
  }

  static String require(Map<String, String> v, String name) throws BadConfig {
    String s = v.get(name);
    if (s == null || s.isBlank()) {
      throw new BadConfig("missing --" + name + " (or COWSQL_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + ")");
    }
    return s;
  }

  static String address(String s, String flag) throws BadConfig {
    try {
      SocketDialer.parse(s.trim());
      return s.trim();
    } catch (IllegalArgumentException e) {
      throw new BadConfig("--" + flag + ": " + e.getMessage());
    }
  }

  static boolean bool(Map<String, String> v, String name, boolean dflt) throws BadConfig {
    String s = v.get(name);
    if (s == null) {
      return dflt;
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> {
        return true;
      }
      case "false", "0", "no" -> {
        return false;
      }
      default -> throw new BadConfig("--" + name + " must be true or false, got '" + s + "'");
    }
  }

  static long longValue(String s, String name, long min, long max) throws BadConfig {
    long n;
    try {
      n = Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new BadConfig("--" + name + " must be a number, got '" + s + "'");
    }
    if (n < min || n > max) {
      throw new BadConfig("--" + name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  /** 250ms, 3s, 2m, or a bare number of milliseconds. */
  static Duration duration(String s, String name) throws BadConfig {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      }
      return Duration.ofMillis(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new BadConfig("--" + name + " must be a duration such as 500ms or 3s, got '" + s + "'");
    }
  }
}
