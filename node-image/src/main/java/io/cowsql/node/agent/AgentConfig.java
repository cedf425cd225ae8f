package io.cowsql.node.agent;

import io.cowsql.contract.AgentEnvironment;
import io.cowsql.contract.AgentOption;
import io.cowsql.node.engine.SocketDialer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration, parsed with the operator-agent contract ({@link AgentOption}: names,
 * defaults, ranges, one duration grammar): every flag {@code --some-name} has the environment
 * variable {@code COWSQL_SOME_NAME}; a flag wins over the variable. Unknown flags, unknown {@code
 * COWSQL_*} variables and bad values are errors.
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
      return AgentEnvironment.variableFor(name);
    }
  }

  /** The run command's options, as the contract defines them (names, help), in its order. */
  public static final List<Option> RUN_OPTIONS = Arrays.stream(AgentOption.values())
      .map(o -> new Option(o.flag(), o.type() == AgentOption.Type.SWITCH, o.help() + defaultNote(o)))
      .toList();

  private static String defaultNote(AgentOption o) {
    return o.defaultValue() == null || o.type() == AgentOption.Type.SWITCH ? "" : " (default " + o.defaultValue() + ")";
  }

  public Path dir;
  public String address;
  public String bind;
  public List<String> join = List.of();
  public boolean bootstrap;
  public String clusterId;
  public Long failureDomain;
  public Path failureDomainFile;
  public String failureDomainKey = AgentOption.FAILURE_DOMAIN_KEY.defaultValue();
  public Duration failureDomainWait = AgentOption.FAILURE_DOMAIN_WAIT.duration(AgentOption.FAILURE_DOMAIN_WAIT.defaultValue());
  public String bootstrapKey;
  public long weight = AgentOption.WEIGHT.integer(AgentOption.WEIGHT.defaultValue());
  public Duration networkLatency;
  public Integer snapshotThreshold;
  public Integer snapshotTrailing;
  public Boolean autoRecovery;
  public Integer blockSize;
  public int voters = (int) AgentOption.VOTERS.integer(AgentOption.VOTERS.defaultValue());
  public int standbys = (int) AgentOption.STANDBYS.integer(AgentOption.STANDBYS.defaultValue());
  public Duration rolesInterval = AgentOption.ROLES_INTERVAL.duration(AgentOption.ROLES_INTERVAL.defaultValue());
  /** True when libcowsql runs the role policy itself ({@code --role-management engine}). */
  public boolean engineRoleManagement;
  public String http = AgentOption.HTTP.defaultValue();
  public Path resolverFile;
  public String database = AgentOption.DATABASE.defaultValue();
  public Duration shutdownTimeout = AgentOption.SHUTDOWN_TIMEOUT.duration(AgentOption.SHUTDOWN_TIMEOUT.defaultValue());
  public String sqliteThreading = AgentOption.SQLITE_THREADING.defaultValue();

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

  /**
   * The run command's configuration from its flags over the environment. A {@code COWSQL_*}
   * variable that no option defines is an error (a misspelt name must not silently become the
   * default).
   */
  public static AgentConfig fromRun(List<String> args, Map<String, String> env) throws BadConfig {
    List<String> unknown = AgentEnvironment.unknownVariables(env);
    if (!unknown.isEmpty()) {
      throw new BadConfig(AgentEnvironment.unknownVariableMessage(unknown.get(0))
          + (unknown.size() > 1 ? "; also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) : ""));
    }
    Map<String, String> v = parseFlags(RUN_OPTIONS, args, env);
    try {
      return fromValues(v);
    } catch (IllegalArgumentException e) {
      throw new BadConfig(e.getMessage());
    }
  }

  private static AgentConfig fromValues(Map<String, String> v) throws BadConfig {
    AgentConfig c = new AgentConfig();
    c.dir = Path.of(require(v, AgentOption.DIR.flag()));
    c.address = address(require(v, AgentOption.ADDRESS.flag()), AgentOption.ADDRESS.flag());
    String bind = v.get(AgentOption.BIND.flag());
    c.bind = bind != null ? address(bind, AgentOption.BIND.flag()) : c.address;
    String join = v.get(AgentOption.JOIN.flag());
    if (join != null) {
      List<String> j = new ArrayList<>();
      for (String s : join.split(",")) {
        if (!s.isBlank()) {
          j.add(address(s.trim(), AgentOption.JOIN.flag()));
        }
      }
      c.join = List.copyOf(j);
    }
    c.bootstrap = v.containsKey(AgentOption.BOOTSTRAP.flag()) && AgentOption.BOOTSTRAP.bool(v.get(AgentOption.BOOTSTRAP.flag()));
    c.clusterId = v.get(AgentOption.CLUSTER_ID.flag());
    if (v.containsKey(AgentOption.FAILURE_DOMAIN.flag())) {
      c.failureDomain = FailureDomain.code(v.get(AgentOption.FAILURE_DOMAIN.flag()));
    }
    if (v.containsKey(AgentOption.FAILURE_DOMAIN_FILE.flag())) {
      c.failureDomainFile = Path.of(v.get(AgentOption.FAILURE_DOMAIN_FILE.flag()));
    }
    if (v.containsKey(AgentOption.FAILURE_DOMAIN_KEY.flag())) {
      c.failureDomainKey = v.get(AgentOption.FAILURE_DOMAIN_KEY.flag());
    }
    if (v.containsKey(AgentOption.FAILURE_DOMAIN_WAIT.flag())) {
      c.failureDomainWait = AgentOption.FAILURE_DOMAIN_WAIT.duration(v.get(AgentOption.FAILURE_DOMAIN_WAIT.flag()));
    }
    if (v.containsKey(AgentOption.BOOTSTRAP_KEY.flag())) {
      if (c.failureDomainFile == null) {
        throw new BadConfig("--bootstrap-key is read from the --failure-domain-file: set that too");
      }
      c.bootstrapKey = v.get(AgentOption.BOOTSTRAP_KEY.flag());
    }
    if (v.containsKey(AgentOption.WEIGHT.flag())) {
      c.weight = AgentOption.WEIGHT.integer(v.get(AgentOption.WEIGHT.flag()));
    }
    if (v.containsKey(AgentOption.NETWORK_LATENCY.flag())) {
      c.networkLatency = AgentOption.NETWORK_LATENCY.duration(v.get(AgentOption.NETWORK_LATENCY.flag()));
    }
    if (v.containsKey(AgentOption.SNAPSHOT_THRESHOLD.flag()) != v.containsKey(AgentOption.SNAPSHOT_TRAILING.flag())) {
      throw new BadConfig("--snapshot-threshold and --snapshot-trailing go together");
    }
    if (v.containsKey(AgentOption.SNAPSHOT_THRESHOLD.flag())) {
      c.snapshotThreshold = (int) AgentOption.SNAPSHOT_THRESHOLD.integer(v.get(AgentOption.SNAPSHOT_THRESHOLD.flag()));
      c.snapshotTrailing = (int) AgentOption.SNAPSHOT_TRAILING.integer(v.get(AgentOption.SNAPSHOT_TRAILING.flag()));
      if (c.snapshotTrailing < c.snapshotThreshold) {
        throw new BadConfig("--snapshot-trailing must be >= --snapshot-threshold");
      }
    }
    if (v.containsKey(AgentOption.AUTO_RECOVERY.flag())) {
      c.autoRecovery = AgentOption.AUTO_RECOVERY.bool(v.get(AgentOption.AUTO_RECOVERY.flag()));
    }
    if (v.containsKey(AgentOption.BLOCK_SIZE.flag())) {
      c.blockSize = (int) AgentOption.BLOCK_SIZE.integer(v.get(AgentOption.BLOCK_SIZE.flag()));
    }
    if (v.containsKey(AgentOption.VOTERS.flag())) {
      c.voters = (int) AgentOption.VOTERS.integer(v.get(AgentOption.VOTERS.flag()));
    }
    if (v.containsKey(AgentOption.STANDBYS.flag())) {
      c.standbys = (int) AgentOption.STANDBYS.integer(v.get(AgentOption.STANDBYS.flag()));
    }
    if (v.containsKey(AgentOption.ROLES_INTERVAL.flag())) {
      c.rolesInterval = AgentOption.ROLES_INTERVAL.duration(v.get(AgentOption.ROLES_INTERVAL.flag()));
    }
    if (v.containsKey(AgentOption.ROLE_MANAGEMENT.flag())) {
      c.engineRoleManagement = "engine".equals(AgentOption.ROLE_MANAGEMENT.choice(v.get(AgentOption.ROLE_MANAGEMENT.flag())));
    }
    if (v.containsKey(AgentOption.HTTP.flag())) {
      c.http = address(v.get(AgentOption.HTTP.flag()), AgentOption.HTTP.flag());
    }
    if (v.containsKey(AgentOption.RESOLVER_FILE.flag())) {
      c.resolverFile = Path.of(v.get(AgentOption.RESOLVER_FILE.flag()));
    }
    if (v.containsKey(AgentOption.DATABASE.flag())) {
      AgentOption.DATABASE.check(v.get(AgentOption.DATABASE.flag()));
      c.database = v.get(AgentOption.DATABASE.flag());
    }
    if (v.containsKey(AgentOption.SHUTDOWN_TIMEOUT.flag())) {
      c.shutdownTimeout = AgentOption.SHUTDOWN_TIMEOUT.duration(v.get(AgentOption.SHUTDOWN_TIMEOUT.flag()));
    }
    if (v.containsKey(AgentOption.SQLITE_THREADING.flag())) {
      c.sqliteThreading = AgentOption.SQLITE_THREADING.choice(v.get(AgentOption.SQLITE_THREADING.flag()));
    }
    return c;
  }

  static String require(Map<String, String> v, String name) throws BadConfig {
    String s = v.get(name);
    if (s == null || s.isBlank()) {
      throw new BadConfig("missing --" + name + " (or " + AgentEnvironment.variableFor(name) + ")");
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
}
