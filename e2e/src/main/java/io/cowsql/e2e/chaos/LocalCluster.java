package io.cowsql.e2e.chaos;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import io.cowsql.e2e.testbed.ControlPlane;
import io.cowsql.e2e.testbed.ImageTable;
import io.cowsql.e2e.testbed.LoopbackBlock;
import io.cowsql.e2e.testbed.ManagedProcess;
import io.cowsql.e2e.testbed.NetworkPartitions;
import io.cowsql.e2e.testbed.ProcessRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three node agents (the real engine) started directly by the harness on loopback, one address each
 * ({@code 127.B.0.1..3}, from a machine-wide {@link LoopbackBlock}), each under a group id of its own so
 * {@link NetworkPartitions} can cut it off; every process is recorded in a {@link ProcessRegistry}, so
 * its watchdog kills them (and removes the partition chain) even when this JVM is killed.
 *
 * <p>Client endpoints ({@link #client(int)}) are source addresses {@code 127.B.1.k} that the clients'
 * sockets bind before connecting ({@link #clientOptions(int)}), so a partition can put clients on
 * either side.
 */
public final class LocalCluster implements ChaosCluster {
    /** The engine's default election timeout, which fault durations are drawn around. */
    public static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(3);
    static final int NODES = 3;
    static final int RAFT_PORT = 9001;
    static final int HTTP_PORT = 8080;
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(1)).build();

    private final Path dir;
    private final String classpath;
    private final LoopbackBlock block;
    private final ProcessRegistry registry;
    private final NetworkPartitions partitions;
    private final ManagedProcess[] processes = new ManagedProcess[NODES];
    private final NetworkPartitions.Endpoint[] endpoints = new NetworkPartitions.Endpoint[NODES];
    /** Whether the cluster was formed: from then on no node bootstraps. */
    private volatile boolean formed;

    private LocalCluster(Path dir, String classpath) {
        this.dir = dir;
        this.classpath = classpath;
        this.block = LoopbackBlock.acquire();
        ProcessRegistry r = null;
        NetworkPartitions p = null;
        try {
            r = ProcessRegistry.open(ProcessRegistry.defaultDir(), "chaos-" + block.octet());
            p = NetworkPartitions.open(r);
        } catch (RuntimeException e) {
            if (r != null) {
                r.close();
            }
            block.close();
            throw e;
        }
        this.registry = r;
        this.partitions = p;
        for (int i = 0; i < NODES; i++) {
            // One group id per node per loopback block: unique on this machine while the block is held.
            endpoints[i] = new NetworkPartitions.Endpoint("n" + (i + 1), block.address(0, i + 1),
                60_000 + block.octet() * 8 + i);
        }
    }

    /**
     * Starts three agents in {@code dir} (data dirs and logs; it must be empty or new), node 1 bootstrapping, and waits until all
     * three are voters and ready. {@code classpath} must hold the node agent ({@code io.cowsql.node.NodeAgent}).
     */
    public static LocalCluster start(Path dir, String classpath, Duration timeout) {
        try (var entries = Files.exists(dir) ? Files.list(dir) : java.util.stream.Stream.<Path>empty()) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("cluster dir " + dir + " is not empty: start a new cluster in an empty or new directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalCluster c = new LocalCluster(dir.toAbsolutePath(), classpath);
        try {
            for (int i = 0; i < NODES; i++) {
                c.startNode(i);
            }
            c.awaitHealthy(timeout);
            c.formed = true;
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public NetworkPartitions partitions() {
        return partitions;
    }

    @Override
    public int size() {
        return NODES;
    }

    /** The cluster address of node {@code i} (0-based), {@code 127.B.0.(i+1):9001}. */
    public String address(int i) {
        return endpoints[i].ip() + ":" + RAFT_PORT;
    }

    @Override
    public List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            out.add(address(i));
        }
        return out;
    }

    /** The key/value HTTP API of node {@code i}. */
    @Override
    public URI http(int i) {
        return URI.create("http://" + endpoints[i].ip() + ":" + HTTP_PORT + "/");
    }

    @Override
    public NetworkPartitions.Endpoint node(int i) {
        return endpoints[i];
    }

    /** Client endpoint {@code k}: source address {@code 127.B.1.(k+1)}. */
    @Override
    public NetworkPartitions.Endpoint client(int k) {
        return new NetworkPartitions.Endpoint("c" + (k + 1), block.address(1, k + 1), -1);
    }

    /** Options for a client on endpoint {@code k}: its sockets bind that source address. */
    @Override
    public ClientOptions clientOptions(int k) {
        return ChaosCluster.boundClientOptions(client(k).ip());
    }

    /**
     * The network between the nodes as the partitions leave it: for each node (by name), the nodes it
     * can exchange messages with directly, itself included. Who votes the {@link MembershipObserver} records
     * (three voters once {@link #awaitHealthy}; a wiped node's rejoin changes them for a while).
     */
    @Override
    public Map<String, List<String>> reach() {
        return ChaosCluster.reach(NODES, i -> endpoints[i].name(), (i, j) -> partitions.isCut(endpoints[i], endpoints[j]));
    }

    /** The name of the node at {@code address} ({@code n1}..), or the address itself when it is none of them. */
    @Override
    public String nameOf(String address) {
        int i = indexOf(address);
        return i < 0 ? address : endpoints[i].name();
    }

    /** Index of the node with {@code address}, or -1. */
    public int indexOf(String address) {
        return addresses().indexOf(address);
    }

    private void startNode(int i) {
        Path data = dataDir(i);
        List<String> args = new ArrayList<>(List.of("--dir=" + data, "--address=" + address(i),
            "--http=" + endpoints[i].ip() + ":" + HTTP_PORT, "--roles-interval=1s"));
        if (i == 0 && !formed) {
            args.add("--bootstrap");
        } else {
            // Every later start joins, node 1 too: with an emptied dir, --bootstrap and no --join would make a second cluster.
            args.add("--join=" + String.join(",", addresses()));
        }
        ImageTable.ImageCommand agent = ImageTable.nodeAgentCommand(classpath);
        List<String> cmd = new ArrayList<>(NetworkPartitions.runAs(endpoints[i].gid()));
        cmd.addAll(agent.argv(List.of(), args));
        Map<String, String> env = new LinkedHashMap<>(agent.env());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        try {
            Files.createDirectories(data);
            processes[i] = ManagedProcess.start(endpoints[i].name(), cmd, env, dir, dir.resolve(endpoints[i].name() + ".log"),
                registry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a leader sees three voters and every node answers ready. */
    @Override
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing tried";
        while (System.nanoTime() < deadline) {
            try {
                List<NodeInfo> members = configuration();
                long voters = members.stream().filter(m -> m.role() == Role.VOTER).count();
                if (voters == NODES) {
                    boolean ready = true;
                    for (int i = 0; i < NODES && ready; i++) {
                        ready = status(i, "readyz") == 200;
                    }
                    if (ready) {
                        return;
                    }
                    last = "3 voters, not every node ready";
                } else {
                    last = voters + " voters: " + members;
                }
            } catch (CowsqlException | IOException e) {
                last = e.getMessage();
            }
            for (int i = 0; i < NODES; i++) {
                if (processes[i] != null && !processes[i].isAlive()) {
                    throw new IllegalStateException("node " + endpoints[i] + " exited with " + processes[i].exitCode().orElse(-1)
                        + "; log " + processes[i].log());
                }
            }
            ControlPlane.sleep(200);
        }
        throw new IllegalStateException("cluster not healthy after " + timeout.toSeconds() + " s: " + last + "; logs in " + dir);
    }

    @Override
    public List<NodeInfo> configuration() throws CowsqlException {
        try (CowsqlClient leader = CowsqlClient.findLeader(addresses(), observerOptions())) {
            return leader.cluster();
        }
    }

    /** Index of the current leader, or -1 when none is found within a few seconds. */
    @Override
    public int leader() {
        return ChaosCluster.leaderIndex(addresses(), observerOptions(), this::indexOf);
    }

    /**
     * What node {@code i} itself believes the leader is (-1: none); for a deposed leader that does not
     * know it yet, itself.
     */
    public int leaderAsSeenBy(int i) {
        try (CowsqlClient c = CowsqlClient.connect(address(i), observerOptions())) {
            NodeInfo l = c.leader();
            return l.id() == 0 ? -1 : indexOf(l.address());
        } catch (CowsqlException e) {
            return -1;
        }
    }

    private static ClientOptions observerOptions() {
        return ChaosCluster.observerOptions();
    }

    private int status(int i, String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(http(i).resolve(path)).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** SIGKILL to node {@code i}'s process group. */
    public void kill(int i) {
        processes[i].kill();
    }

    /** Starts node {@code i} again on its data dir (after {@link #kill}). */
    public void restart(int i) {
        if (processes[i].isAlive()) {
            throw new IllegalStateException(endpoints[i] + " is running");
        }
        startNode(i);
    }

    /**
     * Empties the data dir of node {@code i}, which must not be running: started again, it is a new
     * node at the old address (what a replaced disk looks like).
     */
    public void wipe(int i) {
        if (isRunning(i)) {
            throw new IllegalStateException(endpoints[i] + " is running: kill it before wiping its data");
        }
        try {
            ChaosRun.deleteTree(dataDir(i));
            Files.createDirectories(dataDir(i));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path dataDir(int i) {
        return dir.resolve(endpoints[i].name());
    }

    /** Ends every fault: removes the cuts, resumes every node, starts the ones that are not running. */
    @Override
    public void healAll() {
        partitions.heal();
        for (int i = 0; i < NODES; i++) {
            if (isRunning(i)) {
                resume(i);
            } else {
                startNode(i);
            }
        }
    }

    public boolean isRunning(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** SIGSTOP to node {@code i}'s process group. */
    public void pause(int i) {
        processes[i].signal("STOP");
    }

    /** SIGCONT to node {@code i}'s process group. */
    public void resume(int i) {
        processes[i].signal("CONT");
    }

    /** The processes' group ids (what the registry records), for tests. */
    public List<Long> pids() {
        List<Long> out = new ArrayList<>();
        for (ManagedProcess p : processes) {
            if (p != null) {
                out.add(p.pid());
            }
        }
        return out;
    }

    public ProcessRegistry registry() {
        return registry;
    }

    /** Removes the partitions, stops every node at once (SIGTERM, then SIGKILL after 5 s), releases the addresses. */
    @Override
    public void close() {
        try {
            partitions.close();
        } finally {
            try {
                // All at once: one by one, each stop waits out the handover of a node whose peers are going too.
                List<Thread> stops = new ArrayList<>();
                for (ManagedProcess p : processes) {
                    if (p != null) {
                        Thread t = new Thread(() -> p.stop(Duration.ofSeconds(5)), "stop-" + p.label());
                        t.start();
                        stops.add(t);
                    }
                }
                for (Thread t : stops) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            } finally {
                registry.close();
                block.close();
            }
        }
    }
}
