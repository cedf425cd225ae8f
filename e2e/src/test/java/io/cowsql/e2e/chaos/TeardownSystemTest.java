package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.e2e.testbed.NetworkPartitions;
import io.cowsql.testing.SystemTier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cut really cuts (real sockets, real agents' group ids), and nothing outlives a cluster: no rule or
 * chain in iptables, no process, no mount, after close and after kill -9 of the JVM that owned it
 * (then the registry's watchdog cleans up).
 */
@SystemTier
class TeardownSystemTest {

    static String iptablesRules() throws Exception {
        Process p = new ProcessBuilder(NetworkPartitions.iptables(), "-w", "5", "-S").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
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

    static List<Long> alive(List<Long> pids) {
        return pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).toList();
    }

    static List<String> mountsUnder(Path dir) throws IOException {
        String d = dir.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream().filter(l -> l.contains(d)).toList();
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
            assertThat(iptablesRules()).contains("-A OUTPUT -j " + chain);
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
        assertThat(iptablesRules()).doesNotContain(chain);
        assertThat(alive(pids)).isEmpty();
        assertThat(mountsUnder(dir)).isEmpty();
        assertThat(c.registry().file()).doesNotExist();
        ChaosRun.deleteTree(dir);
    }

    @Test
    void afterKill9OfTheOwningJvmTheWatchdogRemovesTheChainAndTheAgents() throws Exception {
        Path dir = ChaosScenariosSystemTest.WORK.resolve("teardown-kill9").toAbsolutePath();
        ChaosRun.deleteTree(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            "-Dcowsql.e2e.nodeJvmOptions=" + System.getProperty("cowsql.e2e.nodeJvmOptions", "../node-image/jvm.options"),
            ChaosClusterChild.class.getName(), dir.toString())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        String ready = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            String line;
            while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    ready = line;
                    break;
                }
            }
            assertThat(ready).as("the child cluster came up").isNotNull();
            String[] f = ready.split(" ");
            String chain = f[1];
            List<Long> pids = Arrays.stream(f, 3, f.length).map(Long::parseLong).toList();
            assertThat(iptablesRules()).contains("-A OUTPUT -j " + chain).contains("-A " + chain + " ");
            assertThat(alive(pids)).hasSize(3);
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until && (iptablesRules().contains(chain) || !alive(pids).isEmpty())) {
                Thread.sleep(500);
            }
            assertThat(iptablesRules()).doesNotContain(chain);
            assertThat(alive(pids)).isEmpty();
            assertThat(mountsUnder(dir)).isEmpty();
        } finally {
            child.destroyForcibly();
            ChaosRun.deleteTree(dir);
        }
    }
}
