package io.cowsql.node.agent;

import io.cowsql.client.HostPort;
import io.cowsql.contract.AgentEnvironment;
import io.cowsql.contract.AgentOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The agent's configuration, parsed with the operator-agent contract ({@link AgentOption}: names,
 * defaults, ranges, one duration grammar). The {@code run} command's picocli options are built
 * from the contract, one per {@link AgentOption}: a flag {@code --some-name} defaults to the
 * environment variable {@code COWSQL_SOME_NAME}, then to the contract's default (a flag wins over
 * the variable). Unknown flags, unknown {@code COWSQL_*} variables and bad values are {@link
 * ParameterException}s: exit code 2.
 */
public final class AgentConfig {

  /** A configuration error found once the agent runs (in the annotations file, say): exit code 2. */
  public static final class BadConfig extends Exception {
    private static final long serialVersionUID = 1L;

    public BadConfig(String message) {
      super(message);
    }
  }

  /** The {@code -h, --help} option of the node agent's commands. */
  public static final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;
  }

  /** What the run command does with its parsed configuration: returns the exit code. */
  @FunctionalInterface
  public interface Action {
    int run(AgentConfig config) throws Exception;
  }

  public Path dir;
  public String address;
  public String bind;
  public List<String> join;
  public boolean bootstrap;
  public String clusterId;
  public Long failureDomain;
  public Path failureDomainFile;
  public String failureDomainKey;
  public Duration failureDomainWait;
  public String bootstrapKey;
  public long weight;
  public Duration networkLatency;
  public Integer snapshotThreshold;
  public Integer snapshotTrailing;
  public Boolean autoRecovery;
  public Integer blockSize;
  public int voters;
  public int standbys;
  public Duration rolesInterval;
  /** True when libcowsql runs the role policy itself ({@code --role-management engine}). */
  public boolean engineRoleManagement;
  public String http;
  public Path resolverFile;
  public String database;
  public Duration shutdownTimeout;
  public String sqliteThreading;

  private AgentConfig() {}

  /**
   * The {@code run} command: an option per {@link AgentOption} (its type check as the converter,
   * its variable in {@code env} as the default, then the contract's default), and {@code -h,
   * --help}. Once parsed, {@code action} gets the configuration.
   */
  public static CommandSpec runCommand(Map<String, String> env, Action action) {
    RunCommand command = new RunCommand(env, action);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name("run");
    command.spec = spec;
    spec.usageMessage()
        .description("Run a node: host the cowsql engine, manage roles, serve the key/value HTTP API.")
        .footerHeading("%n")
        .footer("Each option also comes from its environment variable (Env); a flag wins. A COWSQL_* variable"
            + " that no option has is an error. The engine library: COWSQL_LIBRARY or -Dcowsql.library (a name"
            + " such as libdqlite.so.0, or a path); default libcowsql.so.0, no fallback.")
        .width(120);
    spec.addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
    for (AgentOption o : AgentOption.values()) {
      spec.addOption(option(o));
    }
    spec.defaultValueProvider(arg -> {
      if (!(arg instanceof OptionSpec os) || os.usageHelp()) {
        return null;
      }
      String v = env.get(AgentOption.byFlag(os.longestName().substring(2)).env());
      return v == null || v.isEmpty() ? null : v;
    });
    return spec;
  }

  /** The run command's configuration from {@code args} over {@code env}, without running anything. */
  static AgentConfig fromRun(List<String> args, Map<String, String> env) {
    CommandSpec spec = runCommand(env, c -> 0);
    new CommandLine(spec).parseArgs(args.toArray(String[]::new));
    return from(spec, env);
  }

  private static final class RunCommand implements Callable<Integer> {
    private final Map<String, String> env;
    private final Action action;
    private CommandSpec spec;

    RunCommand(Map<String, String> env, Action action) {
      this.env = env;
      this.action = action;
    }

    @Override
    public Integer call() throws Exception {
      return action.run(from(spec, env));
    }
  }

  private static OptionSpec option(AgentOption o) {
    List<String> description = new ArrayList<>();
    description.add(o.help());
    description.add("Env: " + o.env() + (o.defaultValue() == null || o.type() == AgentOption.Type.SWITCH
        ? "" : "; default: " + o.defaultValue()));
    OptionSpec.Builder b = OptionSpec.builder("--" + o.flag())
        .description(description.toArray(String[]::new))
        .defaultValue(o.defaultValue())
        .arity("1");
    if (o.type() == AgentOption.Type.SWITCH) {
      // --bootstrap alone is true; --bootstrap=false and the variable's true/false also work.
      return b.arity("0..1").fallbackValue("true").paramLabel("true|false")
          .type(Boolean.class).converters(checked(o::bool)).build();
    }
    return switch (o.type()) {
      case PATH -> b.paramLabel("PATH").type(Path.class).converters(checked(Path::of)).build();
      case ADDRESS -> b.paramLabel("HOST:PORT").type(String.class).converters(checked(s -> address(s, o))).build();
      case ADDRESS_LIST -> b.paramLabel("HOST:PORT").type(List.class).auxiliaryTypes(String.class).splitRegex(",")
          .converters(checked(s -> address(s, o))).build();
      case INTEGER -> b.paramLabel("N").type(Long.class).converters(checked(o::integer)).build();
      case DURATION -> b.paramLabel("DURATION").type(Duration.class).converters(checked(o::duration)).build();
      case BOOLEAN -> b.paramLabel("true|false").type(Boolean.class).converters(checked(o::bool)).build();
      case CHOICE -> b.paramLabel(String.join("|", o.choices())).type(String.class).converters(checked(o::choice)).build();
      case TEXT -> o == AgentOption.FAILURE_DOMAIN
          ? b.paramLabel("DOMAIN").type(Long.class).converters(checked(FailureDomain::code)).build()
          : b.paramLabel("TEXT").type(String.class).converters(checked(s -> {
            o.check(s);
            return s;
          })).build();
      case SWITCH -> throw new AssertionError(o);
    };
  }

  /** A conversion that may throw. */
  @FunctionalInterface
  private interface Conversion<T> {
    T convert(String text) throws Exception;
  }

  /** The contract's check as a picocli converter: its message says what is expected. */
  private static <T> ITypeConverter<T> checked(Conversion<T> conversion) {
    return text -> {
      try {
        return conversion.convert(text);
      } catch (IllegalArgumentException | BadConfig e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  static String address(String s, AgentOption o) {
    try {
      HostPort.parse(s.trim());
      return s.trim();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + o.flag() + ": " + e.getMessage());
    }
  }

  /**
   * The configuration of a parsed run command: a {@code COWSQL_*} variable that no option
   * defines is an error (a misspelt name must not silently become the default), and so are the
   * options that need one another.
   */
  static AgentConfig from(CommandSpec spec, Map<String, String> env) {
    List<String> unknown = AgentEnvironment.unknownVariables(env);
    if (!unknown.isEmpty()) {
      throw new ParameterException(spec.commandLine(), AgentEnvironment.unknownVariableMessage(unknown.get(0))
          + (unknown.size() > 1 ? "; also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) : ""));
    }
    AgentConfig c = new AgentConfig();
    c.dir = required(spec, AgentOption.DIR);
    c.address = required(spec, AgentOption.ADDRESS);
    String bind = value(spec, AgentOption.BIND);
    c.bind = bind != null ? bind : c.address;
    List<String> join = value(spec, AgentOption.JOIN);
    c.join = join == null ? List.of() : join;
    c.bootstrap = Boolean.TRUE.equals(value(spec, AgentOption.BOOTSTRAP));
    c.clusterId = value(spec, AgentOption.CLUSTER_ID);
    c.failureDomain = value(spec, AgentOption.FAILURE_DOMAIN);
    c.failureDomainFile = value(spec, AgentOption.FAILURE_DOMAIN_FILE);
    c.failureDomainKey = value(spec, AgentOption.FAILURE_DOMAIN_KEY);
    c.failureDomainWait = value(spec, AgentOption.FAILURE_DOMAIN_WAIT);
    c.bootstrapKey = value(spec, AgentOption.BOOTSTRAP_KEY);
    if (c.bootstrapKey != null && c.failureDomainFile == null) {
      throw new ParameterException(spec.commandLine(),
          "--bootstrap-key is read from the --failure-domain-file: set that too");
    }
    c.weight = AgentConfig.<Long>value(spec, AgentOption.WEIGHT);
    c.networkLatency = value(spec, AgentOption.NETWORK_LATENCY);
    Long threshold = value(spec, AgentOption.SNAPSHOT_THRESHOLD);
    Long trailing = value(spec, AgentOption.SNAPSHOT_TRAILING);
    if ((threshold == null) != (trailing == null)) {
      throw new ParameterException(spec.commandLine(), "--snapshot-threshold and --snapshot-trailing go together");
    }
    if (threshold != null) {
      if (trailing < threshold) {
        throw new ParameterException(spec.commandLine(), "--snapshot-trailing must be >= --snapshot-threshold");
      }
      c.snapshotThreshold = threshold.intValue();
      c.snapshotTrailing = trailing.intValue();
    }
    c.autoRecovery = value(spec, AgentOption.AUTO_RECOVERY);
    Long blockSize = value(spec, AgentOption.BLOCK_SIZE);
    c.blockSize = blockSize == null ? null : blockSize.intValue();
    c.voters = AgentConfig.<Long>value(spec, AgentOption.VOTERS).intValue();
    c.standbys = AgentConfig.<Long>value(spec, AgentOption.STANDBYS).intValue();
    c.rolesInterval = value(spec, AgentOption.ROLES_INTERVAL);
    c.engineRoleManagement = "engine".equals(value(spec, AgentOption.ROLE_MANAGEMENT));
    c.http = value(spec, AgentOption.HTTP);
    c.resolverFile = value(spec, AgentOption.RESOLVER_FILE);
    c.database = value(spec, AgentOption.DATABASE);
    c.shutdownTimeout = value(spec, AgentOption.SHUTDOWN_TIMEOUT);
    c.sqliteThreading = value(spec, AgentOption.SQLITE_THREADING);
    return c;
  }

  /** The option's converted value: from the command line, its variable or its default; null when none. */
  private static <T> T value(CommandSpec spec, AgentOption o) {
    return spec.findOption("--" + o.flag()).getValue();
  }

  private static <T> T required(CommandSpec spec, AgentOption o) {
    T v = value(spec, o);
    if (v == null || v.toString().isBlank()) {
      throw new ParameterException(spec.commandLine(), "missing --" + o.flag() + " (or " + o.env() + ")");
    }
    return v;
  }
}
