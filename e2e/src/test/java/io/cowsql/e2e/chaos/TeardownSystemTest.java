package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.e2e.testbed.NetworkPartitions;
import io.cowsql.e2e.testbed.ProcessRegistry;
import io.cowsql.e2e.testbed.Procfs;
import io.cowsql.testing.SystemTier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cut really cuts (real sockets, real agents' group ids), and nothing outlives a cluster: no rule or
 * chain in iptables-save, no process (by the agents' process groups and by the run's paths in command
 * lines, the watchdog's included), no line in /proc/mounts, after close, after a whole run, and after
 * kill -9 of a JVM in the middle of a run's partition (then the registry's watchdog cleans up).
 */
@SystemTier
class TeardownSystemTest {

    /** What {@code iptables-save} prints: every table's chains and rules. */
    static String iptablesSave() throws Exception {
        Process p = new ProcessBuilder(NetworkPartitions.iptables() + "-save").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("iptables-save: " + out).isZero();
        return out;
    }

    /** The prefix of every partition chain a JVM creates. */
    static String chainsOf(long jvmPid) {
        return "COWSQL-TESTBED-" + jvmPid + "-";
    }

    /**
     * What is left of a cluster: iptables-save lines naming a chain with {@code chainPrefix}, processes
     * (other than this JVM) in one of {@code groups} or whose command line holds a marker, and
     * /proc/mounts lines holding a marker.
     */
    static List<String> leftovers(String chainPrefix, List<String> markers, Collection<Long> groups) throws Exception {
        List<String> out = new ArrayList<>();
        iptablesSave().lines().filter(l -> l.contains(chainPrefix)).forEach(l -> out.add("iptables: " + l));
        long me = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("[0-9]+")).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == me) {
                    continue;
                }
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                Optional<Long> group = Procfs.processGroup(pid);
                if (group.filter(groups::contains).isPresent() || markers.stream().anyMatch(cmd::contains)) {
                    out.add("process " + pid + " (group " + group.orElse(-1L) + "): " + cmd);
                }
            }
        }
        for (String l : Files.readAllLines(Path.of("/proc/mounts"))) {
            if (markers.stream().anyMatch(l::contains)) {
                out.add("mount: " + l);
            }
        }
        return out;
    }

    /** Process groups recorded in the registry PID files of JVM {@code jvmPid} (lines {@code <pgid> <start> <label>}). */
    static Set<Long> recordedGroups(long jvmPid) throws IOException {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> files = Files.list(ProcessRegistry.defaultDir())) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith(jvmPid + "-")
                && x.getFileName().toString().endsWith(".pids")).toList()) {
                try {
                    Files.readAllLines(f).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                        .forEach(l -> out.add(Long.parseLong(l.split(" ")[0])));
                } catch (IOException e) {
                    // removed meanwhile
                }
            }
        }
        return out;
    }

    static boolean connects(String sourceIp, String ip, int port) {
        try (Socket s = new Socket()) {
            if (sourceIp != null) {
                s.bind(new InetSocketAddress(sourceIp, 0));
            }
            s.connect(new InetSocketAddress(ip, port), 700);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a process under {@code gid} can connect to {@code ip:port} (bash's /dev/tcp, 2 s at most). */
    static boolean connectsAs(int gid, String ip, int port) throws Exception {
        List<String> cmd = new ArrayList<>(NetworkPartitions.runAs(gid));
        cmd.addAll(List.of("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + ip + "/" + port));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void aCutDropsBothDirectionsAndCloseLeavesNoRuleProcessOrMount() throws Exception {
        Path dir = ChaosScenariosSystemTest.WORK.resolve("teardown");
        ChaosRun.deleteTree(dir); // a failed earlier run keeps its logs there
        LocalCluster c = LocalCluster.start(dir, System.getProperty("java.class.path"), Duration.ofSeconds(120));
        String chain;
        List<Long> pids;
        try {
            chain = c.partitions().chain();
            pids = c.pids();
            String n2 = c.node(1).ip();
            assertThat(connects(c.client(0).ip(), n2, LocalCluster.RAFT_PORT)).isTrue();
            assertThat(connectsAs(c.node(0).gid(), n2, LocalCluster.RAFT_PORT)).isTrue();
            c.partitions().partition(List.of(Set.of(c.node(0), c.client(0)), Set.of(c.node(1), c.node(2), c.client(1))));
            assertThat(c.partitions().rules()).as("2 x 3 pairs, both directions").hasSize(12);
            assertThat(iptablesSave()).contains("-A OUTPUT -j " + chain);
            // n1's group and client endpoint 1 cannot reach n2; n2's group cannot reach n1; the other side can.
            assertThat(connects(c.client(0).ip(), n2, LocalCluster.RAFT_PORT)).isFalse();
            assertThat(connectsAs(c.node(0).gid(), n2, LocalCluster.RAFT_PORT)).isFalse();
            assertThat(connectsAs(c.node(1).gid(), c.node(0).ip(), LocalCluster.RAFT_PORT)).isFalse();
            assertThat(connects(c.client(1).ip(), n2, LocalCluster.RAFT_PORT)).isTrue();
            assertThat(connectsAs(c.node(2).gid(), n2, LocalCluster.RAFT_PORT)).isTrue();
            c.partitions().heal();
            assertThat(c.partitions().rules()).isEmpty();
            assertThat(connects(c.client(0).ip(), n2, LocalCluster.RAFT_PORT)).isTrue();
            c.partitions().cut(c.node(0), c.node(2));
        } finally {
            c.close();
        }
        assertThat(iptablesSave()).doesNotContain(chain);
        assertThat(leftovers(chain, List.of(dir.toAbsolutePath().toString()), pids)).isEmpty();
        assertThat(c.registry().file()).doesNotExist();
        ChaosRun.deleteTree(dir);
    }

    @Test
    void aWholeRunLeavesNoChainProcessOrMount() throws Exception {
        Path dir = ChaosScenariosSystemTest.WORK.resolve("teardown-run").toAbsolutePath();
        ChaosRun.deleteTree(dir);
        long me = ProcessHandle.current().pid();
        ChaosRun.Result r = ChaosRun.run(ChaosRun.Config.defaults(Scenario.SPLIT, 3, dir, System.getProperty("java.class.path"))
            .withFaults(1).withKeep(true));
        assertThat(r.error()).as("run error, history in " + dir).isNull();
        assertThat(History.read(dir.resolve("history.jsonl"))).filteredOn(op -> op.isNemesis() && op.type() == Op.Type.OK)
            .extracting(Op::f).containsExactly("partition", "heal");
        assertThat(leftovers(chainsOf(me), List.of(dir.toString()), Set.of())).isEmpty();
        assertThat(recordedGroups(me)).as("no registry of this JVM left").isEmpty();
        ChaosRun.deleteTree(dir);
    }

    @Test
    void aRunKilledMidPartitionLeavesNoChainProcessOrMountOnceTheWatchdogIsDone() throws Exception {
        Path dir = ChaosScenariosSystemTest.WORK.resolve("teardown-kill9").toAbsolutePath();
        ChaosRun.deleteTree(dir);
        Files.createDirectories(dir.getParent());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            "-Dcowsql.e2e.nodeJvmOptions=" + System.getProperty("cowsql.e2e.nodeJvmOptions", "../node-image/jvm.options"),
            ChaosClusterChild.class.getName(), dir.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolveSibling("teardown-kill9.log").toFile()).start();
        long childPid = child.pid();
        Path history = dir.resolve("history.jsonl");
        Set<Long> groups = new HashSet<>();
        List<String> markers = List.of(dir.toString(), ProcessRegistry.defaultDir().resolve(childPid + "-").toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            boolean inForce = false;
            List<String> live = null;
            while (!inForce && System.nanoTime() < deadline && child.isAlive()) {
                List<String> nemesis = Files.exists(history) ? Files.readAllLines(history).stream()
                    .filter(l -> l.contains("\"process\":-1")).toList() : List.of();
                if (live == null && Files.exists(history) && nemesis.isEmpty()) {
                    // Load running, no fault yet: the same look finds the run (the child, its watchdog, three agents).
                    groups.addAll(recordedGroups(childPid));
                    live = leftovers(chainsOf(childPid), markers, groups);
                }
                inForce = !nemesis.isEmpty() && nemesis.get(nemesis.size() - 1).contains("\"type\":\"OK\"")
                    && nemesis.get(nemesis.size() - 1).contains("\"f\":\"partition\"");
                Thread.sleep(50);
            }
            assertThat(inForce).as("the child's partition came into force (log " + dir.resolveSibling("teardown-kill9.log") + ")")
                .isTrue();
            String inForceRules = iptablesSave();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no heal, no close
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(inForceRules).contains("-A OUTPUT -j " + chainsOf(childPid)).contains("-A " + chainsOf(childPid));
            assertThat(groups).as("the three agents' process groups").hasSize(3);
            assertThat(live).as("seen while the load ran").isNotNull();
            assertThat(live).filteredOn(l -> l.startsWith("iptables: :" + chainsOf(childPid))).isNotEmpty();
            assertThat(live).filteredOn(l -> l.startsWith("process ")).hasSizeGreaterThanOrEqualTo(5)
                .anySatisfy(l -> assertThat(l).contains("watchdog", String.valueOf(childPid)))
                .filteredOn(l -> l.contains("io.cowsql.node.NodeAgent")).hasSizeGreaterThanOrEqualTo(3);
            List<Op> h = Files.readAllLines(history).stream().filter(l -> l.endsWith("}")).map(l -> {
                try {
                    return History.JSON.readValue(l, Op.class);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(Op::isNemesis).toList();
            assertThat(h.get(h.size() - 1)).as("killed while the partition was in force, before its heal began")
                .satisfies(op -> assertThat(op.f()).isEqualTo("partition"), op -> assertThat(op.type()).isEqualTo(Op.Type.OK));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until && !leftovers(chainsOf(childPid), markers, groups).isEmpty()) {
                Thread.sleep(500);
            }
            assertThat(leftovers(chainsOf(childPid), markers, groups)).isEmpty();
            assertThat(recordedGroups(childPid)).as("the child's registry files are gone").isEmpty();
        } finally {
            child.destroyForcibly();
            ChaosRun.deleteTree(dir);
        }
    }
}
