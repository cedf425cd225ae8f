package io.cowsql.node.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which library the binding loads, and what it says when that library is missing. */
class EngineTest {
  @Test
  void libcowsqlIsTheDefaultAndThereIsNoFallback() {
    assertThat(Engine.candidate(Map.of(), k -> null)).isEqualTo(new Engine.Candidate("libcowsql.so.0", "cowsql_", false));
  }

  @Test
  void anExplicitLibraryIsTheOnlyOneAndItsPrefixFollowsItsName() {
    assertThat(Engine.candidate(Map.of("COWSQL_LIBRARY", "/opt/x/libdqlite.so.0"), k -> null))
        .isEqualTo(new Engine.Candidate("/opt/x/libdqlite.so.0", "dqlite_", true));
    // The system property wins over the environment variable.
    assertThat(Engine.candidate(Map.of("COWSQL_LIBRARY", "libdqlite.so.0"), k -> k.equals("cowsql.library") ? "libcowsql.so.0" : null))
        .isEqualTo(new Engine.Candidate("libcowsql.so.0", "cowsql_", true));
    assertThat(Engine.candidate(Map.of("COWSQL_LIBRARY", "/opt/engine.so", "COWSQL_LIBRARY_PREFIX", "dqlite_"), k -> null).prefix())
        .isEqualTo("dqlite_");
  }

  @Test
  void libdqliteLoadsWhenNamedExplicitly() {
    Engine e = Engine.resolve(Map.of("COWSQL_LIBRARY", "libdqlite.so.0"), k -> null);
    assertThat(e.name()).isEqualTo("dqlite");
    assertThat(e.prefix()).isEqualTo("dqlite_");
    assertThat(e.requested()).isEqualTo("libdqlite.so.0");
    assertThat(e.library()).startsWith("/").contains("libdqlite.so.0");
  }

  @Test
  void aMissingExplicitLibraryIsAnErrorNamingItAndTheSetting() {
    assertThatThrownBy(() -> Engine.resolve(Map.of("COWSQL_LIBRARY", "/nonexistent/libcowsql.so.0"), k -> null))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("/nonexistent/libcowsql.so.0")
        .hasMessageContaining("COWSQL_LIBRARY");
    assertThatThrownBy(() -> Engine.load("libdqlite.so.0", "cowsql_"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("cowsql_node_create");
  }

  @Test
  void aMissingDefaultSaysToInstallLibcowsqlFromBookwormBackportsOrSetTheLibrary() {
    Engine.Candidate absent = new Engine.Candidate("libcowsql-absent.so.0", "cowsql_", false);
    UnsatisfiedLinkError cause = new UnsatisfiedLinkError("libcowsql-absent.so.0: cannot open shared object file");
    assertThat(Engine.notLoaded(absent, cause))
        .hasMessageContaining("libcowsql-absent.so.0")
        .hasMessageContaining("libcowsql0 from Debian bookworm-backports")
        .hasMessageContaining("COWSQL_LIBRARY")
        .hasMessageNotContaining("ppa")
        .hasCause(cause);
  }
}
