package io.cowsql.client.bench;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.LeaderSession;
import io.cowsql.client.Rows;
import io.cowsql.client.SessionGroup;
import io.cowsql.client.testing.DemoCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client benchmark: point insert and point select over 1 and 8
 * connections against one 3-node cowsql-demo cluster (libcowsql), the Java client and
 * go-cowsql's Go client (client/bench/go, the same workload) in the same
 * run, alternating order each round. Prints each run as a JSON line, then
 * the medians and Java/Go ratios, also written to client/target/bench/results.md.
 *
 * Run: {@code mvn -pl client -am -Pbench verify} (see client/bench/README.md).
 * Settings (system properties): bench.rounds (4), bench.duration (10 s),
 * bench.warmup (3 s), bench.jitWarmup (10 s per Java workload, once, before round 1),
 * bench.conns ("1,8"), bench.ops ("insert,select"), bench.go (binary path),
 * bench.clients ("go,java": one of them alone for profiling), bench.cluster (node addresses of a
 * running cluster, e.g. from client/bench/start-cluster.sh, instead of starting one).
 */
public final class ClientBenchmark {
    static final String DB = "bench";
    static final String VALUE = "x".repeat(32);
    static final int ROWS = 10_000;
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * One run of one client. {@code cpuUsPerOp}: CPU time of the client's whole process (every
     * thread: JIT and GC included for Java, the Go runtime for Go) in the measured phase, per op.
     * {@code allocBytesPerOp}: heap bytes the Java workers allocated per op (NaN for Go), the
     * benchmark's own share included (the parameter list, growing the latency array).
     */
    record Run(int round, String client, String op, int conns, long ops, double seconds, double opsPerSec, double p50us,
            double p99us, double p999us, double meanUs, double maxUs, double cpuUsPerOp, double allocBytesPerOp) {
        String json() {
            return String.format(Locale.ROOT, "{\"round\":%d,\"client\":\"%s\",\"op\":\"%s\",\"conns\":%d,\"ops\":%d,"
                    + "\"seconds\":%.3f,\"opsPerSec\":%.1f,\"p50us\":%.1f,\"p99us\":%.1f,\"p999us\":%.1f,\"meanUs\":%.1f,"
                    + "\"maxUs\":%.1f,\"cpuUsPerOp\":%.1f,\"allocBytesPerOp\":%.0f}", round, client, op, conns, ops, seconds,
                    opsPerSec, p50us, p99us, p999us, meanUs, maxUs, cpuUsPerOp, allocBytesPerOp);
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 4);
        double duration = Double.parseDouble(System.getProperty("bench.duration", "10"));
        double warmup = Double.parseDouble(System.getProperty("bench.warmup", "3"));
        int[] conns = Arrays.stream(System.getProperty("bench.conns", "1,8").split(",")).mapToInt(Integer::parseInt).toArray();
        String[] ops = System.getProperty("bench.ops", "insert,select").split(",");
        double jitWarmup = Double.parseDouble(System.getProperty("bench.jitWarmup", "10"));
        Path goBinary = Path.of(System.getProperty("bench.go", "target/bench/cowsqlbench"));
        if (!Files.isExecutable(goBinary)) {
            System.err.println("ClientBenchmark: the Go baseline " + goBinary.toAbsolutePath()
                    + " is missing: build it with client/bench/build-go-baseline.sh");
            System.exit(2);
        }
        List<String> clients = List.of(System.getProperty("bench.clients", "go,java").split(","));
        String external = System.getProperty("bench.cluster", "");
        List<Run> runs = new ArrayList<>();
        try (DemoCluster cluster = external.isEmpty() ? DemoCluster.start(3) : null) {
            List<String> addrs = cluster != null ? cluster.addresses() : List.of(external.split(","));
            System.err.println("ClientBenchmark: cluster " + addrs + ", " + rounds + " rounds of " + duration + " s after "
                    + warmup + " s warm-up; JVM " + System.getProperty("java.vm.version") + " "
                    + jvmArgs());
            prepare(addrs);
            if (clients.contains("java") && jitWarmup > 0) {
                // The Go baseline is compiled ahead of time; the JVM compiles the client's hot
                // path while it runs. Each Java workload runs once, unrecorded, before round 1 so
                // that no measured run pays for JIT compilation (on 2 shared cores the compiler
                // threads take CPU from the cluster's nodes, which shows as insert latency).
                for (String op : ops) {
                    for (int n : conns) {
                        Run r = runJava(0, addrs, op, n, jitWarmup, 0);
                        System.err.println("ClientBenchmark: JIT warm-up (not recorded) " + r.json());
                    }
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (String op : ops) {
                    for (int n : conns) {
                        boolean goFirst = round % 2 == 1;
                        for (int k = 0; k < 2; k++) {
                            boolean go = (k == 0) == goFirst;
                            if (!clients.contains(go ? "go" : "java")) {
                                continue;
                            }
                            Run r = go ? runGo(round, goBinary, addrs, op, n, duration, warmup)
                                    : runJava(round, addrs, op, n, duration, warmup);
                            System.out.println(r.json());
                            runs.add(r);
                        }
                    }
                }
            }
        }
        String table = summary(runs, ops, conns);
        System.out.println(table);
        Path out = Path.of("target/bench/results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
    }

    static ClientOptions options() {
        return ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(60));
    }

    static void prepare(List<String> addrs) throws CowsqlException {
        try (LeaderSession s = new LeaderSession(addrs, DB, options())) {
            s.exec("CREATE TABLE IF NOT EXISTS bench(id INTEGER PRIMARY KEY, v TEXT)");
            for (int start = 1; start <= ROWS; start += 1000) {
                s.exec("BEGIN");
                for (int id = start; id < start + 1000; id++) {
                    s.execPrepared("INSERT OR REPLACE INTO bench(id, v) VALUES(?, ?)", List.of((long) id, VALUE),
                            options().requestTimeout());
                }
                s.exec("COMMIT");
            }
        }
    }

    static Run runJava(int round, List<String> addrs, String op, int n, double duration, double warmup) throws Exception {
        SessionGroup group = SessionGroup.shared(addrs, DB);
        List<LeaderSession> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LeaderSession s = new LeaderSession(addrs, DB, options(), group);
            s.client(); // every connection open before warm-up, as the Go side does
            sessions.add(s);
        }
        AtomicInteger phase = new AtomicInteger(0); // 0 warm-up, 1 measure, 2 stop
        long[][] latencies = new long[n][];
        int[] counts = new int[n];
        long[] lastEnd = new long[n];
        long[] allocated = new long[n];
        Throwable[] errors = new Throwable[n];
        Thread[] threads = new Thread[n];
        String sql = op.equals("insert") ? "INSERT INTO bench(v) VALUES(?)" : "SELECT v FROM bench WHERE id = ?";
        Duration timeout = options().requestTimeout();
        for (int t = 0; t < n; t++) {
            final int w = t;
            threads[t] = new Thread(() -> {
                LeaderSession s = sessions.get(w);
                long[] lat = new long[1 << 16];
                int count = 0;
                long allocAtMeasure = -1;
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    while (true) {
                        int p = phase.get();
                        if (p == 2) {
                            break;
                        }
                        if (p == 1 && allocAtMeasure < 0) {
                            allocAtMeasure = THREADS.getCurrentThreadAllocatedBytes();
                        }
                        long start = System.nanoTime();
                        if (op.equals("insert")) {
                            s.execPrepared(sql, List.of(VALUE), timeout);
                        } else {
                            try (Rows rows = s.queryPrepared(sql, List.of((long) rnd.nextInt(1, ROWS + 1)), timeout)) {
                                if (!rows.next() || !VALUE.equals(rows.getObject(0))) {
                                    throw new IllegalStateException("select returned a wrong value");
                                }
                                rows.next();
                            }
                        }
                        long end = System.nanoTime();
                        if (p == 1) {
                            if (count == lat.length) {
                                lat = Arrays.copyOf(lat, lat.length * 2);
                            }
                            lat[count++] = end - start;
                            lastEnd[w] = end;
                        }
                    }
                } catch (Throwable e) {
                    errors[w] = e;
                }
                allocated[w] = allocAtMeasure < 0 ? 0 : THREADS.getCurrentThreadAllocatedBytes() - allocAtMeasure;
                latencies[w] = lat;
                counts[w] = count;
            }, "bench-" + t);
            threads[t].start();
        }
        Thread.sleep((long) (warmup * 1000));
        long measureStart = System.nanoTime();
        long cpuStart = PROCESS.getProcessCpuTime();
        phase.set(1);
        Thread.sleep((long) (duration * 1000));
        phase.set(2);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        long cpu = PROCESS.getProcessCpuTime() - cpuStart;
        sessions.forEach(LeaderSession::close);
        for (Throwable e : errors) {
            if (e != null) {
                throw new IllegalStateException("Java benchmark worker failed", e);
            }
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int k = 0;
        long end = measureStart;
        for (int t = 0; t < n; t++) {
            System.arraycopy(latencies[t], 0, all, k, counts[t]);
            k += counts[t];
            end = Math.max(end, lastEnd[t]);
        }
        Arrays.sort(all);
        double seconds = (end - measureStart) / 1e9;
        double mean = Arrays.stream(all).average().orElse(Double.NaN);
        return new Run(round, "java", op, n, total, seconds, total / seconds, rank(all, 0.50) / 1e3, rank(all, 0.99) / 1e3,
                rank(all, 0.999) / 1e3, mean / 1e3, all.length == 0 ? Double.NaN : all[all.length - 1] / 1e3,
                cpu / 1e3 / total, (double) Arrays.stream(allocated).sum() / total);
    }

    /** Nearest-rank percentile, as the Go side computes it. */
    static double rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static Run runGo(int round, Path bin, List<String> addrs, String op, int n, double duration, double warmup)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.toString(), "-cluster", String.join(",", addrs), "-db", DB, "-op", op,
                "-conns", Integer.toString(n), "-duration", Double.toString(duration), "-warmup", Double.toString(warmup))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor((long) (duration + warmup + 120), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Go baseline did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Go baseline exited " + p.exitValue() + ": " + out);
        }
        return new Run(round, "go", op, n, (long) num(out, "ops"), num(out, "seconds"), num(out, "opsPerSec"),
                num(out, "p50us"), num(out, "p99us"), num(out, "p999us"), num(out, "meanUs"), num(out, "maxUs"),
                num(out, "cpuUsPerOp"), Double.NaN);
    }

    static double num(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([-0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in Go output: " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /**
     * The table: per cell, the medians of each client's runs, and each ratio as the median of
     * the per-round ratios (Java and Go ran next to each other in one round, in the same machine
     * state; the ratio of the two medians would pair runs from different rounds), with the
     * per-round ratios in brackets.
     */
    static String summary(List<Run> runs, String[] ops, int[] conns) {
        StringBuilder sb = new StringBuilder();
        sb.append("| op | conns | Java ops/s | Go ops/s | throughput Java/Go (rounds) | Java p50 µs | Go p50 µs "
                + "| Java p99 µs | Go p99 µs | p99 Java/Go (rounds) | CPU µs/op Java / Go | Java B/op |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        long fewest = Long.MAX_VALUE;
        for (String op : ops) {
            for (int n : conns) {
                List<Double> throughput = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                for (Run j : runs) {
                    if (!j.client().equals("java") || !j.op().equals(op) || j.conns() != n) {
                        continue;
                    }
                    for (Run g : runs) {
                        if (g.client().equals("go") && g.op().equals(op) && g.conns() == n && g.round() == j.round()) {
                            throughput.add(j.opsPerSec() / g.opsPerSec());
                            p99.add(j.p99us() / g.p99us());
                        }
                    }
                }
                if (throughput.isEmpty()) {
                    continue;
                }
                for (Run r : runs) {
                    if (r.op().equals(op) && r.conns() == n) {
                        fewest = Math.min(fewest, r.ops());
                    }
                }
                sb.append(String.format(Locale.ROOT,
                        "| %s | %d | %.0f | %.0f | **%.2f** (%s) | %.0f | %.0f | %.0f | %.0f | **%.2f** (%s) | %.0f / %.0f | %.0f |%n",
                        op, n, median(pick(runs, "java", op, n, Run::opsPerSec)), median(pick(runs, "go", op, n, Run::opsPerSec)),
                        median(throughput), list(throughput), median(pick(runs, "java", op, n, Run::p50us)),
                        median(pick(runs, "go", op, n, Run::p50us)), median(pick(runs, "java", op, n, Run::p99us)),
                        median(pick(runs, "go", op, n, Run::p99us)), median(p99), list(p99),
                        median(pick(runs, "java", op, n, Run::cpuUsPerOp)), median(pick(runs, "go", op, n, Run::cpuUsPerOp)),
                        median(pick(runs, "java", op, n, Run::allocBytesPerOp))));
            }
        }
        if (fewest != Long.MAX_VALUE) {
            sb.append(String.format(Locale.ROOT, "%nThe smallest run had %d ops: its p99 rests on its %d slowest samples%s.%n",
                    fewest, fewest / 100, fewest < 1000 ? " (fewer than 10: too few for a stable p99, run longer)" : ""));
        }
        return sb.toString();
    }

    static String list(List<Double> xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x));
        }
        return sb.toString();
    }

    static List<Double> pick(List<Run> runs, String client, String op, int n, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> out = new ArrayList<>();
        for (Run r : runs) {
            if (r.client().equals(client) && r.op().equals(op) && r.conns() == n) {
                out.add(f.applyAsDouble(r));
            }
        }
        return out;
    }

    /** The JVM flags in effect, for the report. */
    static String jvmArgs() {
        return String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
