package io.cowsql.e2e.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The results of many runs, one {@link ChaosRun.Result} per line (JSON), appended as each run ends: the long
 * runs of several sessions add up in one file, and a session that stops (or is killed) loses at most the run
 * in progress; {@code cowsql-chaos} skips the runs the file already holds (same scenario, seed and engine).
 */
final class RunResults {
    private RunResults() {}

    /** The results in {@code file}, oldest first; none when it does not exist. A torn last line (a killed writer) is skipped. */
    static List<ChaosRun.Result> read(Path file) {
        List<ChaosRun.Result> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(History.JSON.readValue(line, ChaosRun.Result.class));
            } catch (IOException e) {
                if (i == lines.size() - 1) {
                    ChaosRun.log(file + ": last line is torn (a run killed while writing it), skipped");
                } else {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a run result: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** Appends {@code r} to {@code file} as one line (created with its directory if needed). */
    static void append(Path file, ChaosRun.Result r) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, History.JSON.writeValueAsString(r) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What identifies a run across sessions: the same scenario, seed and engine replay the same schedule. */
    static String key(String scenario, long seed, String engine) {
        return scenario + "/" + Long.toUnsignedString(seed) + "/" + engine;
    }
}
