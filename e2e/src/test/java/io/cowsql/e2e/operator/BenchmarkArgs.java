package io.cowsql.e2e.operator;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The operator benchmarks' command line: runs per cluster size, then the sizes (comma-separated), and the testbed's
 * work directory ({@code -Dcowsql.e2e.workDir}, default {@code target/testbed}) with the benchmark's own subdirectory.
 */
record BenchmarkArgs(int runs, int[] sizes, Path workDir) {
  static BenchmarkArgs parse(String[] args, int defaultRuns, String subdirectory) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : defaultRuns;
    int[] sizes = Arrays.stream((args.length > 1 ? args[1] : "3,5").split(",")).mapToInt(Integer::parseInt).toArray();
    Path work = Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed")).resolve(subdirectory)
        .toAbsolutePath();
    return new BenchmarkArgs(runs, sizes, work);
  }
}
