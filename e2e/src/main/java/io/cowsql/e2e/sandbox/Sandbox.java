package io.cowsql.e2e.sandbox;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.ResolverFile;
import io.cowsql.client.Role;
import io.cowsql.e2e.testbed.ImageTable;
import io.cowsql.e2e.testbed.ProcessKubelet;
import io.cowsql.e2e.testbed.Testbed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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

    /** A bad command line: the message names the flag and the fix; exit code 2. */
    static final class BadArguments extends Exception {
        private static final long serialVersionUID = 1L;

        BadArguments(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        Path repo = repository();
        Options o;
        try {
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                System.out.print(HELP);
                return;
            }
            o = parse(args, repo);
        } catch (BadArguments e) {
            System.err.println("cowsql-sandbox: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        try {
            System.exit(run(o, System.out, System.in));
        } catch (Exception e) {
            System.err.println("cowsql-sandbox: " + e.getMessage());
            System.exit(1);
        }
    }

    static Options parse(String[] args, Path repo) throws BadArguments {
        boolean untilReady = false;
        int zones = 3;
        Duration timeout = Duration.ofSeconds(300);
        Path work = repo.resolve("e2e/target/sandbox");
        Path cluster = repo.resolve("examples/cluster.yaml");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--until-ready" -> untilReady = true;
                case "--zones" -> zones = positive(a, value(args, ++i, a));
                case "--timeout" -> timeout = Duration.ofSeconds(positive(a, value(args, ++i, a)));
                case "--work-dir" -> work = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--cluster" -> cluster = Path.of(value(args, ++i, a)).toAbsolutePath();
                default -> throw new BadArguments("unknown argument '" + a + "'");
            }
        }
        if (!Files.isRegularFile(cluster)) {
            throw new BadArguments("--cluster: no file " + cluster);
        }
        return new Options(untilReady, zones, timeout, work, cluster, repo);
    }

    private static String value(String[] args, int i, String flag) throws BadArguments {
        if (i >= args.length) {
            throw new BadArguments(flag + " needs a value");
        }
        return args[i];
    }

    private static int positive(String flag, String v) throws BadArguments {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadArguments(flag + " must be a positive number, got '" + v + "'");
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
            Map<String, Object> readyStatus = status(k, name);
            step(out, start, "status: leader " + readyStatus.get("leader") + ", member zones " + memberZones(readyStatus)
                    + ", zone codes " + readyStatus.get("failureDomains"));
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

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(KubernetesClient k, String name) {
        GenericKubernetesResource r = k.genericKubernetesResources("cowsql.io/v1alpha1", "CowsqlCluster")
                .inNamespace(CLUSTER_NAMESPACE).withName(name).get();
        Object s = r == null ? null : r.getAdditionalProperties().get("status");
        return s instanceof Map ? (Map<String, Object>) s : Map.of();
    }

    /**
     * Ready as a user means it: the Ready condition is True and nothing is still in progress. A joined
     * node is Ready as a spare before the operator promotes it, so Ready alone can be reported while
     * Progressing=True (AssigningRoles) and the cluster still has fewer voters than it will have.
     */
    static boolean isReady(Map<String, Object> status) {
        return "True".equals(conditionStatus(status, "Ready")) && !"True".equals(conditionStatus(status, "Progressing"));
    }

    static String conditionStatus(Map<String, Object> status, String type) {
        return (String) condition(status, type).get("status");
    }

    /** The reason of a condition that is True, or null. */
    static String conditionReason(Map<String, Object> status, String type) {
        Map<String, Object> c = condition(status, type);
        return "True".equals(c.get("status")) ? (String) c.get("reason") : null;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> condition(Map<String, Object> status, String type) {
        Object conds = status.get("conditions");
        if (conds instanceof List) {
            for (Object c : (List<Object>) conds) {
                Map<String, Object> m = (Map<String, Object>) c;
                if (type.equals(m.get("type"))) {
                    return m;
                }
            }
        }
        return Map.of();
    }

    static boolean awaitReady(KubernetesClient k, String name, PrintStream out, long start, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Map<String, Object> s = status(k, name);
            long running = k.pods().inNamespace(CLUSTER_NAMESPACE).list().getItems().stream()
                    .filter(p -> "Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase())).count();
            String now = "cluster " + name + ": phase " + s.getOrDefault("phase", "-") + ", ready "
                    + s.getOrDefault("readyReplicas", 0) + "/" + s.getOrDefault("replicas", "?") + ", pods running "
                    + running + ", leader " + s.getOrDefault("leader", "-")
                    + (conditionReason(s, "Progressing") == null ? "" : ", progressing " + conditionReason(s, "Progressing"));
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
    @SuppressWarnings("unchecked")
    static List<String> memberZones(Map<String, Object> status) {
        List<String> zones = new ArrayList<>();
        Object members = status.get("members");
        if (members instanceof List) {
            for (Object m : (List<Object>) members) {
                zones.add(String.valueOf(((Map<String, Object>) m).get("zone")));
            }
        }
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
                        out.println("cluster " + name + ": " + status(tb.client(), name));
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
