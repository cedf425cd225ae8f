package io.cowsql.node.engine;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A loaded engine library: libcowsql ({@code cowsql_} symbols) or libdqlite ({@code dqlite_}
 * symbols). One JNA interface drives both; functions only libcowsql has are probed by symbol.
 *
 * <p>Which library {@link #get()} loads: the one named by system property {@code cowsql.library},
 * else by environment variable {@code COWSQL_LIBRARY} (a path or a library name, e.g. {@code
 * libdqlite.so.0}); when neither is set, {@code libcowsql.so.0}. There is no fallback: when the
 * library asked for does not load, that is an error. The prefix of an explicit library is derived
 * from its file name ({@code dqlite} in it gives {@code dqlite_}, else {@code cowsql_}), or given by
 * {@code cowsql.library.prefix} / {@code COWSQL_LIBRARY_PREFIX}.
 *
 * <p>Libraries are opened with local symbols and deep binding ({@code RTLD_NOW | RTLD_LOCAL |
 * RTLD_DEEPBIND}): libcowsql's raft ({@code libraft.so.0}) and libdqlite's ({@code libraft.so.2})
 * export the same unversioned {@code raft_*} names, and with JNA's default global symbols a node
 * of one engine binds the other's raft and crashes the process. Deep binding also keeps an engine
 * on its own raft when the other one was already loaded globally by someone else.
 *
 * <p>SQLite threading: before the first node is created, the process may switch
 * SQLite to single-thread mode (one node per process, as go-cowsql does) or multi-thread mode.
 * Chosen by system property {@code cowsql.sqlite.threading} or environment variable {@code
 * COWSQL_SQLITE_THREADING} ({@code single}, {@code multi}, {@code default}); {@code
 * COWSQL_MULTITHREAD=1} forces multi. The default leaves SQLite's compiled-in mode (serialized),
 * which is safe for several nodes in one JVM.
 */
public final class Engine {
  private static final Logger LOG = Logger.getLogger(Engine.class.getName());

  /** The engine loaded when no library is named explicitly. */
  public static final String DEFAULT_LIBRARY = "libcowsql.so.0";

  /** dlopen flags: RTLD_NOW (2) | RTLD_LOCAL (0) | RTLD_DEEPBIND (8); see the class comment. */
  static final int OPEN_FLAGS = 2 | 8;

  /** SQLite threading modes for {@code sqlite3_config}. */
  public enum SqliteThreading {
    /** Leave SQLite's compiled-in mode. */
    DEFAULT(0),
    SINGLE(1),
    MULTI(2);

    final int configOp;

    SqliteThreading(int configOp) {
      this.configOp = configOp;
    }
  }

  private static Engine defaultEngine;

  private final String library;
  private final String file;
  private final String debianPackage;
  private final String prefix;
  private final EngineLibrary lib;
  private final NativeLibrary nativeLibrary;
  private final Map<Capability, Function> optional;
  private final int versionNumber;
  private final SqliteThreading threading;

  private Engine(
      String library,
      String prefix,
      EngineLibrary lib,
      NativeLibrary nativeLibrary,
      Map<Capability, Function> optional,
      SqliteThreading threading) {
    this.library = library;
    this.prefix = prefix;
    Path loaded = LoadedFile.of(nativeLibrary.getFunction(prefix + "node_create"));
    this.file = loaded != null ? loaded.toString() : library;
    this.debianPackage = loaded != null ? LoadedFile.debianPackage(loaded) : null;
    this.lib = lib;
    this.nativeLibrary = nativeLibrary;
    this.optional = optional;
    this.versionNumber = lib.version_number();
    this.threading = threading;
  }

  /** The process-wide engine, resolved once (see the class comment). */
  public static synchronized Engine get() {
    if (defaultEngine == null) {
      defaultEngine = resolve(System.getenv(), System::getProperty);
    }
    return defaultEngine;
  }

  /** The library to load: name or path, its symbol prefix, and whether it was named explicitly. */
  public record Candidate(String library, String prefix, boolean explicit) {}

  /** The library {@link #get()} loads, from the given environment and system properties. */
  public static Candidate candidate(
      Map<String, String> env, java.util.function.Function<String, String> props) {
    String explicit = props.apply("cowsql.library");
    if (explicit == null || explicit.isBlank()) {
      explicit = env.get("COWSQL_LIBRARY");
    }
    if (explicit == null || explicit.isBlank()) {
      return new Candidate(DEFAULT_LIBRARY, "cowsql_", false);
    }
    String prefix = props.apply("cowsql.library.prefix");
    if (prefix == null || prefix.isBlank()) {
      prefix = env.get("COWSQL_LIBRARY_PREFIX");
    }
    if (prefix == null || prefix.isBlank()) {
      prefix = prefixFor(explicit);
    }
    return new Candidate(explicit.trim(), prefix.trim(), true);
  }

  /** {@code dqlite_} when the library's file name mentions dqlite, else {@code cowsql_}. */
  static String prefixFor(String library) {
    Path p = Path.of(library).getFileName();
    String name = p == null ? library : p.toString().toLowerCase(Locale.ROOT);
    return name.contains("dqlite") ? "dqlite_" : "cowsql_";
  }

  /** Resolve with the given environment and system properties. */
  public static Engine resolve(
      Map<String, String> env, java.util.function.Function<String, String> props) {
    SqliteThreading threading = threadingFrom(env, props);
    Candidate c = candidate(env, props);
    try {
      return load(c.library(), c.prefix(), threading);
    } catch (UnsatisfiedLinkError | EngineException e) {
      throw notLoaded(c, e);
    }
  }

  /** The error for a library that did not load: what was asked for, why, and the fix. */
  static EngineException notLoaded(Candidate c, Throwable cause) {
    String why = firstLine(cause.getMessage());
    if (c.explicit()) {
      return new EngineException(-1,
          "cannot load the engine library " + c.library() + " named by COWSQL_LIBRARY (or -Dcowsql.library): " + why
              + ". Set COWSQL_LIBRARY to an installed engine library: libcowsql.so.0 (package libcowsql0) or libdqlite.so.0"
              + " (package libdqlite0), or a path to one.",
          cause);
    }
    return new EngineException(-1,
        "cannot load the cowsql engine " + c.library() + ": " + why
            + ". Install libcowsql0 from Debian bookworm-backports (apt-get install -t bookworm-backports libcowsql0),"
            + " or set COWSQL_LIBRARY (or -Dcowsql.library) to another engine library, e.g. libdqlite.so.0.",
        cause);
  }

  static SqliteThreading threadingFrom(
      Map<String, String> env, java.util.function.Function<String, String> props) {
    if ("1".equals(env.get("COWSQL_MULTITHREAD")) || "1".equals(env.get("GO_COWSQL_MULTITHREAD"))) {
      return SqliteThreading.MULTI;
    }
    String v = props.apply("cowsql.sqlite.threading");
    if (v == null || v.isBlank()) {
      v = env.get("COWSQL_SQLITE_THREADING");
    }
    if (v == null || v.isBlank()) {
      return SqliteThreading.DEFAULT;
    }
    try {
      return SqliteThreading.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new EngineException("bad SQLite threading mode '" + v + "': use single, multi or default");
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Load one library with the given prefix, leaving SQLite's threading mode alone. */
  public static Engine load(String library, String prefix) {
    return load(library, prefix, SqliteThreading.DEFAULT);
  }

  /** Load one library with the given prefix and SQLite threading mode. */
  public static Engine load(String library, String prefix, SqliteThreading threading) {
    // The same open flags on every handle of this library: a second dlopen with RTLD_GLOBAL would
    // make its symbols global after all.
    Map<String, Object> options = Map.of(
        Library.OPTION_OPEN_FLAGS, OPEN_FLAGS,
        Library.OPTION_FUNCTION_MAPPER, (com.sun.jna.FunctionMapper) (l, m) -> prefix + m.getName());
    NativeLibrary nl = NativeLibrary.getInstance(library, options);
    // Fail here, with the symbol's name, if the prefix does not match the library.
    try {
      nl.getFunction(prefix + "node_create");
    } catch (UnsatisfiedLinkError e) {
      throw new EngineException(
          "library " + library + " has no symbol " + prefix + "node_create (wrong prefix?)");
    }
    EngineLibrary lib = Native.load(library, EngineLibrary.class, options);
    Map<Capability, Function> optional = new EnumMap<>(Capability.class);
    for (Capability cap : Capability.values()) {
      try {
        optional.put(cap, nl.getFunction(prefix + cap.symbol()));
      } catch (UnsatisfiedLinkError absent) {
        // Not in this engine: the capability is absent.
      }
    }
    if (threading != SqliteThreading.DEFAULT) {
      configureSqlite(nl, threading);
    }
    Engine engine = new Engine(library, prefix, lib, nl, Collections.unmodifiableMap(optional), threading);
    LOG.info(() -> "engine loaded: " + engine.describe());
    return engine;
  }

  private static void configureSqlite(NativeLibrary nl, SqliteThreading threading) {
    Function config;
    try {
      config = nl.getFunction("sqlite3_config");
    } catch (UnsatisfiedLinkError e) {
      throw new EngineException("sqlite3_config not found next to the engine library");
    }
    int rc = config.invokeInt(new Object[] {threading.configOp});
    if (rc != 0) {
      // 21 = SQLITE_MISUSE: SQLite was already initialised in this process.
      throw new EngineException(
          rc,
          "cannot switch SQLite to "
              + threading.name().toLowerCase(Locale.ROOT)
              + "-thread mode (sqlite3_config returned "
              + rc
              + "): SQLite was already used in this process");
    }
  }

  /** The raw binding; use {@link io.cowsql.node.Node} instead. */
  public EngineLibrary lib() {
    return lib;
  }

  /** An optional function, or null when the engine does not have it. */
  public Function optional(Capability cap) {
    return optional.get(cap);
  }

  public boolean has(Capability cap) {
    return optional.containsKey(cap);
  }

  public Set<Capability> capabilities() {
    return optional.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(Capability.class)) : Collections.unmodifiableSet(EnumSet.copyOf(optional.keySet()));
  }

  /** "cowsql" or "dqlite", from the symbol prefix. */
  public String name() {
    return prefix.endsWith("_") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  /** The library as asked for (a name like {@code libcowsql.so.0}, or a path). */
  public String requested() {
    return library;
  }

  /** The file actually loaded, symbolic links resolved (the name asked for where unknown). */
  public String library() {
    return file;
  }

  /** The Debian package that installed {@link #library()} and its version, or null when unknown. */
  public String debianPackage() {
    return debianPackage;
  }

  public String prefix() {
    return prefix;
  }

  /**
   * The engine's {@code version_number()}, e.g. 11506 for 1.15.6. libcowsql 1.15.8 and 1.15.9
   * report 11506 too (their header was never bumped): {@link #debianPackage()} tells them apart.
   */
  public int versionNumber() {
    return versionNumber;
  }

  /** major.minor.release from {@link #versionNumber()}. */
  public String version() {
    return (versionNumber / 10000) + "." + (versionNumber / 100 % 100) + "." + (versionNumber % 100);
  }

  public SqliteThreading sqliteThreading() {
    return threading;
  }

  /** One line: name, version, library and capabilities. */
  public String describe() {
    return name() + " " + version() + " (" + file + (debianPackage == null ? "" : ", package " + debianPackage)
        + ", capabilities " + capabilities() + ", sqlite threading " + threading.name().toLowerCase(Locale.ROOT) + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
