package io.cowsql.e2e.chaos;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.cowsql.e2e.testbed.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One run: a fresh cluster ({@link LocalCluster}, or a {@link TestbedCluster} for a scenario on the
 * testbed), every workload's clients writing while the nemesis plays
 * the scenario's seeded {@link Schedule} and the {@link MembershipObserver} records the voters, a tail of
 * quiet load after the last heal, the final reads once the cluster is healthy again, then the checkers. The run's directory gets {@code history.jsonl}
 * and {@code verdict.json}; a passing run's history and cluster directory are deleted unless kept.
 */
public final class ChaosRun {
    /**
     * @param faults     faults per run
     * @param clients    clients per workload (alternating between client endpoints 1 and 2)
     * @param tail       load after the last heal, at most: it ends {@link #SETTLE} after the first write
     *                   acknowledged after the heal (at least {@code liveBound}, so a slow recovery shows)
     * @param liveBound  the liveness bound after the last heal
     * @param keep       keep a passing run's history and cluster logs too
     */
    public record Config(Scenario scenario, long seed, int faults, int clients, Duration tail, Duration liveBound,
                         Path dir, String nodeClasspath, boolean keep, List<Workload> workloads, OperatorTestbed testbed) {
        public static Config defaults(Scenario scenario, long seed, Path dir, String nodeClasspath) {
            return new Config(scenario, seed, 2, 2, Duration.ofSeconds(10), Duration.ofSeconds(10), dir, nodeClasspath,
                false, Workload.all(), null);
        }

        public Config withFaults(int n) {
            return new Config(scenario, seed, n, clients, tail, liveBound, dir, nodeClasspath, keep, workloads, testbed);
        }

        public Config withClients(int n) {
            return new Config(scenario, seed, faults, n, tail, liveBound, dir, nodeClasspath, keep, workloads, testbed);
        }

        public Config withKeep(boolean k) {
            return new Config(scenario, seed, faults, clients, tail, liveBound, dir, nodeClasspath, k, workloads, testbed);
        }

        public Config withWorkloads(List<Workload> w) {
            return new Config(scenario, seed, faults, clients, tail, liveBound, dir, nodeClasspath, keep, List.copyOf(w),
                testbed);
        }

        /** The testbed with the operator, on which a scenario that {@link Scenario#onTestbed runs there} creates its cluster. */
        public Config withTestbed(OperatorTestbed t) {
            return new Config(scenario, seed, faults, clients, tail, liveBound, dir, nodeClasspath, keep, workloads, t);
        }
    }

    /** Numbers the namespaces of testbed runs: a replay of a seed never meets the namespace of the last one. */
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    /** How long the load goes on once a write was acknowledged after the last heal. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /**
     * What {@code verdict.json} holds (and a line of the results file, {@link RunResults}). {@code engine}: the
     * engine library the agents loaded ({@link #engine()}); {@code error}: why the run could not be checked (null if it could);
     * {@code seconds}: the run's wall time, set-up and teardown of the cluster included.
     */
    public record Result(String scenario, String engine, long seed, String schedule, Verdict verdict, String error,
                         String dir, double seconds) {
        public boolean passed() {
            return error == null && verdict != null && verdict.passed();
        }
    }

    private ChaosRun() {}

