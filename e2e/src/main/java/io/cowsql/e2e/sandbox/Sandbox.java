package io.cowsql.e2e.sandbox;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.ResolverFile;
import io.cowsql.client.Role;
import io.cowsql.e2e.testbed.ImageTable;
import io.cowsql.e2e.testbed.ProcessKubelet;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The README's main job: the testbed (a real Kubernetes 1.20 control plane and the process
 * kubelet), the operator installed through its Helm chart (it runs as a pod, with the chart's
 * ServiceAccount and RBAC), {@code examples/cluster.yaml} applied, progress until the cluster is
 * Ready, then how to use it. Interactive: fault commands on standard input (see {@link #FAULTS});
 * Ctrl-C stops everything. {@code --until-ready} exits 0 once Ready (CI and the system test).
 */
public final class Sandbox {
    static final String OPERATOR_NAMESPACE = "cowsql-system";
    static final String RELEASE = "cowsql-operator";
    static final String CLUSTER_NAMESPACE = "default";
    /** Where the node agent's key/value API keeps its data (dqlite-demo's schema). */
    static final String KV_DATABASE = "demo";
    static final String KV_TABLE = "model";

    /**
     * The help text, one file for both readers: this class (as a resource) and bin/cowsql-sandbox, which prints it
     * with {@code cat} before anything is built. The fault commands are the lines after {@link #FAULTS_HEADING}.
     */
    static final String HELP_RESOURCE = "help.txt";
    static final String FAULTS_HEADING = "Fault scenarios, typed at the sandbox> prompt once the cluster is Ready:";
    static final String HELP = readHelp();
    static final String FAULTS = HELP.substring(HELP.indexOf(FAULTS_HEADING) + FAULTS_HEADING.length())
            .replaceFirst("^\n", "").stripTrailing();

    private static String readHelp() {
        try (java.io.InputStream in = Sandbox.class.getResourceAsStream(HELP_RESOURCE)) {
            return new String(Objects.requireNonNull(in, HELP_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Options(boolean untilReady, int zones, Duration timeout, Path workDir, Path cluster, Path repo) {
    }

    /**
     * The command line, parsed by picocli. The help text stays {@link #HELP_RESOURCE} (bin/cowsql-sandbox prints it
     * before anything is built); a test holds the two to the same flags.
     */
    static final class Flags {
        @Option(names = {"-h", "--help"}, usageHelp = true)
        boolean help;

        @Option(names = "--until-ready")
        boolean untilReady;

        @Option(names = "--zones", paramLabel = "N", defaultValue = "3")
        int zones;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300")
        int timeoutSeconds;

        @Option(names = "--work-dir", paramLabel = "DIR")
        Path workDir;

        @Option(names = "--cluster", paramLabel = "FILE")
        Path cluster;
    }

    /** The exit code of a bad command line (as picocli and the other tools of the project use). */
    static final int EXIT_BAD_ARGUMENTS = 2;

    public static void main(String[] args) {
        Path repo = repository();
        Options o;
        try {
            o = parse(args, repo);
            if (o == null) {
                System.out.print(HELP);
                return;
            }
        } catch (ParameterException e) {
            System.err.println("cowsql-sandbox: " + e.getMessage() + " (see --help)");
            System.exit(EXIT_BAD_ARGUMENTS);
            return;
        }
        try {
            System.exit(run(o, System.out, System.in));
        } catch (Exception e) {
            System.err.println("cowsql-sandbox: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The options of a command line; null when it asks for the help. Bad flags throw, naming the flag. */
    static Options parse(String[] args, Path repo) {
        CommandLine cl = new CommandLine(new Flags());
        cl.parseArgs(args);
        Flags f = cl.getCommand();
        if (cl.isUsageHelpRequested()) {
            return null;
        }
        if (f.zones < 1) {
            throw new ParameterException(cl, "--zones must be a positive number, got " + f.zones);
        }
        if (f.timeoutSeconds < 1) {
            throw new ParameterException(cl, "--timeout must be a positive number of seconds, got " + f.timeoutSeconds);
        }
        Path work = f.workDir != null ? f.workDir.toAbsolutePath() : repo.resolve("e2e/target/sandbox");
        Path cluster = f.cluster != null ? f.cluster.toAbsolutePath() : repo.resolve("examples/cluster.yaml");
        if (!Files.isRegularFile(cluster)) {
            throw new ParameterException(cl, "--cluster: no file " + cluster);
        }
        return new Options(f.untilReady, f.zones, Duration.ofSeconds(f.timeoutSeconds), work, cluster, repo);
    }

    /** The checkout: the first directory up from here holding helm/ and examples/. */
    static Path repository() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("helm/cowsql-operator")) && Files.isDirectory(d.resolve("examples"))) {
                return d;
            }
        }
        throw new IllegalStateException("run the sandbox from the repository (no helm/cowsql-operator above "
                + Path.of("").toAbsolutePath() + ")");
    }

    /** Brings everything up, reports, then serves fault commands (or returns at Ready). Returns the exit code. */
    static int run(Options o, PrintStream out, java.io.InputStream in) throws Exception {
        long start = System.nanoTime();
        step(out, start, "starting the control plane (etcd, API server, controller manager, scheduler) and the process kubelet");
        Testbed tb = Testbed.start(Testbed.Options.defaults(o.workDir(), o.repo().resolve("e2e/scripts"))
                .withZones(o.zones()).withImages(ImageTable.defaults()));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop(tb, out, start);
            stopped.countDown();
        }, "sandbox-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            KubernetesClient k = tb.client();
            Path chart = o.repo().resolve("helm/cowsql-operator");
            step(out, start, "linting the chart (strict) and installing it: release " + RELEASE + " in " + OPERATOR_NAMESPACE);
            installChart(chart, tb.kubeconfig(), out);
            awaitOperator(k, out, start, o.timeout());
            step(out, start, "applying " + o.repo().relativize(o.cluster()));
            tb.apply(o.cluster());
            String name = clusterName(k, o.cluster());
            boolean ready = awaitReady(k, name, out, start, o.timeout());
            if (!ready) {
                out.println(tb.describe(20));
                step(out, start, "the cluster did not become Ready within " + o.timeout().toSeconds() + " s");
                return 1;
            }
            selfCheck(tb, out, start);
            CowsqlClusterStatus readyStatus = status(k, name);
            step(out, start, "status: leader " + readyStatus.leader + ", member zones " + memberZones(readyStatus)
                    + ", zone codes " + readyStatus.failureDomains);
            printUsage(out, tb, name, o);
            if (o.untilReady()) {
                return 0;
            }
            serveFaults(tb, name, out, in);
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                stop(tb, out, start);
            } catch (IllegalStateException shuttingDown) {
                stopped.await();
            }
        }
    }

    /** Stops every process of the testbed, removes its directory (logs included) and says so (also on Ctrl-C). */
    static void stop(Testbed tb, PrintStream out, long start) {
        step(out, start, "stopping: pods, kubelet, scheduler, controller manager, API server, etcd");
        tb.close(); // also when the testbed's own shutdown hook got there first: it waits for that one
        try {
            ProcessKubelet.deleteTree(tb.dir(), true);
            step(out, start, "stopped: no process left; removed " + tb.dir());
        } catch (RuntimeException e) {
            step(out, start, "stopped: no process left; could not remove " + tb.dir() + ": " + e.getMessage());
        }
    }

    /** Runs {@link ChartInstall} in a child JVM (why: see there) and relays its output. */
    static void installChart(Path chart, Path kubeconfig, PrintStream out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ImageTable.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                ChartInstall.class.getName(), chart.toString(), kubeconfig.toString(), OPERATOR_NAMESPACE, RELEASE)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(output);
        }
        out.println("  " + output);
    }

    static void step(PrintStream out, long start, String what) {
        out.printf("[sandbox %5.1fs] %s%n", (System.nanoTime() - start) / 1e9, what);
        out.flush();
    }

    static void awaitOperator(KubernetesClient k, PrintStream out, long start, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            List<Deployment> ds = k.apps().deployments().inNamespace(OPERATOR_NAMESPACE).list().getItems();
            String now = ds.isEmpty() ? "no Deployment yet" : ds.stream()
                    .map(d -> d.getMetadata().getName() + " " + avail(d) + "/" + d.getSpec().getReplicas() + " available")
                    .reduce((a, b) -> a + ", " + b).orElse("");
            if (!now.equals(last)) {
                step(out, start, "operator: " + now);
                last = now;
            }
            if (!ds.isEmpty() && ds.stream().allMatch(d -> avail(d) >= Objects.requireNonNullElse(d.getSpec().getReplicas(), 1))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the operator Deployment did not become available within " + timeout.toSeconds() + " s");
    }

    private static int avail(Deployment d) {
        return d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0 : d.getStatus().getAvailableReplicas();
    }

    static String clusterName(KubernetesClient k, Path manifest) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(manifest)) {
            return k.load(in).items().stream().filter(o -> "CowsqlCluster".equals(o.getKind()))
                    .map(o -> o.getMetadata().getName()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no CowsqlCluster in " + manifest));
        }
    }

    /** The cluster's status as the operator last wrote it; an empty one while there is none. */
    static CowsqlClusterStatus status(KubernetesClient k, String name) {
        CowsqlCluster c = k.resources(CowsqlCluster.class).inNamespace(CLUSTER_NAMESPACE).withName(name).get();
        return c == null || c.getStatus() == null ? new CowsqlClusterStatus() : c.getStatus();
    }

    /**
     * Ready as a user means it: the Ready condition is True and nothing is still in progress. A joined
     * node is Ready as a spare before the operator promotes it, so Ready alone can be reported while
     * Progressing=True (AssigningRoles) and the cluster still has fewer voters than it will have.
     */
    static boolean isReady(CowsqlClusterStatus status) {
        return status.isTrue("Ready") && !status.isTrue("Progressing");
    }

    /** The reason of a condition that is True, or null. */
    static String conditionReason(CowsqlClusterStatus status, String type) {
        return status.condition(type).filter(c -> "True".equals(c.getStatus())).map(Condition::getReason).orElse(null);
    }

    static boolean awaitReady(KubernetesClient k, String name, PrintStream out, long start, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            CowsqlClusterStatus s = status(k, name);
            long running = k.pods().inNamespace(CLUSTER_NAMESPACE).list().getItems().stream()
                    .filter(p -> "Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase())).count();
            String now = "cluster " + name + ": phase " + Objects.requireNonNullElse(s.phase, "-") + ", ready "
                    + Objects.requireNonNullElse(s.readyReplicas, 0) + "/"
                    + (s.replicas == null ? "?" : s.replicas.toString()) + ", pods running " + running + ", leader "
                    + Objects.requireNonNullElse(s.leader, "-")
                    + java.util.Optional.ofNullable(conditionReason(s, "Progressing")).map(r -> ", progressing " + r).orElse("");
            if (!now.equals(last)) {
                step(out, start, now);
                last = now;
            }
            if (isReady(s)) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /**
     * What the printed instructions promise, tried once: the key/value API through a pod and the
     * cluster as the client sees it through the testbed's resolver file (as bin/cowsql does).
     */
    static void selfCheck(Testbed tb, PrintStream out, long start) throws Exception {
        List<String> ips = List.copyOf(podIps(tb).values());
        if (ips.isEmpty()) {
            throw new IllegalStateException("the cluster is Ready but no pod has an IP");
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://" + ips.get(0) + ":8080/sandbox-check";
        java.net.http.HttpResponse<String> put = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("ok")).timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        java.net.http.HttpResponse<String> get = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base))
                .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200 || !get.body().strip().equals("ok")) {
            throw new IllegalStateException("key/value check failed: PUT " + put.statusCode() + ", GET " + get.statusCode()
                    + " '" + get.body().strip() + "'");
        }
        ClientOptions opts = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(30))
                .withResolver(ResolverFile.load(tb.kubelet().resolverFile()));
        try (CowsqlClient c = CowsqlClient.findLeader(List.of(ips.get(0) + ":9000"), opts)) {
            List<NodeInfo> members = c.cluster();
            long voters = members.stream().filter(m -> m.role() == Role.VOTER).count();
            step(out, start, "check: key/value PUT and GET through " + ips.get(0) + " ok; leader " + c.address() + ", "
                    + members.size() + " members, " + voters + " voters");
        }
        // the table the printed instructions name holds what the key/value API wrote
        try (io.cowsql.client.CowsqlDatabase db = io.cowsql.client.CowsqlDatabase.open(List.of(ips.get(0) + ":9000"),
                KV_DATABASE, opts)) {
            List<Object[]> rows = db.queryAll("SELECT value FROM " + KV_TABLE + " WHERE key = ?", "sandbox-check");
            if (rows.size() != 1 || !"ok".equals(rows.get(0)[0])) {
                throw new IllegalStateException("the key/value API's data is not in table " + KV_TABLE + " of database "
                        + KV_DATABASE + " (rows: " + rows.size() + "); the printed instructions would be wrong");
            }
            step(out, start, "check: table " + KV_TABLE + " in database " + KV_DATABASE + " holds sandbox-check = ok");
        }
    }

    /** The zones of the cluster's members as the operator reports them in status (one per member). */
    static List<String> memberZones(CowsqlClusterStatus status) {
        List<String> zones = new ArrayList<>();
        status.members.forEach(m -> zones.add(String.valueOf(m.zone)));
        java.util.Collections.sort(zones);
        return zones;
    }

    /** Pod name -> pod IP of the cluster's pods that have one, in name order. */
    static Map<String, String> podIps(Testbed tb) {
        Map<String, String> ips = new java.util.TreeMap<>();
        for (Pod p : tb.client().pods().inNamespace(CLUSTER_NAMESPACE).list().getItems()) {
            if (p.getStatus() != null && p.getStatus().getPodIP() != null) {
                ips.put(p.getMetadata().getName(), p.getStatus().getPodIP());
            }
        }
        return ips;
    }

    static void printUsage(PrintStream out, Testbed tb, String name, Options o) {
        Map<String, String> ips = podIps(tb);
        String kv = ips.isEmpty() ? "" : ips.values().iterator().next();
        out.println();
        out.println("The cluster is Ready.");
        out.println("  export KUBECONFIG=" + tb.kubeconfig());
        out.println("  kubectl get cowsqlclusters,pods,statefulsets,nodes -o wide");
        out.println("  kubectl describe cowsqlcluster " + name);
        out.println("  kubectl scale cowsqlcluster/" + name + " --replicas=5");
        out.println("Pods (each a local process on its own loopback address): " + ips);
        if (!kv.isEmpty()) {
            out.println("Key/value API of a node (follows the leader):");
            out.println("  curl -X PUT -d hello http://" + kv + ":8080/greeting && curl http://" + kv + ":8080/greeting");
            out.println("The cowsql shell (node names resolve through the testbed's resolver file); the key/value API's"
                    + " data is the table " + KV_TABLE + " (key, value) in database " + KV_DATABASE + ":");
            String shell = "COWSQL_RESOLVER_FILE=" + tb.kubelet().resolverFile() + " bin/cowsql -s " + kv + ":9000 "
                    + KV_DATABASE;
            out.println("  " + shell + " .cluster");
            out.println("  " + shell + " 'SELECT key, value FROM " + KV_TABLE + "'");
        }
        if (!o.untilReady()) {
            out.println("Fault scenarios (type them below):");
            out.println(FAULTS);
        }
        out.flush();
    }

    static void serveFaults(Testbed tb, String name, PrintStream out, java.io.InputStream in) throws IOException {
        ProcessKubelet kubelet = tb.kubelet();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        while (true) {
            out.print("sandbox> ");
            out.flush();
            String line = r.readLine();
            if (line == null) {
                // No terminal (input closed): keep running until Ctrl-C.
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            String[] w = line.trim().split("\\s+");
            if (w.length == 0 || w[0].isEmpty()) {
                continue;
            }
            try {
                switch (w[0]) {
                    case "quit", "exit" -> {
                        return;
                    }
                    case "help" -> out.println(FAULTS);
                    case "status" -> {
                        out.println(tb.describe(0));
                        out.println("cluster " + name + ": "
                                + tb.client().getKubernetesSerialization().asJson(status(tb.client(), name)));
                    }
                    case "crash" -> kubelet.crash(CLUSTER_NAMESPACE, arg(w));
                    case "pause" -> kubelet.pause(CLUSTER_NAMESPACE, arg(w));
                    case "resume" -> kubelet.resume(CLUSTER_NAMESPACE, arg(w));
                    case "delete" -> kubelet.deletePod(CLUSTER_NAMESPACE, arg(w));
                    case "wipe" -> kubelet.wipeVolume(CLUSTER_NAMESPACE, arg(w));
                    case "node-down" -> kubelet.setNodeReady(arg(w), false);
                    case "node-up" -> kubelet.setNodeReady(arg(w), true);
                    case "remove-node" -> kubelet.removeNode(arg(w));
                    default -> out.println("unknown command '" + w[0] + "': type help");
                }
                if (!w[0].equals("help") && !w[0].equals("status")) {
                    out.println("ok: " + line.trim());
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                out.println("error: " + e.getMessage());
            }
        }
    }

    private static String arg(String[] w) {
        if (w.length != 2) {
            throw new IllegalArgumentException(w[0] + " needs one name: " + w[0] + " NAME");
        }
        return w[1];
    }
}
