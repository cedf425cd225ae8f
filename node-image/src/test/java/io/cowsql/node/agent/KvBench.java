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

  /** The agents' HTTP servers to compare (blocking: the agent's own; jdk, jetty: {@link LibraryServerFactory}), one 3-agent cluster each. */
  static final List<String> SERVERS = List.of(System.getProperty("bench.servers", "blocking,jdk,jetty").split(","));

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 8);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int valueBytes = Integer.getInteger("bench.valueBytes", 16);
    Path root = Files.createTempDirectory("cowsql-kvbench");
    List<Process> all = new ArrayList<>();
    try {
      String loadAtStart = uptime();
      List<Cluster> agentSides = new ArrayList<>();
      for (String server : SERVERS) {
        agentSides.add(startAgents("agents-" + server, server, root.resolve("agents-" + server), all));
      }
      Cluster demo = startDemo(root.resolve("demo"), all);
      List<Cluster> sides = new ArrayList<>(agentSides);
      sides.add(demo);
      java.util.Set<String> demoFiles = new java.util.TreeSet<>();
      StringBuilder engineLine = new StringBuilder("Engines: ");
      for (Cluster agents : agentSides) {
        java.util.Set<String> agentFiles = new java.util.TreeSet<>();
        engineLine.append(agents.name()).append(' ').append(agentEngines(agents, agentFiles)).append("; ");
        demoFiles.clear();
        String demoEngine = demoEngines(demo, demoFiles);
        if (!agentFiles.equals(demoFiles)) {
          throw new IllegalStateException("the two sides loaded different engine files: " + agents.name() + " " + agentFiles + ", " + demo.name() + " " + demoFiles);
        }
        if (agents == agentSides.get(agentSides.size() - 1)) {
          engineLine.append(demo.name()).append(' ').append(demoEngine).append('.');
        }
      }
      String engines = engineLine.toString();
      System.out.println(engines);
      Map<String, List<double[]>> results = new LinkedHashMap<>();
      String value = "x".repeat(valueBytes);
      settle();
      Map<String, Long> idle = new LinkedHashMap<>();
      Map<String, String> idleNodes = new LinkedHashMap<>();
      for (Cluster c : sides) {
        idle.put(c.name(), medianRss(c.pids()));
        idleNodes.put(c.name(), nodesRss(c));
      }
      // The engine keeps its raft log in memory (up to the snapshot trailing), so memory is
      // compared after the same number of acknowledged writes on every cluster.
      int fixed = Integer.getInteger("bench.fixedWrites", 2000);
      Map<String, Long> fixedRss = new LinkedHashMap<>();
      Map<String, String> fixedNodes = new LinkedHashMap<>();
      for (Cluster c : sides) {
        HttpClient http = HttpClient.newHttpClient();
        int ok = 0;
        for (int i = 0; ok < fixed && i < fixed * 3; i++) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + c.apis().get(0) + "/fixed-" + i)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && !r.body().startsWith("Error")) {
            ok++;
          }
        }
        ACKED.computeIfAbsent(c.name(), k -> new AtomicLong()).addAndGet(ok);
      }
      settle();
      for (Cluster c : sides) {
        fixedRss.put(c.name(), medianRss(c.pids()));
        fixedNodes.put(c.name(), nodesRss(c));
      }
      // Warm-up (not measured): every side serves a few seconds of the workload first.
      for (Cluster c : sides) {
        run(c, "PUT", 4, 2, "warm", value);
        run(c, "GET", 4, 2, "warm", value);
      }
      // Per round and cell, each agent side's throughput over the baseline's in that round.
      Map<String, List<Double>> roundRatios = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        // Each round starts with another side, so that no side always runs first or after the same one.
        List<Cluster> order = new ArrayList<>(sides);
        java.util.Collections.rotate(order, -r);
        Map<String, double[]> round = new LinkedHashMap<>();
        for (Cluster c : order) {
          for (int conc : CONCURRENCY) {
            String prefix = "r" + r + "c" + conc;
            double[] put = run(c, "PUT", conc, seconds, prefix, value);
            double[] get = run(c, "GET", conc, seconds, prefix, value);
            results.computeIfAbsent(c.name() + " PUT " + conc, k -> new ArrayList<>()).add(put);
            results.computeIfAbsent(c.name() + " GET " + conc, k -> new ArrayList<>()).add(get);
            round.put(c.name() + " PUT " + conc, put);
            round.put(c.name() + " GET " + conc, get);
            System.out.printf("round %d %s c=%d: PUT %.0f/s p50 %.2f ms p99 %.2f ms (%.0f errors); GET %.0f/s p50 %.2f ms p99 %.2f ms (%.0f errors)%n",
                r + 1, c.name(), conc, put[0], put[1], put[2], put[3], get[0], get[1], get[2], get[3]);
          }
        }
        for (Cluster a : agentSides) {
          for (String op : ops()) {
            roundRatios.computeIfAbsent(a.name() + " " + op, k -> new ArrayList<>()).add(round.get(a.name() + " " + op)[0] / round.get(demo.name() + " " + op)[0]);
          }
        }
        System.out.println("round " + (r + 1) + " load: " + uptime());
      }
      String loadAtEnd = uptime();
      settle();
      Map<String, Long> endRss = new LinkedHashMap<>();
      Map<String, String> endNodes = new LinkedHashMap<>();
      for (Cluster c : sides) {
        endRss.put(c.name(), medianRss(c.pids()));
        endNodes.put(c.name(), nodesRss(c));
      }
      StringBuilder md = new StringBuilder();
      String d0 = demo.name();
      md.append(engines).append("\n\n");
      md.append("Load average (`uptime`): at the start ").append(loadAtStart).append("; at the end ").append(loadAtEnd).append(".\n\n");
      md.append("Throughput, median over the rounds, and the median of the per-round ratios to " + d0 + " (each agent side over " + d0 + " in the same round):\n\n| workload |");
      for (Cluster c : sides) {
        md.append(' ').append(c.name()).append(" ops/s |");
      }
      for (Cluster a : agentSides) {
        md.append(' ').append(a.name()).append(" ratio |");
      }
      md.append("\n|---|").append("---|".repeat(sides.size() + agentSides.size())).append('\n');
      for (String op : ops()) {
        md.append("| ").append(op).append(" |");
        for (Cluster c : sides) {
          md.append(String.format(" %.0f |", median(results.get(c.name() + " " + op))[0]));
        }
        for (Cluster a : agentSides) {
          List<Double> rs = roundRatios.get(a.name() + " " + op);
          md.append(String.format(" %.2f (%s) |", medianOf(rs), rs.stream().map(x -> String.format("%.2f", x)).collect(java.util.stream.Collectors.joining(", "))));
        }
        md.append('\n');
      }
      md.append("\nLatency, median over the rounds: p50 / p99 ms, p99 counting failures ms, failed requests:\n\n| workload |");
      for (Cluster c : sides) {
        md.append(' ').append(c.name()).append(" |");
      }
      md.append("\n|---|").append("---|".repeat(sides.size())).append('\n');
      for (String op : ops()) {
        md.append("| ").append(op).append(" |");
        for (Cluster c : sides) {
          double[] m = median(results.get(c.name() + " " + op));
          md.append(String.format(" %.2f / %.2f, %s, %.1f%% |", m[1], m[2], ms(m[4]), m[5] * 100));
        }
        md.append('\n');
      }
      if (!FAILURES.values().stream().allMatch(Map::isEmpty)) {
        md.append("\nFailed requests, all rounds, by answer:\n\n");
        FAILURES.forEach((cell, byAnswer) -> byAnswer.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().get(), x.getValue().get())).limit(3)
            .forEach(f -> md.append(String.format("* %s: %d x `%s`%n", cell, f.getValue().get(), f.getKey()))));
      }
      md.append(String.format("%nRSS MiB, median of 3 nodes (per node in brackets), each read %d s after the load stopped:%n%n| when |", SETTLE_SECONDS));
      for (Cluster c : sides) {
        md.append(' ').append(c.name()).append(" |");
      }
      md.append("\n|---|").append("---|".repeat(sides.size())).append('\n');
      rssRow(md, "idle", sides, idle, idleNodes);
      rssRow(md, "after " + fixed + " acknowledged writes each", sides, fixedRss, fixedNodes);
      rssRow(md, "after the whole run (acknowledged writes: " + sides.stream().map(c -> c.name() + " " + ACKED.get(c.name()).get()).collect(java.util.stream.Collectors.joining(", ")) + ")", sides, endRss, endNodes);
      md.append("\nJava heap of the agents after a full GC at the end (median of 3 nodes, KiB used: young + old; metaspace used):\n\n");
      for (Cluster a : agentSides) {
        md.append("* ").append(a.name()).append(": ").append(heapAfterGc(a.pids())).append('\n');
      }
      md.append("\nThe engine keeps its raft log in memory up to the snapshot trailing (8192 entries after a snapshot every 1024 by default), so every side grows alike with writes until that cap.\n");
      md.append(String.format("Agent JVM flags: %s, MALLOC_ARENA_MAX=%s; %d rounds x %d s per cell, %d-byte values, clients spread over the 3 nodes.%n", expandArgFiles(AGENT_JVM), MALLOC_ARENA_MAX, rounds, seconds, valueBytes));
      System.out.println();
      System.out.println(md);
      Path out = Path.of("target", "kvbench.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, md.toString());
      for (Cluster c : sides) {
        c.close();
      }
    } finally {
      for (Process p : all) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static List<String> ops() {
    List<String> ops = new ArrayList<>();
    for (int conc : CONCURRENCY) {
      ops.add("PUT " + conc);
      ops.add("GET " + conc);
    }
    return ops;
  }

  static void rssRow(StringBuilder md, String when, List<Cluster> sides, Map<String, Long> rss, Map<String, String> nodes) {
    md.append("| ").append(when).append(" |");
    for (Cluster c : sides) {
      md.append(' ').append(rss.get(c.name()) / 1024).append(" (").append(nodes.get(c.name())).append(") |");
    }
    md.append('\n');
  }

  static double medianOf(List<Double> v) {
    List<Double> sorted = new ArrayList<>(v);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** The 1-, 5- and 15-minute load averages, as {@code uptime} prints them. */
  static String uptime() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    return f[0] + ", " + f[1] + ", " + f[2];
  }

  /** Heap (young + old) and metaspace used after a full GC, median over the processes, from jcmd. */
  static String heapAfterGc(List<Long> pids) throws Exception {
    List<long[]> per = new ArrayList<>();
    for (long pid : pids) {
      jcmd(pid, "GC.run");
      long heap = 0;
      long meta = 0;
      for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(line);
        if (m.find()) {
          if (line.trim().startsWith("Metaspace")) {
            meta = Long.parseLong(m.group(1));
          } else if (line.contains("generation")) {
            heap += Long.parseLong(m.group(1));
          }
        }
      }
      per.add(new long[] {heap, meta});
    }
    per.sort(java.util.Comparator.comparingLong(x -> x[0]));
    long[] mid = per.get(per.size() / 2);
    return "heap " + mid[0] + " KiB, metaspace " + mid[1] + " KiB (per node: " + per.stream().map(x -> x[0] + "/" + x[1]).collect(java.util.stream.Collectors.joining(", ")) + ")";
  }

  static String jcmd(long pid, String command) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
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

  /** Three agents on the agent's default HTTP server. */
  static Cluster startAgents(Path dir, List<Process> all) throws Exception {
    return startAgents("agents", null, dir, all);
  }

  /** Three agents on the given HTTP server (blocking: the agent's own; jdk, jetty: {@link LibraryServerFactory}), or the default one when null. */
  static Cluster startAgents(String name, String server, Path dir, List<Process> all) throws Exception {
    Map<String, String> env = MALLOC_ARENA_MAX.isEmpty() ? Map.of() : Map.of("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
    List<String> jvm = new ArrayList<>(AGENT_JVM);
    if ("jdk".equals(server) || "jetty".equals(server)) {
      jvm.add("-D" + HttpApi.SERVER_PROPERTY + "=" + LibraryServerFactory.class.getName());
      jvm.add("-D" + LibraryServerFactory.PROPERTY + "=" + server);
    } else if (server != null && !server.equals("blocking")) {
      throw new IllegalArgumentException("bench.servers: unknown server " + server + " (blocking, jdk, jetty)");
    }
    if ("jdk".equals(server)) {
      // Without it the JDK server leaves Nagle's algorithm on, and every answer waits for the client's delayed ACK.
      jvm.add("-Dsun.net.httpserver.nodelay=true");
    }
    return startThree(name, dir, all, (i, db, api, earlier) -> {
      List<String> args = new ArrayList<>(List.of("--dir", dir.resolve("n" + i).toString(), "--address", db, "--http", api));
      args.addAll(i == 0 ? List.of("--bootstrap") : List.of("--join", earlier.get(0)));
      return AgentProcess.launch(jvm, args, env, dir.resolve("n" + i + ".log"));
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
