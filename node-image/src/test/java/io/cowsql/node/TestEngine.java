package io.cowsql.node;

import io.cowsql.node.engine.Engine;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine a test run asks for: system property {@code cowsql.test.engine} ({@code cowsql}, the
 * default, or {@code dqlite}; the {@code dqlite} Maven profile sets it together with {@code
 * cowsql.library}). A test that needs one engine and gets the other fails.
 */
public final class TestEngine {
  public static final String PROPERTY = "cowsql.test.engine";

  private TestEngine() {}

  /** "cowsql" or "dqlite". */
  public static String expected() {
    String v = System.getProperty(PROPERTY, "cowsql").trim();
    if (!v.equals("cowsql") && !v.equals("dqlite")) {
      throw new AssertionError("-D" + PROPERTY + " must be cowsql or dqlite, got '" + v + "'");
    }
    return v;
  }

  public static boolean isCowsql() {
    return expected().equals("cowsql");
  }

  /** The process-wide engine, after checking that it is the one this run asks for. */
  public static Engine require() {
    Engine e = Engine.get();
    if (!e.name().equals(expected())) {
      throw new AssertionError("this test run asks for engine " + expected() + " (-D" + PROPERTY + ") but loaded " + e.describe()
          + ": set -Dcowsql.library / COWSQL_LIBRARY to match, or run the matching Maven profile");
    }
    return e;
  }

  /**
   * The environment that gives an agent process this run's engine: an explicit {@code
   * COWSQL_LIBRARY} from {@code -Dcowsql.library} or this JVM's own environment, else nothing
   * (the agent's default, libcowsql).
   */
  public static Map<String, String> agentEnvironment() {
    Map<String, String> env = new HashMap<>();
    String lib = System.getProperty("cowsql.library");
    if (lib == null || lib.isBlank()) {
      lib = System.getenv("COWSQL_LIBRARY");
    }
    if (lib != null && !lib.isBlank()) {
      env.put("COWSQL_LIBRARY", lib.trim());
    }
    return env;
  }
}
