package io.cowsql.e2e.operator;

import io.cowsql.e2e.chaos.OperatorTestbed;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.UserAnnotations;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rolling update's benchmark (not a test): on one testbed with the operator installed, a cluster of each size
 * given, and for each a rolling restart ({@code kubectl annotate cowsqlcluster/NAME cowsql.io/restart=...}) under a
 * steady write load through the project's client ({@link ClientWriteLoop}, one insert every 20 ms), N times. Prints
 * per run and as the median of the runs: the rollout's total time (annotation to every pod Ready on the new revision),
 * the longest time between two acknowledged writes, failed writes (the client gave up: outcome unknown) and
 * acknowledged writes lost (read back at the end of each run; any makes the exit status 1). The goal the issue sets:
 * longest gap at most 2 s, no failed acknowledged write.
 *
 * <pre>
 * mvn -B -o -pl e2e -am package -DskipTests                     # the operator's jar and the test classes
 * mvn -B -o -pl e2e -am dependency:build-classpath -Dmdep.outputFile=/tmp/e2e.cp -Dmdep.includeScope=test
 * cd e2e &amp;&amp; java -cp "target/test-classes:target/classes:$(cat /tmp/e2e.cp)" \
 *     io.cowsql.e2e.operator.RollingUpdateBenchmark 5 3,5
 * </pre>
 * Arguments: runs per size (default 5), cluster sizes (default 3,5). Run from {@code e2e/} (the node agent's JVM
 * options and the operator's jar are found relative to it, as in the system tests).
 */
public final class RollingUpdateBenchmark {
  private RollingUpdateBenchmark() {}

  /** One rolling restart's figures. */
  record Run(double seconds, long longestGapMillis, int acknowledged, int failed, int lost, List<String> order) {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs a = BenchmarkArgs.parse(args, 5, "rolling-bench");
    int runs = a.runs();
    int lostTotal = 0;
    List<String> table = new ArrayList<>();
    try (OperatorTestbed env = OperatorTestbed.start(a.workDir(), OperatorTestbed.repository())) {
      for (int size : a.sizes()) {
        String ns = "bench-" + size;
        String name = "roll";
        CowsqlClusterApi api = new CowsqlClusterApi(env.testbed(), ns);
        api.createCluster(name, size, spec -> { });
        api.awaitStatus(name, Duration.ofMinutes(6), RollingUpdateSystemTest.settled(size));
        List<Run> results = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
          Run run = rollingRestart(env, api, name, size, "n" + size + "-run" + r);
          results.add(run);
          lostTotal += run.lost();
          System.out.printf("size %d run %d: rollout %.1f s, longest write gap %d ms, %d acknowledged, %d failed,"
              + " %d lost; order %s%n", size, r, run.seconds(), run.longestGapMillis(), run.acknowledged(), run.failed(),
              run.lost(), run.order());
        }
        String line = String.format("rolling restart of %d nodes, median of %d runs: total %.1f s, longest write gap"
            + " %d ms, failed writes %d, lost acknowledged writes %d (per run: %s)", size, runs,
            median(results.stream().mapToDouble(Run::seconds).toArray()),
            (long) median(results.stream().mapToDouble(Run::longestGapMillis).toArray()),
            (long) median(results.stream().mapToDouble(Run::failed).toArray()),
            (long) median(results.stream().mapToDouble(Run::lost).toArray()),
            results.stream().map(x -> String.format("%.1fs/%dms/%df/%dl", x.seconds(), x.longestGapMillis(), x.failed(),
                x.lost())).toList());
        table.add(line);
        System.out.println(line);
        api.clusters().withName(name).delete();
      }
    }
    System.out.println("\n" + String.join("\n", table));
    if (lostTotal > 0) {
      System.out.println(lostTotal + " acknowledged writes lost");
      System.exit(1);
    }
  }

  static Run rollingRestart(OperatorTestbed env, CowsqlClusterApi api, String name, int size, String label)
      throws Exception {
    try (ClientWriteLoop writes = new ClientWriteLoop(env.testbed(), ClientWriteLoop.addresses(api.namespace(), name,
        size), label, Duration.ofMillis(20));
         PodRestartRecorder pods = new PodRestartRecorder(api, name, size)) {
      Thread.sleep(2000);
      long t0 = System.nanoTime();
      api.kubectl("annotate", "-n", api.namespace(), "cowsqlcluster/" + name, UserAnnotations.RESTART + "=" + label,
          "--overwrite");
      api.awaitStatus(name, Duration.ofMinutes(15),
          st -> pods.restartOrder().size() >= size && RollingUpdateSystemTest.settled(size).test(st));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(1000);
      writes.stop();
      return new Run(seconds, writes.longestGap().toMillis(), writes.acknowledged(), writes.failed(),
          writes.missingAcknowledged().size(), pods.restartOrder());
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
