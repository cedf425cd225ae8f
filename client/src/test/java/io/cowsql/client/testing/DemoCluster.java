package io.cowsql.client.testing;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real cluster of go-cowsql's {@code cowsql-demo} processes (Go, libcowsql)
 * on loopback with free ports and data in a temporary folder; with
 * {@link Engine#DQLITE}, go-dqlite's {@code dqlite-demo} on libdqlite, the
 * second engine, for a test that is about it. Each node's process is checked to
 * have mapped its engine's library, so a test never runs on the other engine
 * unnoticed. Every process is killed on {@link #close()} and, should the test
 * JVM die first, by a shutdown hook. The database is "demo" (both demos open it).
 */
public final class DemoCluster implements AutoCloseable {
    public static final String DATABASE = "demo";

    /** The engine a demo cluster runs on: its demo program, its Go shell and the library it must load. */
    public enum Engine {
        /** go-cowsql's programs on libcowsql: the default. */
        COWSQL("cowsql-demo", "cowsql", "libcowsql.so"),
        /** go-dqlite's programs on libdqlite: the second engine. */
        DQLITE("dqlite-demo", "dqlite", "libdqlite.so");

        private final String demo;
        private final String shell;
        private final String library;

        Engine(String demo, String shell, String library) {
            this.demo = demo;
            this.shell = shell;
            this.library = library;
        }

        /** The Go demo program (key/value HTTP API on top of a node). */
        public String demo() {
            return demo;
        }

        /** The Go shell of the same seed ({@code cowsql} or {@code dqlite}). */
        public String shell() {
            return shell;
        }
    }

    private static final java.util.Set<Engine> LOGGED = java.util.EnumSet.noneOf(Engine.class);

    private final Engine engine;
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "demo-cluster-cleanup");

    /** One demo process. */
    public static final class Node {
        final int index;
        final String dbAddress;
        final String apiAddress;
        Process process;

        Node(int index, String dbAddress, String apiAddress) {
            this.index = index;
            this.dbAddress = dbAddress;
            this.apiAddress = apiAddress;
        }

        public String dbAddress() {
            return dbAddress;
        }

        public String apiAddress() {
            return apiAddress;
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        public long pid() {
            return process.pid();
        }
    }

    private DemoCluster(Engine engine, Path dir) {
        this.engine = engine;
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code n} cowsql-demo nodes and waits until all are members and the cluster has min(n, 3) voters. */
    public static DemoCluster start(int n) throws Exception {
        return start(Engine.COWSQL, n);
    }

    /** Starts {@code n} nodes of {@code engine}'s demo and waits until all are members and min(n, 3) are voters. */
    public static DemoCluster start(Engine engine, int n) throws Exception {
        DemoCluster c = new DemoCluster(engine, Files.createTempDirectory(engine.demo + "-"));
        try {
            for (int i = 0; i < n; i++) {
                c.addNode();
            }
            c.awaitMembers(n, Math.min(n, 3), Duration.ofSeconds(60));
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** Starts one more node that joins the cluster; returns it without waiting for its promotion. */
    public Node addNode() throws Exception {
        int i = nodes.size();
        Node node = new Node(i, "127.0.0.1:" + freePort(), "127.0.0.1:" + freePort());
        nodes.add(node);
        launch(node);
        return node;
    }

    private void launch(Node node) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(engine.demo, "--api", node.apiAddress, "--db", node.dbAddress,
                "--dir", dir.resolve("node" + node.index).toString()));
        if (node.index > 0) {
            cmd.add("--join");
            cmd.add(String.join(",", joinTargets(node)));
        }
        Path log = dir.resolve("node" + node.index + ".log");
        node.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitPort(node, Duration.ofSeconds(30));
        checkEngine(node);
    }

    /** Fails unless the node's process mapped this engine's library; logs the library once per JVM and engine. */
    private void checkEngine(Node node) throws IOException {
        Path maps = Path.of("/proc", Long.toString(node.process.pid()), "maps");
        String library = Files.readAllLines(maps, StandardCharsets.UTF_8).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(f -> f.contains("/" + engine.library))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(engine.demo + " node " + node.index + " (pid "
                        + node.process.pid() + ") did not load " + engine.library + ": the test needs the "
                        + engine + " engine"));
        synchronized (LOGGED) {
            if (LOGGED.add(engine)) {
                System.err.println("demo cluster: engine " + engine + " (" + engine.demo + ", "
                        + library + ")");
            }
        }
    }

    public Engine engine() {
        return engine;
    }

    private List<String> joinTargets(Node self) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n != self) {
                out.add(n.dbAddress);
            }
        }
        return out;
    }

    private void awaitPort(Node node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String[] hp = node.apiAddress.split(":");
        while (System.nanoTime() < deadline) {
            if (!node.process.isAlive()) {
                throw new IllegalStateException(engine.demo + " node " + node.index + " exited with "
                        + node.process.exitValue() + ": " + log(node.index));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(engine.demo + " node " + node.index + " did not open its API port: " + log(node.index));
    }

    /** Waits until the leader reports {@code members} members of which {@code voters} are voters. */
    public List<NodeInfo> awaitMembers(int members, int voters, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NodeInfo> last = List.of();
        Exception lastError = null;
        ClientOptions opts = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(2));
        while (System.nanoTime() < deadline) {
            try (CowsqlClient c = CowsqlClient.findLeader(liveAddresses(), opts)) {
                last = c.cluster();
                long v = last.stream().filter(m -> m.role() == Role.VOTER).count();
                if (last.size() == members && v == voters) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("cluster did not reach " + members + " members / " + voters + " voters; last seen "
                + last + (lastError == null ? "" : ", last error " + lastError));
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    /** Database addresses of every node, in start order. */
    public List<String> addresses() {
        return nodes.stream().map(Node::dbAddress).toList();
    }

    public List<String> liveAddresses() {
        return nodes.stream().filter(Node::isAlive).map(Node::dbAddress).toList();
    }

    /** The node whose database address is {@code address}. */
    public Node byAddress(String address) {
        return nodes.stream().filter(n -> n.dbAddress.equals(address)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node at " + address));
    }

    /** SIGKILL. */
    public void kill(Node node) throws InterruptedException {
        node.process.destroyForcibly();
        node.process.waitFor();
    }

    public String log(int index) {
        try {
            Path p = dir.resolve("node" + index + ".log");
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public Path dir() {
        return dir;
    }

    private void killAll() {
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
        for (Node n : nodes) {
            if (n.process != null) {
                try {
                    n.process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
