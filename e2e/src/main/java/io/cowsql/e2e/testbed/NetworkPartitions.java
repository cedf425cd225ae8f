package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network partitions between processes on loopback addresses, by iptables DROP rules in a chain of
 * the testbed's own ({@code COWSQL-TESTBED-<jvm-pid>-<n>}, jumped to from the top of {@code OUTPUT}).
 *
 * <p>Why the rules match the sending process's group id and not only addresses: a socket that is not
 * bound before {@code connect} gets the source address 127.0.0.1 for any 127.x destination (the
 * kernel's local route for 127.0.0.0/8 has {@code src 127.0.0.1}), and the engine's peers dial unbound,
 * so the source address does not tell who sent a packet. Each partitionable process is therefore
 * started with a group id of its own ({@link #runAs}), and "A cannot reach B" is the rule "packets
 * sent by a socket of group A to B's address are dropped" (owner matching works on locally generated
 * packets, i.e. in OUTPUT). A process in this JVM (a test's client) is an endpoint with a source
 * address instead: its sockets bind that address before connecting, and its rule matches it.
 * Dropping one direction of a TCP connection stalls all of it, and every rule is added for both
 * directions, so a cut is symmetric.
 *
 * <p>Nothing outlives the testbed: the chain is listed in a file next to the {@link ProcessRegistry}'s
 * PID file ({@code <pids>.iptables}, lines {@code <iptables> <chain>}); {@link #close()} removes it,
 * and so do the registry's watchdog when the JVM dies (even by SIGKILL) and the next start's sweep.
 * Needs root (iptables).
 */
public final class NetworkPartitions implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /**
     * A partitionable party: traffic to it is recognised by {@code ip} (and, when {@code port > 0}, that TCP
     * port: a server such as the API server, sharing its address with others), traffic from it by its
     * group id (a process started with {@link #runAs}) or, when {@code gid < 0}, by {@code ip} (and
     * {@code port}) as source.
     */
    public record Endpoint(String name, String ip, int gid, int port) {
        /** An endpoint of every port of {@code ip}. */
        public Endpoint(String name, String ip, int gid) {
            this(name, ip, gid, 0);
        }

        /**
         * A TCP server at {@code ip:port} that dials no one: cutting a process from it drops what the process
         * sends to that port, which stalls its connections there both ways (nothing it sends, ACKs included,
         * arrives) and refuses new ones.
         */
        public static Endpoint server(String name, String ip, int port) {
            return new Endpoint(name, ip, -1, port);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Group ids of pods ({@link #podGroup}): above every range a harness hands out by hand (60000-61599). */
    private static final int POD_GID_BASE = 1_000_000;

    private final String iptables;
    private final String chain;
    private final Path listFile;
    private final Set<List<String>> cuts = new LinkedHashSet<>();
    private boolean closed;

    private NetworkPartitions(String iptables, String chain, Path listFile) {
        this.iptables = iptables;
        this.chain = chain;
        this.listFile = listFile;
    }

    /** The iptables executable: {@code -Dcowsql.e2e.iptables}, else /usr/sbin/iptables or /sbin/iptables, else PATH. */
    public static String iptables() {
        String p = System.getProperty("cowsql.e2e.iptables");
        if (p != null && !p.isBlank()) {
            return p;
        }
        for (String c : List.of("/usr/sbin/iptables", "/sbin/iptables")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return "iptables";
    }

    /** The command prefix that runs a process under group id {@code gid} (same user, no supplementary groups). */
    public static List<String> runAs(int gid) {
        return List.of("setpriv", "--regid=" + gid, "--clear-groups", "--");
    }

    /**
     * The group id the process kubelet runs the pod at {@code podIp} ({@code 127.B.x.y}) under: a function of
     * the address, which is unique on this machine while its kubelet holds the block, so two pods never share one.
     */
    public static int podGroup(String podIp) {
        String[] o = podIp.split("\\.");
        if (o.length != 4 || !o[0].equals("127")) {
            throw new IllegalArgumentException("not a testbed pod IP (127.B.x.y): " + podIp);
        }
        return POD_GID_BASE + (Integer.parseInt(o[1]) << 16 | Integer.parseInt(o[2]) << 8 | Integer.parseInt(o[3]));
    }

    /**
     * The command prefix the process kubelet puts before each container's command: {@link #runAs} the pod's
     * {@link #podGroup}, when this JVM runs as root (partitions need root anyway); else none, and the pod's
     * processes keep this JVM's group.
     */
    public static List<String> podCommandPrefix(String podIp) {
        return runningAsRoot() ? runAs(podGroup(podIp)) : List.of();
    }

    private static boolean runningAsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0")); // the effective uid
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates an empty chain, jumps to it from OUTPUT, and lists it for the registry's watchdog. */
    public static NetworkPartitions open(ProcessRegistry registry) {
        String ipt = iptables();
        String chain = "COWSQL-TESTBED-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path list = listFile(registry.file());
        NetworkPartitions n = new NetworkPartitions(ipt, chain, list);
        try {
            // Listed before it exists: a JVM killed in between still gets it removed.
            Files.writeString(list, ipt + " " + chain + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            n.run("-N", chain);
            n.run("-I", "OUTPUT", "1", "-j", chain);
        } catch (RuntimeException e) {
            n.close();
            throw new IllegalStateException("network partitions need iptables as root (" + ipt + "): " + e.getMessage(), e);
        }
        return n;
    }

    /** The file listing the chains of the registry whose PID file is {@code pidFile}. */
    static Path listFile(Path pidFile) {
        return pidFile.resolveSibling(pidFile.getFileName() + ".iptables");
    }

    public String chain() {
        return chain;
    }

    /** Drops what {@code from} sends to {@code to} and what {@code to} sends to {@code from}. */
    public synchronized void cut(Endpoint from, Endpoint to) {
        for (List<String> rule : List.of(rule(from, to), rule(to, from))) {
            if (cuts.add(rule)) {
                List<String> args = new ArrayList<>(List.of("-A", chain));
                args.addAll(rule);
                run(args.toArray(String[]::new));
            }
        }
    }

    /** Cuts every pair of endpoints in different components; endpoints in no component are left alone. */
    public synchronized void partition(List<? extends Collection<Endpoint>> components) {
        for (int i = 0; i < components.size(); i++) {
            for (int j = i + 1; j < components.size(); j++) {
                for (Endpoint a : components.get(i)) {
                    for (Endpoint b : components.get(j)) {
                        cut(a, b);
                    }
                }
            }
        }
    }

    /** Whether some cut drops what {@code a} sends to {@code b} or what {@code b} sends to {@code a}. */
    public synchronized boolean isCut(Endpoint a, Endpoint b) {
        return cuts.contains(rule(a, b)) || cuts.contains(rule(b, a));
    }

    /** Removes every cut. */
    public synchronized void heal() {
        run("-F", chain);
        cuts.clear();
    }

    /** The chain's rules as {@code iptables -S} prints them (without the {@code -N} line). */
    public synchronized List<String> rules() {
        return run("-S", chain).lines().filter(l -> l.startsWith("-A ")).toList();
    }

    private static List<String> rule(Endpoint from, Endpoint to) {
        List<String> r = new ArrayList<>();
        if (from.gid() >= 0) {
            r.addAll(List.of("-m", "owner", "--gid-owner", Integer.toString(from.gid())));
        } else {
            r.addAll(List.of("-s", from.ip() + "/32"));
        }
        r.addAll(List.of("-d", to.ip() + "/32"));
        if (from.gid() < 0 && from.port() > 0 || to.port() > 0) {
            r.addAll(List.of("-p", "tcp"));
            if (from.gid() < 0 && from.port() > 0) {
                r.addAll(List.of("--sport", Integer.toString(from.port())));
            }
            if (to.port() > 0) {
                r.addAll(List.of("--dport", Integer.toString(to.port())));
            }
        }
        r.addAll(List.of("-j", "DROP"));
        return r;
    }

    private String run(String... args) {
        return exec(iptables, args);
    }

    private static String exec(String iptables, String... args) {
        List<String> cmd = new ArrayList<>(List.of(iptables, "-w", "5"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + iptables, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /** Removes one chain (its jump from OUTPUT, its rules, the chain); quiet about parts already gone. */
    static void removeChain(String iptables, String chain) {
        for (List<String> args : List.of(List.of("-D", "OUTPUT", "-j", chain), List.of("-F", chain), List.of("-X", chain))) {
            try {
                exec(iptables, args.toArray(String[]::new));
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }

    /** Removes the chains listed in {@code listFile} and the file (the sweep of a dead owner). */
    static void removeListed(Path listFile) {
        if (!Files.exists(listFile)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(listFile, StandardCharsets.UTF_8)) {
                String[] p = line.trim().split(" ");
                if (p.length == 2) {
                    removeChain(p[0], p[1]);
                }
            }
            Files.deleteIfExists(listFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the chain and its listing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeChain(iptables, chain);
        cuts.clear();
        try {
            List<String> keep = Files.exists(listFile) ? Files.readAllLines(listFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.trim().endsWith(" " + chain)).toList() : List.of();
            if (keep.isEmpty()) {
                Files.deleteIfExists(listFile);
            } else {
                Files.write(listFile, keep, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
