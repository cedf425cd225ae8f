package io.cowsql.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code COWSQL_*} environment of a node agent: the variables of its options ({@link
 * AgentOption#env()}) and the few that choose the engine library. Any other {@code COWSQL_*}
 * variable is a mistake (a misspelt key would otherwise silently become the default), and the
 * agent refuses to start on it.
 */
public final class AgentEnvironment {
  /** The prefix of every variable of this contract. */
  public static final String PREFIX = "COWSQL_";

  /** The engine library to load: a path or a library name ({@code libdqlite.so.0}); default libcowsql. */
  public static final String LIBRARY = "COWSQL_LIBRARY";

  /** The symbol prefix of {@link #LIBRARY} when its file name does not tell ({@code cowsql_}, {@code dqlite_}). */
  public static final String LIBRARY_PREFIX = "COWSQL_LIBRARY_PREFIX";

  /** {@code 1}: keep SQLite in multi-thread mode (as go-cowsql's variable of the same meaning). */
  public static final String MULTITHREAD = "COWSQL_MULTITHREAD";

  /** The variables that are not options (they choose the engine library and its threading). */
  public static final Set<String> ENGINE_VARIABLES = Set.of(LIBRARY, LIBRARY_PREFIX, MULTITHREAD);

  private AgentEnvironment() {}

  /** The variable of flag {@code --some-name}: {@code COWSQL_SOME_NAME}. */
  public static String variableFor(String flag) {
    return PREFIX + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** Every {@code COWSQL_*} name this contract defines. */
  public static Set<String> knownVariables() {
    Set<String> known = new TreeSet<>(ENGINE_VARIABLES);
    for (AgentOption o : AgentOption.values()) {
      known.add(o.env());
    }
    return known;
  }

  /** The {@code COWSQL_*} names in {@code env} that this contract does not define, sorted. */
  public static List<String> unknownVariables(Map<String, String> env) {
    Set<String> known = knownVariables();
    List<String> unknown = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith(PREFIX) && !known.contains(name)) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  /**
   * One line for an unknown variable: its name and the known name it most likely meant (by edit
   * distance), or the hint to remove it.
   */
  public static String unknownVariableMessage(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : knownVariables()) {
      int d = editDistance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    String hint = best != null && bestDistance <= 3 ? "did you mean " + best + "?" : "remove it";
    return "unknown environment variable " + name + " (no agent option has it; " + hint
        + " The agent's options and their variables: cowsql-node --help)";
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
