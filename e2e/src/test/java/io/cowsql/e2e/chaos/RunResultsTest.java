package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file adds up runs of several sessions, and its table counts them by scenario and engine (unit tier). */
class RunResultsTest {
    static ChaosRun.Result result(String scenario, String engine, long seed, List<Violation> violations, double seconds) {
        return new ChaosRun.Result(scenario, engine, seed, "seed " + seed + ": []",
            new Verdict(violations, 100, 90, 6, 4, 1200, 300), null, "/tmp/x", seconds);
    }

    @Test
    void resultsAppendedBySeveralWritersReadBackAndAddUpInTheTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/results.jsonl");
        RunResults.append(file, result("split", "libcowsql", 1, List.of(), 20.5));
        RunResults.append(file, result("split", "libcowsql", 2, List.of(new Violation(LostWritesChecker.NAME, "lost 7")), 30));
        // a second session, another engine
        RunResults.append(file, result("split", "libdqlite.so.0", 1, List.of(), 25));
        List<ChaosRun.Result> back = RunResults.read(file);
        assertThat(back).extracting(ChaosRun.Result::seed).containsExactly(1L, 2L, 1L);
        assertThat(back.get(1).verdict().violations()).extracting(Violation::message).containsExactly("lost 7");
        assertThat(back.get(1).passed()).isFalse();
        assertThat(RunResults.key(back.get(2).scenario(), back.get(2).seed(), back.get(2).engine()))
            .isEqualTo("split/1/libdqlite.so.0");

        RunTable table = new RunTable();
        back.forEach(table::add);
        assertThat(table.allPassed()).isFalse();
        List<String> rows = table.render().lines().toList();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(2)).startsWith("| split libcowsql ").matches(".*\\|\\s+2 \\|\\s+1 \\|\\s+0 \\|\\s+200 \\|\\s+180 \\|.*");
        assertThat(rows.get(3)).startsWith("| split libdqlite.so.0 ");
    }

    @Test
    void aTornLastLineIsSkippedAndATornMiddleLineNamesTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.jsonl");
        RunResults.append(file, result("leader-kill", "libcowsql", 5, List.of(), 20));
        Files.writeString(file, "{\"scenario\":\"leader-k", StandardOpenOption.APPEND);
        assertThat(RunResults.read(file)).extracting(ChaosRun.Result::seed).containsExactly(5L);
        Files.writeString(file, "\n", StandardOpenOption.APPEND);
        RunResults.append(file, result("leader-kill", "libcowsql", 6, List.of(), 20));
        assertThatThrownBy(() -> RunResults.read(file)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("line 2");
    }
}
