package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.Role;
import io.cowsql.node.TestEngine;
import io.cowsql.node.TestPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark (not a test): the cowsql-demo key/value workload (PUT, then GET, of small values with
 * 1 and 16 concurrent HTTP clients) against 3 node agents and, in the same run, 3 nodes of the Go
 * baseline on the same engine: go-cowsql's {@code cowsql-demo} on libcowsql (the default), or,
 * with {@code -Dcowsql.test.engine=dqlite -Dcowsql.library=libdqlite.so.0}, go-dqlite's {@code
 * dqlite-demo} on libdqlite with the agents on libdqlite too. Throughput, p50/p99 latency, and the
 * resident memory of one agent vs one baseline node. Medians over rounds. Before measuring it
 * checks that both sides loaded the engine asked for (the agents through {@code /status}, the Go
 * processes through their memory maps) and fails otherwise.
 *
 * <p>Run: {@code mvn -B -ntp -pl node-image -am -Pbench test -DskipTests}. System properties:
 * bench.seconds (per cell, default 8), bench.rounds (default 5), bench.valueBytes (default 16).
 */
public final class KvBench {
  /** The image's options file unless -Dbench.agentJvm names other flags (space separated). */
  static final List<String> AGENT_JVM = System.getProperty("bench.agentJvm", "").isBlank() ? AgentProcess.JVM_FLAGS
      : List.of(System.getProperty("bench.agentJvm").trim().split("\\s+"));
  static final String MALLOC_ARENA_MAX = System.getProperty("bench.mallocArenaMax", "2");
  static final int[] CONCURRENCY = java.util.Arrays.stream(System.getProperty("bench.concurrency", "1,16").split(",")).mapToInt(Integer::parseInt).toArray();
  /** Seconds between the end of a load and the reading of RSS, the same for both sides. */
  static final int SETTLE_SECONDS = Integer.getInteger("bench.settleSeconds", 5);
  static final Map<String, AtomicLong> ACKED = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per cluster and round: the keys its PUT cell got acknowledged (any client), which its GET cell then reads. */
  static final Map<String, List<String>> WRITTEN = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per cluster and cell ("cowsql-demo PUT 16"): how often each failure (response body or exception) happened, over all rounds. */
  static final Map<String, Map<String, AtomicLong>> FAILURES = new java.util.concurrent.ConcurrentHashMap<>();

  /** The Go program of an engine's own bindings, and the file name its engine library starts with. */
  record Baseline(String program, String engineLibrary, String otherEngineLibrary) {
    static Baseline forEngine(String engine) {
      return engine.equals("cowsql") ? new Baseline("cowsql-demo", "libcowsql.so", "libdqlite.so") : new Baseline("dqlite-demo", "libdqlite.so", "libcowsql.so");
    }
  }

  static final Baseline BASELINE = Baseline.forEngine(TestEngine.expected());

  interface Cluster extends AutoCloseable {
    String name();

    List<String> apis();

