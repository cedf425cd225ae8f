package io.cowsql.node.agent;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A concurrent writer through one agent's key/value API: records what was acknowledged. */
final class KvWriter implements AutoCloseable {
  final AgentProcess target;
  final String prefix;
  final Map<String, String> acked = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final List<Long> ackTimes = new CopyOnWriteArrayList<>();
  private volatile boolean stop;
  private final Thread thread;

  KvWriter(AgentProcess target, String prefix, int maxWrites) {
    this.target = target;
    this.prefix = prefix;
    this.thread = new Thread(() -> {
      for (int i = 0; i < maxWrites && !stop; i++) {
        String k = prefix + "-" + i;
        String v = "value-" + i;
        try {
          HttpResponse<String> r = target.put("/" + k, v);
          if (r.statusCode() == 200) {
            acked.put(k, v);
            ackTimes.add(System.nanoTime());
          } else {
            failures.add(k + ": HTTP " + r.statusCode() + " " + r.body().trim());
          }
        } catch (Exception e) {
          failures.add(k + ": " + e);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "kv-writer-" + prefix);
    thread.setDaemon(true);
  }

  KvWriter start() {
    thread.start();
    return this;
  }

  /** The first acknowledgement at or after {@code nanos}, or -1. */
  long firstAckAfter(long nanos) {
    for (long t : ackTimes) {
      if (t >= nanos) {
        return t;
      }
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(30_000);
  }
}
