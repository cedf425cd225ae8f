package io.cowsql.e2e.operator;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.e2e.chaos.OperatorTestbed;
import io.cowsql.e2e.testbed.HostsFile;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.RecoverySpec;
import io.cowsql.operator.model.RecoveryStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The quorum-loss recovery's benchmark (not a test): on one testbed with the operator installed, a cluster of each
 * size given ({@code spec.recovery.mode: Automatic}, {@code quorumLossTimeout: 20s}), and N times on it: writes until
 * every member has the same last entry, then a majority (the leader among them) lost for good ({@link MajorityLoss}).
 * Prints per run and as median and max of the runs: from the loss to the first acknowledged write after the recovery,
 * and to full size again (every member Ready, the spec's voters, {@code status.recovery} Recovered), and acknowledged
 * writes lost (any makes the exit status 1). Each run after the first recovers a cluster recovered before (epoch 2, 3,
 * ...). The goal the issue sets: writable within quorumLossTimeout + 20 s, full size within another 60 s.
 *
 * <pre>
 * mvn -B -o -pl e2e -am package -DskipTests
 * cd e2e &amp;&amp; java -cp "$(cat target/chaos.classpath)" io.cowsql.e2e.operator.RecoveryBenchmark 10 3,5
 * </pre>
 * Arguments: runs per size (default 10), cluster sizes (default 3,5). Run from {@code e2e/}.
 */
public final class RecoveryBenchmark {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private RecoveryBenchmark() {}

  /** One recovery's figures, seconds from the loss. */
  record Run(double writable, double full, int lost, long epoch) {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs a = BenchmarkArgs.parse(args, 10, "recovery-bench");
    int runs = a.runs();
    int lostTotal = 0;
    List<String> table = new ArrayList<>();
    try (OperatorTestbed env = OperatorTestbed.start(a.workDir(), OperatorTestbed.repository())) {
      for (int size : a.sizes()) {
        String ns = "bench-" + size;
        String name = "rec";
        CowsqlClusterApi api = new CowsqlClusterApi(env.testbed(), ns);
        api.createCluster(name, size, spec -> {
          spec.recovery.mode = RecoverySpec.Mode.Automatic;
          spec.recovery.quorumLossTimeout = TIMEOUT.toSeconds() + "s";
        });
        List<Run> results = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
          Run run = recover(env.testbed(), api, name, size, "n" + size + "-run" + r);
          results.add(run);
          lostTotal += run.lost();
          System.out.printf("size %d run %d: writable after %.1f s, full size after %.1f s, %d acknowledged writes"
              + " lost, epoch %d%n", size, r, run.writable(), run.full(), run.lost(), run.epoch());
        }
        double[] writable = results.stream().mapToDouble(Run::writable).toArray();
        double[] full = results.stream().mapToDouble(Run::full).toArray();
        String line = String.format("recovery of %d of %d nodes lost for good (timeout %d s), %d runs: writable again"
            + " after median %.1f s (max %.1f), full size after median %.1f s (max %.1f), acknowledged writes lost %d",
            size / 2 + 1, size, TIMEOUT.toSeconds(), runs, RollingUpdateBenchmark.median(writable),
            Arrays.stream(writable).max().orElse(0), RollingUpdateBenchmark.median(full),
            Arrays.stream(full).max().orElse(0), results.stream().mapToInt(Run::lost).sum());
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

  static Run recover(Testbed tb, CowsqlClusterApi api, String name, int size, String label) throws Exception {
    CowsqlClusterStatus before = api.awaitStatus(name, Duration.ofMinutes(6), st -> "Running".equals(st.phase)
        && st.leader != null && Integer.valueOf(size).equals(st.readyReplicas) && st.members.size() == size
        && st.members.stream().allMatch(m -> Boolean.TRUE.equals(m.ready))
        && "Reconciled".equals(CowsqlClusterApi.condition(st, "Progressing").getReason()) // roles assigned
        && (st.recovery == null || st.recovery.phase == null || st.recovery.phase == RecoveryStatus.Phase.Recovered));
    long epoch = before.recovery == null ? 0 : before.recovery.epochOrZero();
    List<String> members = before.members.stream().map(m -> m.pod).toList();
    // a majority of the voters, the leader first, then other members up to a majority of the nodes (5: two voters
    // and a standby, or three voters)
    List<String> voters = before.members.stream().filter(m -> "voter".equals(m.role)).map(m -> m.pod).toList();
    List<String> lost = new ArrayList<>(List.of(before.leader));
    voters.stream().filter(p -> !p.equals(before.leader)).limit(voters.size() / 2).forEach(lost::add);
    members.stream().filter(p -> !lost.contains(p)).limit(Math.max(0, size / 2 + 1 - lost.size())).forEach(lost::add);
    ClientWriteLoop writes = new ClientWriteLoop(tb, ClientWriteLoop.addresses(api.namespace(), name, size), label,
        Duration.ofMillis(20));
    Thread.sleep(2000);
    writes.stop();
    MajorityLoss.awaitSameLastEntry(tb, api.namespace(), members, Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    MajorityLoss.freeze(tb, api.namespace(), lost);
    api.awaitStatus(name, Duration.ofSeconds(60), st -> st.recovery != null
        && st.recovery.phase == RecoveryStatus.Phase.Waiting && st.recovery.lost.size() == lost.size());
    MajorityLoss.destroy(tb, api.namespace(), lost);
    double writable = firstWrite(tb, api.namespace(), name, size, t0, Duration.ofMinutes(6));
    api.awaitStatus(name, Duration.ofMinutes(6), st -> st.recovery != null
        && st.recovery.phase == RecoveryStatus.Phase.Recovered && st.recovery.epochOrZero() == epoch + 1
        && Integer.valueOf(size).equals(st.readyReplicas) && st.members.size() == size
        && st.members.stream().allMatch(m -> Boolean.TRUE.equals(m.ready)));
    double full = (System.nanoTime() - t0) / 1e9;
    int missing = writes.missingAcknowledged().size();
    writes.close();
    return new Run(writable, full, missing, epoch + 1);
  }

  /** Seconds from {@code t0} to the first write acknowledged (one attempt every 250 ms, each bounded by 1 s). */
  static double firstWrite(Testbed tb, String namespace, String name, int size, long t0, Duration timeout)
      throws InterruptedException {
    ClientOptions opts = ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(1))
        .withRequestTimeout(Duration.ofSeconds(1)).withRetryTimeout(Duration.ofSeconds(1))
        .withResolver(HostsFile.addressResolver(tb.kubelet().hostsFile()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (CowsqlDatabase db = CowsqlDatabase.open(ClientWriteLoop.addresses(namespace, name, size), "rolling.db",
          opts)) {
        db.exec("CREATE TABLE IF NOT EXISTS recovery_probe (at INTEGER)");
        db.execPrepared("INSERT INTO recovery_probe (at) VALUES (?)", System.currentTimeMillis());
        return (System.nanoTime() - t0) / 1e9;
      } catch (CowsqlException | RuntimeException e) {
        Thread.sleep(250);
      }
    }
    throw new AssertionError("no write acknowledged within " + timeout + " of the loss");
  }
}