    public static Result run(Config cfg) {
        long started = System.nanoTime();
        Schedule schedule = cfg.scenario().schedule(cfg.seed(), cfg.faults());
        Path dir = cfg.dir().toAbsolutePath();
        log("run " + cfg.scenario().id() + " " + schedule + " in " + dir);
        Verdict verdict = null;
        String error = null;
        History history = null;
        ChaosCluster cluster = null;
        try {
            Files.createDirectories(dir);
            // A replay of the same seed into the same directory starts afresh.
            deleteTree(dir.resolve("cluster"));
            Files.deleteIfExists(dir.resolve("history.jsonl"));
            cluster = startCluster(cfg, dir.resolve("cluster"));
            for (Workload w : cfg.workloads()) {
                w.setup(cluster);
            }
            history = History.writingTo(dir.resolve("history.jsonl"));
            error = play(cfg, schedule, cluster, history);
            verdict = Verdict.of(history.ops(), Verdict.checkers(cfg.liveBound()));
        } catch (Exception | Error e) {
            error = (error == null ? "" : error + "; ") + Outcomes.describe(e);
            if (history != null) {
                verdict = Verdict.of(history.ops(), Verdict.checkers(cfg.liveBound()));
            }
        } finally {
            if (history != null) {
                history.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
        Result result = new Result(cfg.scenario().id(), engine(), cfg.seed(), schedule.toString(), verdict, error, dir.toString(),
            Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        try {
            History.JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("verdict.json").toFile(), result);
            if (result.passed() && !cfg.keep()) {
                Files.deleteIfExists(dir.resolve("history.jsonl"));
                deleteTree(dir.resolve("cluster"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("run " + cfg.scenario().id() + " seed " + cfg.seed() + " (" + result.seconds() + " s): " + (result.passed() ? "passed"
            : "FAILED " + (error != null ? error : verdict.violations())));
        return result;
    }

    private static ChaosCluster startCluster(Config cfg, Path dir) {
        if (!cfg.scenario().onTestbed()) {
            return LocalCluster.start(dir, cfg.nodeClasspath(), Duration.ofSeconds(120));
        }
        if (cfg.testbed() == null) {
            throw new IllegalStateException("scenario " + cfg.scenario().id() + " runs on the testbed: the run needs one (Config.withTestbed)");
        }
        String ns = "chaos-" + NAMESPACES.incrementAndGet() + "-" + cfg.scenario().id() + "-" + Long.toUnsignedString(cfg.seed());
        return TestbedCluster.start(cfg.testbed(), ns, dir, Duration.ofSeconds(300));
    }

    /** Load, faults, tail, final reads; returns a note on what went wrong outside the checkers, or null. */
    private static String play(Config cfg, Schedule schedule, ChaosCluster cluster, History h) throws InterruptedException {
        // The voters over the whole run, the final reads included: every acknowledged write has a look on either side.
        try (MembershipObserver observer = MembershipObserver.start(cluster, h)) {
            return playObserved(cfg, schedule, cluster, h);
        }
    }

    private static String playObserved(Config cfg, Schedule schedule, ChaosCluster cluster, History h)
        throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong elements = new AtomicLong();
        AtomicInteger processes = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (Workload w : cfg.workloads()) {
            for (int i = 0; i < cfg.clients(); i++) {
                Workload.Client client = w.client(cluster, i, i % 2);
                int first = processes.getAndIncrement();
                Thread t = new Thread(() -> {
                    int p = first;
                    try (client) {
                        while (!stop.get()) {
                            if (client.step(h, p, elements.incrementAndGet()) == Op.Type.INFO) {
                                p = processes.getAndIncrement(); // the old operation may still be in flight
                            }
                            ControlPlane.sleep(10 + ThreadLocalRandom.current().nextInt(30));
                        }
                    }
                }, "chaos-" + w.name() + "-" + i);
                t.setDaemon(true);
                threads.add(t);
            }
        }
        threads.forEach(Thread::start);
        String note = null;
        try {
            Thread.sleep(1000);
            for (Schedule.Step step : schedule.steps()) {
                Thread.sleep(step.quiet().toMillis());
                // Jepsen-style nemesis entries: invoked before the change, completed once it is in force, with the
                // network as it is from then on (what the minority-ack checker reads).
                Op start = h.nemesisStart(step.fault().kind());
                Fault.Applied a = step.fault().apply(cluster, step.pick());
                h.nemesisDone(start, a.detail(), cluster.reach());
                try {
                    Thread.sleep(step.hold().toMillis());
                } finally {
                    Op healing = h.nemesisStart("heal");
                    a.heal().run();
                    h.nemesisDone(healing, a.detail(), cluster.reach());
                }
            }
            awaitRecovery(h, cfg.tail());
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(40_000);
                if (t.isAlive()) {
                    note = "client " + t.getName() + " did not stop within 40 s";
                }
            }
        }
        cluster.healAll(); // in case a fault could not be healed by its own step
        cluster.awaitHealthy(cluster.recoveryTimeout());
        for (Workload w : cfg.workloads()) {
            try {
                w.finalRead(cluster, h);
            } catch (Exception e) {
                note = (note == null ? "" : note + "; ") + w.name() + " final read: " + Outcomes.describe(e);
            }
        }
        return note;
    }

    /**
     * The tail: load until {@link #SETTLE} after the first write acknowledged from now on, or
     * {@code tail} at most (a run that does not recover within the liveness bound shows it then).
     */
    private static void awaitRecovery(History h, Duration tail) throws InterruptedException {
        long heal = h.nanosNow();
        long end = heal + tail.toNanos();
        while (h.nanosNow() < end) {
            long ack = h.lastWriteAckNanos();
            if (ack > heal) {
                end = Math.min(end, ack + SETTLE.toNanos());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The engine the agents load: the library chosen explicitly ({@code -Dcowsql.library} or {@code COWSQL_LIBRARY},
     * which {@code ImageTable.nodeAgentCommand} passes on), else the agents' default, libcowsql.
     */
    public static String engine() {
        String library = System.getProperty("cowsql.library", System.getenv("COWSQL_LIBRARY"));
        return library == null || library.isBlank() ? "libcowsql" : Path.of(library.trim()).getFileName().toString();
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    static void log(String line) {
        System.err.println(java.time.Instant.now() + " chaos: " + line);
    }
}