    List<Long> pids();

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 8);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int valueBytes = Integer.getInteger("bench.valueBytes", 16);
    Path root = Files.createTempDirectory("cowsql-kvbench");
    List<Process> all = new ArrayList<>();
    try {
      Cluster agents = startAgents(root.resolve("agents"), all);
      Cluster demo = startDemo(root.resolve("demo"), all);
      java.util.Set<String> agentFiles = new java.util.TreeSet<>();
      java.util.Set<String> demoFiles = new java.util.TreeSet<>();
      String engines = "Engines: agents " + agentEngines(agents, agentFiles) + "; " + demo.name() + " " + demoEngines(demo, demoFiles) + ".";
      if (!agentFiles.equals(demoFiles)) {
        throw new IllegalStateException("the two sides loaded different engine files: agents " + agentFiles + ", " + demo.name() + " " + demoFiles);
      }
      System.out.println(engines);
      Map<String, List<double[]>> results = new LinkedHashMap<>();
      String value = "x".repeat(valueBytes);
      settle();
      long idleAgent = medianRss(agents.pids());
      long idleDemo = medianRss(demo.pids());
      String idleNodes = nodesRss(agents) + "; " + nodesRss(demo);
      // The engine keeps its raft log in memory (up to the snapshot trailing), so memory is
      // compared after the same number of acknowledged writes on both clusters.
      int fixed = Integer.getInteger("bench.fixedWrites", 2000);
      long[] fixedRss = new long[2];
      int ci = 0;
      for (Cluster c : List.of(agents, demo)) {
        HttpClient http = HttpClient.newHttpClient();
        int ok = 0;
        for (int i = 0; ok < fixed && i < fixed * 3; i++) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + c.apis().get(0) + "/fixed-" + i)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && !r.body().startsWith("Error")) {
            ok++;
          }
        }
        ACKED.computeIfAbsent(c.name(), k -> new AtomicLong()).addAndGet(ok);
        settle();
        fixedRss[ci++] = medianRss(c.pids());
      }
      String fixedNodes = nodesRss(agents) + "; " + nodesRss(demo);
      // Warm-up (not measured): both sides serve a few seconds of the workload first.
      for (Cluster c : List.of(agents, demo)) {
        run(c, "PUT", 4, 2, "warm", value);
        run(c, "GET", 4, 2, "warm", value);
      }
      for (int r = 0; r < rounds; r++) {
        List<Cluster> order = r % 2 == 0 ? List.of(agents, demo) : List.of(demo, agents);
        for (Cluster c : order) {
          for (int conc : CONCURRENCY) {
            String prefix = "r" + r + "c" + conc;
            double[] put = run(c, "PUT", conc, seconds, prefix, value);
            double[] get = run(c, "GET", conc, seconds, prefix, value);
            results.computeIfAbsent(c.name() + " PUT " + conc, k -> new ArrayList<>()).add(put);
            results.computeIfAbsent(c.name() + " GET " + conc, k -> new ArrayList<>()).add(get);
            System.out.printf("round %d %s c=%d: PUT %.0f/s p50 %.2f ms p99 %.2f ms (%.0f errors); GET %.0f/s p50 %.2f ms p99 %.2f ms (%.0f errors)%n",
                r + 1, c.name(), conc, put[0], put[1], put[2], put[3], get[0], get[1], get[2], get[3]);
          }
        }
      }
      settle();
      long agentRss = medianRss(agents.pids());
      long demoRss = medianRss(demo.pids());
      StringBuilder md = new StringBuilder();
      String d0 = demo.name();
      md.append(engines).append("\n\n");
      md.append("| workload | agents ops/s | " + d0 + " ops/s | ratio | agents p50 / p99 ms | " + d0 + " p50 / p99 ms | p99 counting failures, agents / " + d0 + " ms | failed requests, agents / " + d0
          + " |\n|---|---|---|---|---|---|---|---|\n");
      for (String op : results.keySet().stream().filter(k -> k.startsWith(agents.name() + " ")).map(k -> k.substring(agents.name().length() + 1)).toList()) {
        double[] a = median(results.get(agents.name() + " " + op));
        double[] d = median(results.get(demo.name() + " " + op));
        md.append(String.format("| %s | %.0f | %.0f | %.2f | %.2f / %.2f | %.2f / %.2f | %s / %s | %.1f%% / %.1f%% |%n", op, a[0], d[0], a[0] / d[0], a[1], a[2], d[1], d[2],
            ms(a[4]), ms(d[4]), a[5] * 100, d[5] * 100));
      }
      if (!FAILURES.values().stream().allMatch(Map::isEmpty)) {
        md.append("\nFailed requests, all rounds, by answer:\n\n");
        FAILURES.forEach((cell, byAnswer) -> byAnswer.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().get(), x.getValue().get())).limit(3)
            .forEach(f -> md.append(String.format("* %s: %d x `%s`%n", cell, f.getValue().get(), f.getKey()))));
      }
      md.append(String.format("%nRSS, median of 3 nodes, each read %d s after the load stopped:%n%n| when | agent MiB | %s MiB | ratio | per node, agents; %s |%n|---|---|---|---|---|%n", SETTLE_SECONDS, d0, d0));
      md.append(String.format("| idle | %d | %d | %.2f | %s |%n", idleAgent / 1024, idleDemo / 1024, (double) idleAgent / idleDemo, idleNodes));
      md.append(String.format("| after %d acknowledged writes each | %d | %d | %.2f | %s |%n", fixed, fixedRss[0] / 1024, fixedRss[1] / 1024, (double) fixedRss[0] / fixedRss[1], fixedNodes));
      md.append(String.format("| after the whole run (%d vs %d acknowledged writes) | %d | %d | %.2f | %s |%n", ACKED.get(agents.name()).get(), ACKED.get(demo.name()).get(),
          agentRss / 1024, demoRss / 1024, (double) agentRss / demoRss, nodesRss(agents) + "; " + nodesRss(demo)));
      md.append("\nThe engine keeps its raft log in memory up to the snapshot trailing (8192 entries after a snapshot every 1024 by default), so both sides grow alike with writes until that cap.\n");
      md.append(String.format("Agent JVM flags: %s, MALLOC_ARENA_MAX=%s; %d rounds x %d s per cell, %d-byte values, clients spread over the 3 nodes.%n", expandArgFiles(AGENT_JVM), MALLOC_ARENA_MAX, rounds, seconds, valueBytes));
      System.out.println();
      System.out.println(md);
      Path out = Path.of("target", "kvbench.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, md.toString());
      agents.close();
      demo.close();
    } finally {
      for (Process p : all) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** [throughput ops/s, p50 ms, p99 ms, errors] */
  static double[] run(Cluster c, String method, int conc, int seconds, String prefix, String value) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<long[]> lat = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> crashed = new java.util.concurrent.atomic.AtomicReference<>();
    // GET reads only keys whose PUT was acknowledged: a key the baseline failed to write is not a failed read.
    // With none acknowledged at all, it reads a key nobody wrote, and every read fails.
    List<String> written = method.equals("PUT") ? List.of() : List.copyOf(WRITTEN.getOrDefault(c.name() + prefix, List.of(prefix + "-none")));
    for (int t = 0; t < conc; t++) {
      final int id = t;
      long[] samples = new long[400_000];
      lat.add(samples);
      Thread th = new Thread(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://" + c.apis().get(id % c.apis().size()) + "/";
        int n = 0;
        // Each GET client starts at its own place in the acknowledged keys.
        int i = method.equals("PUT") ? 0 : id * written.size() / conc;
        java.util.Set<String> acked = new java.util.LinkedHashSet<>();
        Map<String, AtomicLong> failures = prefix.equals("warm") ? new java.util.HashMap<>()
            : FAILURES.computeIfAbsent(c.name() + " " + method + " " + conc, k -> new java.util.concurrent.ConcurrentHashMap<>());
        while (System.nanoTime() < end && n < samples.length - 1) {
          try {
            String key = method.equals("PUT") ? prefix + "-" + id + "-" + (i % 1000) : written.get(i % written.size());
            i++;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + key)).timeout(Duration.ofSeconds(15));
            b = method.equals("PUT") ? b.PUT(HttpRequest.BodyPublishers.ofString(value)) : b.GET();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            if (r.statusCode() != 200 || r.body().startsWith("Error")) {
              errors.incrementAndGet();
              failures.computeIfAbsent(r.statusCode() + " " + r.body().strip(), k -> new AtomicLong()).incrementAndGet();
            } else {
              samples[n++] = t1 - t0;
              acked.add(key);
            }
          } catch (IOException e) {
            errors.incrementAndGet();
            failures.computeIfAbsent(e.getClass().getSimpleName() + " " + e.getMessage(), k -> new AtomicLong()).incrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
        samples[samples.length - 1] = n;
        if (method.equals("PUT")) {
          WRITTEN.computeIfAbsent(c.name() + prefix, k -> java.util.Collections.synchronizedList(new ArrayList<>())).addAll(acked);
        }
      });
      th.setUncaughtExceptionHandler((thread, e) -> crashed.compareAndSet(null, e));
      threads.add(th);
    }
    long t0 = System.nanoTime();
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join();
    }
    if (crashed.get() != null) {
      throw new IllegalStateException("a " + method + " client of " + c.name() + " crashed", crashed.get());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    int total = 0;
    for (long[] s : lat) {
      total += (int) s[s.length - 1];
    }
    long[] merged = new long[total];
    int k = 0;
    for (long[] s : lat) {
      int n = (int) s[s.length - 1];
      System.arraycopy(s, 0, merged, k, n);
      k += n;
    }
    Arrays.sort(merged);
    double p50 = merged.length == 0 ? Double.NaN : merged[(int) (merged.length * 0.50)] / 1e6;
    double p99 = merged.length == 0 ? Double.NaN : merged[Math.min(merged.length - 1, (int) (merged.length * 0.99))] / 1e6;
    // A failed request is slower than any success: past 1% failures the p99 is a failure.
    long all = total + errors.get();
    int at = (int) (all * 0.99);
    double p99Failing = at < merged.length ? merged[at] / 1e6 : Double.POSITIVE_INFINITY;
    if (method.equals("PUT") && !prefix.equals("warm")) {
      ACKED.computeIfAbsent(c.name(), name -> new AtomicLong()).addAndGet(total);
    }
    return new double[] {total / elapsed, p50, p99, errors.get(), p99Failing, all == 0 ? 0 : (double) errors.get() / all};
  }

  /** The flags as the JVM sees them: an {@code @file} argument is replaced by its words, comments dropped. */
  static String expandArgFiles(List<String> flags) throws IOException {
    List<String> out = new ArrayList<>();
    for (String f : flags) {
      if (!f.startsWith("@")) {
        out.add(f);
        continue;
      }
      for (String line : Files.readAllLines(Path.of(f.substring(1)))) {
        int hash = line.indexOf('#');
        String words = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (!words.isEmpty()) {
          out.addAll(List.of(words.split("\\s+")));
        }
      }
    }
    return String.join(" ", out);
  }

  static String ms(double v) {
    return Double.isInfinite(v) ? "failed" : String.format("%.2f", v);
  }

  static void settle() throws InterruptedException {
    Thread.sleep(SETTLE_SECONDS * 1000L);
  }

  static String nodesRss(Cluster c) {
    return c.pids().stream().map(p -> String.valueOf(rssKb(p) / 1024)).collect(java.util.stream.Collectors.joining(", "));
  }

  static double[] median(List<double[]> rs) {
    double[] out = new double[6];
    for (int i = 0; i < 6; i++) {
      double[] v = new double[rs.size()];
      for (int j = 0; j < rs.size(); j++) {
        v[j] = rs.get(j)[i];
      }
      Arrays.sort(v);
      out[i] = v[v.length / 2];
    }
    return out;
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // gone
    }
    return -1;
  }

  static long medianRss(List<Long> pids) {
    long[] v = pids.stream().mapToLong(KvBench::rssKb).sorted().toArray();
    return v[v.length / 2];
  }

  static void awaitHttp(String api) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/probe")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no HTTP at " + api);
        }
        Thread.sleep(200);
      }
    }
  }

  static void awaitVoters(List<String> dbs, int n) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (CowsqlClient c = CowsqlClient.findLeader(dbs, ClientOptions.defaults())) {
        if (c.cluster().stream().filter(m -> m.role() == Role.VOTER).count() >= n) {
          return;
        }
      } catch (Exception e) {
        // not yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cluster " + dbs + " has no " + n + " voters");
      }
      Thread.sleep(300);
    }
  }

  /** Starts node {@code i} of a cluster, given its addresses and the db addresses of the nodes started before it. */
  interface NodeStarter {
    Process start(int i, String db, String api, List<String> earlier) throws IOException;
  }

  /** Three nodes on free loopback ports, each answering HTTP before the next starts, then three voters. */
  static Cluster startThree(String name, Path dir, List<Process> all, NodeStarter starter) throws Exception {
    Files.createDirectories(dir);
    List<String> apis = new ArrayList<>();
    List<String> dbs = new ArrayList<>();
    List<Long> pids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String db = "127.0.0.1:" + TestPorts.free();
      String api = "127.0.0.1:" + TestPorts.free();
      Process p = starter.start(i, db, api, List.copyOf(dbs));
      all.add(p);
      pids.add(p.pid());
      apis.add(api);
      dbs.add(db);
      awaitHttp(api);
    }
    awaitVoters(dbs, 3);
    return cluster(name, apis, pids);
  }

  static Cluster startAgents(Path dir, List<Process> all) throws Exception {
    Map<String, String> env = MALLOC_ARENA_MAX.isEmpty() ? Map.of() : Map.of("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
    return startThree("agents", dir, all, (i, db, api, earlier) -> {
      List<String> args = new ArrayList<>(List.of("--dir", dir.resolve("n" + i).toString(), "--address", db, "--http", api));
      args.addAll(i == 0 ? List.of("--bootstrap") : List.of("--join", earlier.get(0)));
      return AgentProcess.launch(AGENT_JVM, args, env, dir.resolve("n" + i + ".log"));
    });
  }

  /** The engine each agent reports in /status; fails unless it is the one this run asks for. */
  @SuppressWarnings("unchecked")
  static String agentEngines(Cluster agents, java.util.Set<String> files) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (String api : agents.apis()) {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/status")).timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      Map<String, Object> engine = (Map<String, Object>) Json.parseObject(body).get("engine");
      if (engine == null || !TestEngine.expected().equals(engine.get("name"))) {
        throw new IllegalStateException("the agent at " + api + " runs engine " + engine + " but this run asks for " + TestEngine.expected() + " (-D" + TestEngine.PROPERTY + ")");
      }
      seen.add(engine.get("name") + " " + engine.get("version") + " (" + engine.get("library") + ")");
      files.add(String.valueOf(engine.get("library")));
    }
    return "3 x " + String.join(", ", seen);
  }

  /** The engine library each Go process has mapped; fails unless it is this run's engine, and only it. */
  static String demoEngines(Cluster demo, java.util.Set<String> files) throws IOException {
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (long pid : demo.pids()) {
      List<String> libs = Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream().map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(f -> f.contains("/lib") && (f.contains(BASELINE.engineLibrary()) || f.contains(BASELINE.otherEngineLibrary()))).distinct().toList();
      if (libs.isEmpty() || libs.stream().anyMatch(f -> !Path.of(f).getFileName().toString().startsWith(BASELINE.engineLibrary()))) {
        throw new IllegalStateException(demo.name() + " pid " + pid + " maps " + libs + ", expected " + BASELINE.engineLibrary() + " only");
      }
      seen.addAll(libs);
      files.addAll(libs);
    }
    return "3 x " + String.join(", ", seen) + " (from /proc/<pid>/maps)";
  }

  static Cluster startDemo(Path dir, List<Process> all) throws Exception {
    return startThree(BASELINE.program(), dir, all, (i, db, api, earlier) -> {
      List<String> cmd = new ArrayList<>(List.of(BASELINE.program(), "--api", api, "--db", db, "--dir", dir.toString()));
      if (i > 0) {
        cmd.addAll(List.of("--join", earlier.get(0)));
      }
      return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("n" + i + ".log").toFile()).start();
    });
  }

  static Cluster cluster(String name, List<String> apis, List<Long> pids) {
    return new Cluster() {
      public String name() {
        return name;
      }

      public List<String> apis() {
        return apis;
      }

      public List<Long> pids() {
        return pids;
      }

      public void close() {
        for (long pid : pids) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
      }
    };
  }
}
