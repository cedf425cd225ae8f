package io.cowsql.e2e.operator;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.e2e.testbed.HostsFile;
import io.cowsql.e2e.testbed.Testbed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady write load through the project's client ({@link CowsqlDatabase}, which finds the leader and retries as its
 * README documents), from this JVM to a cluster's members by the names the cluster knows them by: one insert of a new
 * key every {@code pace}, one at a time. It counts what was acknowledged (the insert returned) and what failed (it
 * threw: the outcome is unknown, so such a key is never counted as written), and the longest time between two
 * acknowledgements, the write gap a client saw. {@link #missingAcknowledged()} reads every acknowledged key back.
 */
final class ClientWriteLoop implements AutoCloseable {
  private static final String TABLE = "acknowledged_writes";

  private final CowsqlDatabase db;
  private final String run;
  private final Duration pace;
  private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong lastAckNanos = new AtomicLong();
  private final AtomicLong longestGapNanos = new AtomicLong();
  private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long stoppedNanos;

  /**
   * @param addresses the members' cluster addresses ({@code pod.NAME-peers.NS.svc.cluster.local:9000})
   * @param run       a name for this loop's rows, so several loops can share a database
   */
  ClientWriteLoop(Testbed tb, List<String> addresses, String run, Duration pace) throws CowsqlException {
    ClientOptions opts = ClientOptions.defaults()
        .withConnectTimeout(Duration.ofSeconds(2))
        .withRequestTimeout(Duration.ofSeconds(10))
        .withRetryTimeout(Duration.ofSeconds(30))
        .withResolver(HostsFile.addressResolver(tb.kubelet().hostsFile()));
    this.db = CowsqlDatabase.open(addresses, "rolling.db", opts);
    this.run = run;
    this.pace = pace;
    db.exec("CREATE TABLE IF NOT EXISTS " + TABLE + " (run TEXT NOT NULL, k INTEGER NOT NULL, PRIMARY KEY (run, k))");
    lastAckNanos.set(System.nanoTime());
    thread = new Thread(this::write, "client-write-loop-" + run);
    thread.setDaemon(true);
    thread.start();
  }

  /** The addresses of members 0..n-1 of cluster {@code name} in {@code namespace}, as the cluster knows them. */
  static List<String> addresses(String namespace, String name, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(name + "-" + i + "." + name + "-peers." + namespace + ".svc.cluster.local:9000");
    }
    return out;
  }

  private void write() {
    for (long k = 0; running; k++) {
      try {
        // INSERT OR REPLACE: a retry of an insert that had committed writes the same row again, not an error
        db.execPrepared("INSERT OR REPLACE INTO " + TABLE + " (run, k) VALUES (?, ?)", run, k);
        long now = System.nanoTime();
        long gap = now - lastAckNanos.getAndSet(now);
        longestGapNanos.accumulateAndGet(gap, Math::max);
        acknowledged.add(k);
      } catch (CowsqlException | RuntimeException e) {
        failed.incrementAndGet();
        if (failures.size() < 20) {
          failures.add("key " + k + ": " + e);
        }
      }
      try {
        Thread.sleep(pace.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  int acknowledged() {
    return acknowledged.size();
  }

  int failed() {
    return failed.get();
  }

  /** The first failures (at most 20), for a message. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /** The longest time between two acknowledged writes so far (or since the start, or until now). */
  Duration longestGap() {
    long sinceLast = (running ? System.nanoTime() : stoppedNanos) - lastAckNanos.get();
    return Duration.ofNanos(Math.max(longestGapNanos.get(), sinceLast));
  }

  /** Stops writing (the write under way completes). */
  void stop() throws InterruptedException {
    if (running) {
      running = false;
      thread.join(60_000);
      stoppedNanos = System.nanoTime();
    }
  }

  /** The acknowledged keys the cluster does not have (read through the leader). */
  Set<Long> missingAcknowledged() throws CowsqlException {
    Set<Long> present = new TreeSet<>();
    for (Object[] row : db.queryAll("SELECT k FROM " + TABLE + " WHERE run = ?", run)) {
      present.add(((Number) row[0]).longValue());
    }
    Set<Long> missing = new TreeSet<>(acknowledged);
    missing.removeAll(present);
    return missing;
  }

  String summary() {
    return String.format("%d writes acknowledged, %d failed, longest write gap %d ms", acknowledged(), failed(),
        longestGap().toMillis());
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    db.close();
  }
}
