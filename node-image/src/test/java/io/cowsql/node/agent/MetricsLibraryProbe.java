package io.cowsql.node.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Benchmark (not a test): what Micrometer's Prometheus registry would cost the agent's memory,
 * against {@link StatusReport#prometheus}. Each way runs in a JVM of its own with the agent's
 * {@code jvm.options}, builds the agent's metrics (the same families and labels), is scraped 2000
 * times, then after a full GC reports RSS, heap used, metaspace used and loaded classes; 3 JVMs
 * each way, alternating, medians.
 *
 * <p>Run (after {@code mvn -pl node-image -am test-compile}): {@code java -cp <test class path>
 * io.cowsql.node.agent.MetricsLibraryProbe}.
 */
public final class MetricsLibraryProbe {
  static final int SCRAPES = 2000;

  public static void main(String[] args) throws Exception {
    if (args.length == 1) {
      child(args[0]);
      return;
    }
    int runs = Integer.getInteger("bench.rounds", 3);
    List<long[]> own = new ArrayList<>();
    List<long[]> micrometer = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      own.add(runChild("own"));
      micrometer.add(runChild("micrometer"));
    }
    String[] what = {"RSS KiB", "heap used KiB", "metaspace used KiB", "loaded classes"};
    System.out.println("| after " + SCRAPES + " scrapes and a full GC, median of " + runs + " JVMs | StatusReport | Micrometer " + "| difference |");
    System.out.println("|---|---|---|---|");
    for (int i = 0; i < what.length; i++) {
      long a = median(own, i);
      long b = median(micrometer, i);
      System.out.printf("| %s | %d | %d | %+d |%n", what[i], a, b, b - a);
    }
  }

  static long median(List<long[]> runs, int i) {
    long[] v = runs.stream().mapToLong(x -> x[i]).toArray();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  static long[] runChild(String mode) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(AgentProcess.java());
    cmd.addAll(AgentProcess.JVM_FLAGS);
    cmd.addAll(List.of("-cp", AgentProcess.classpath(), MetricsLibraryProbe.class.getName(), mode));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(mode + " probe failed: " + out);
    }
    String last = out.substring(out.lastIndexOf('\n') + 1);
    System.out.println(mode + ": " + last);
    return Arrays.stream(last.split(" ")).mapToLong(Long::parseLong).toArray();
  }

  static void child(String mode) throws Exception {
    StatusReport report = StatusReportTest.leaderReport();
    StatusReport.KvRequests kv = new StatusReport.KvRequests(10, 20, 1, 2);
    long chars = 0;
    if (mode.equals("own")) {
      for (int i = 0; i < SCRAPES; i++) {
        chars += report.prometheus(kv).length();
      }
    } else {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      StatusReport[] now = {report};
      gauge(registry, "cowsql.node.up", now, s -> s.up() ? 1 : 0);
      gauge(registry, "cowsql.node.ready", now, s -> s.ready() ? 1 : 0);
      gauge(registry, "cowsql.node.leader", now, s -> s.leading() ? 1 : 0);
      for (String role : StatusReport.ROLES) {
        Gauge.builder("cowsql.node.role", now, n -> role.equals(n[0].role()) ? 1 : 0).tag("role", role).register(registry);
      }
      gauge(registry, "cowsql.cluster.members", now, s -> s.members().size());
      gauge(registry, "cowsql.cluster.online.members", now, s -> s.online().size());
      FunctionCounter.builder("cowsql.role.changes", now, n -> n[0].roleChanges()).register(registry);
      gauge(registry, "cowsql.failure.domain", now, s -> s.failureDomain());
      Gauge.builder("cowsql.failure.domain.info", now, n -> 1).tag("name", report.failureDomainName()).register(registry);
      Gauge.builder("cowsql.engine.info", now, n -> 1).tag("name", report.engine().name()).tag("version", report.engine().version())
          .tag("library", report.engine().library()).register(registry);
      FunctionCounter.builder("cowsql.kv.requests", kv, k -> k.gets()).tag("method", "GET").register(registry);
      FunctionCounter.builder("cowsql.kv.requests", kv, k -> k.puts()).tag("method", "PUT").register(registry);
      FunctionCounter.builder("cowsql.kv.errors", kv, k -> k.errors()).register(registry);
      FunctionCounter.builder("cowsql.kv.stale", kv, k -> k.stale()).register(registry);
      for (int i = 0; i < SCRAPES; i++) {
        chars += registry.scrape().length();
      }
    }
    System.gc();
    Thread.sleep(2000);
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    long meta = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        meta = pool.getUsage().getUsed() / 1024;
      }
    }
    System.out.println("scraped " + chars + " chars");
    System.out.println(rssKb() + " " + heap + " " + meta + " " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
  }

  static void gauge(PrometheusMeterRegistry registry, String name, StatusReport[] now, ToDoubleFunction<StatusReport> f) {
    Gauge.builder(name, now, n -> f.applyAsDouble(n[0])).register(registry);
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
