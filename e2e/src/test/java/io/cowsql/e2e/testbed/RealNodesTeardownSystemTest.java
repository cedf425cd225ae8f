package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Nothing of a real-node testbed outlives it, looked up the way an operator of the machine would: no
 * process whose command line names the testbed's directories or that sits in its cgroups (containers,
 * shims), no mount under its state directory (snapshots, root filesystems, volumes, network namespaces),
 * no bridge of its own nor a veth that was on one, nor the API server's in-cluster address device, no KUBE- iptables chain, no cgroup, every sysctl it
 * saved back at its saved value, no directory it created outside its own. Checked after {@code close()}
 * with a pod running, and after {@code kill -9} of a JVM running a testbed with a pod (then the process
 * registry's watchdog runs the teardown). The same look, taken while the testbed runs, finds each of
 * these things, so an empty look is not an empty question. Runs as root, as CI does.
 */
@SystemTier
class RealNodesTeardownSystemTest {
    @Test
    void closeWithAPodRunningLeavesNothingBehind() throws Exception {
        Testbed tb = Testbed.start(Testbed.Options.defaults(SystemTests.workDir().resolve("real-teardown"),
                SystemTests.scriptsDir()).withZones(1)
            .withRealNodes(options(SystemTests.scriptsDir(), RealNodesSystemTest.baseImage())));
        Leftovers during;
        Path dir = tb.dir();
        Path state = tb.realNodes().nodes().get(0).state().getParent();
        try {
            startSleeper(tb, "default");
            awaitRunning(tb, "default");
            during = Leftovers.look(dir, state, ProcessHandle.current().pid());
        } finally {
            tb.close();
        }
        assertFindsEverything(during, ProcessHandle.current().pid());
        Leftovers after = Leftovers.look(dir, state, ProcessHandle.current().pid());
        assertThat(after.describe()).as("left behind after close()").isEqualTo(Leftovers.NOTHING);
        assertThat(Files.readAllLines(dir.resolve("real-nodes/sysctl.saved")))
            .as("saved whole (multi-digit values too)").contains("kernel.keys.root_maxkeys "
                + SystemTests.run(10, "sysctl", "-n", "kernel.keys.root_maxkeys").strip());
    }

    @Test
    void killMinus9OfTheJvmLeavesNothingBehindOnceTheWatchdogRan() throws Exception {
        Path work = SystemTests.workDir().resolve("real-teardown-kill9").toAbsolutePath();
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = work.resolve("child.log");
        Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            RealNodesChild.class.getName(), work.toString(), SystemTests.scriptsDir().toAbsolutePath().toString(),
            RealNodesSystemTest.baseImage())
            .redirectErrorStream(true).start();
        Path dir = null;
        Path state = null;
        boolean running = false;
        List<String> output = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            String line;
            while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
                output.add(line);
                if (line.startsWith("TESTBED ")) {
                    String[] f = line.split(" ");
                    dir = Path.of(f[1]);
                    state = Path.of(f[2]);
                } else if (line.startsWith("RUNNING ")) {
                    running = true;
                    break;
                }
            }
            assertThat(running).as("the child's pod runs; its output:\n%s", String.join("\n", output)).isTrue();
            Leftovers during = Leftovers.look(dir, state, child.pid());
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            child.waitFor(30, TimeUnit.SECONDS);
            assertFindsEverything(during, child.pid());
        } finally {
            child.destroyForcibly();
            Files.write(log, output);
        }
        // The watchdog polls every second, kills the groups (2 s grace) and runs the teardown script.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Leftovers after = Leftovers.look(dir, state, child.pid());
        while (!after.describe().equals(Leftovers.NOTHING) && System.nanoTime() < deadline) {
            ControlPlane.sleep(1000);
            after = Leftovers.look(dir, state, child.pid());
        }
        assertThat(after.describe()).as("left behind 2 min after kill -9 (teardown log %s)",
            dir.resolve("real-nodes/teardown.log")).isEqualTo(Leftovers.NOTHING);
    }

    /**
     * The testbeds here have everything a real-node testbed can add to the machine: the API server's in-cluster
     * address (a device of its own) and local volumes, one of them mounted by the sleeper pod.
     */
    static RealNodes.Options options(Path scriptsDir, String image) {
        return RealNodes.Options.defaults(scriptsDir).withImages(List.of(image)).withInClusterApiServer().withLocalVolumes(1);
    }

    static void assertFindsEverything(Leftovers during, long owner) {
        assertThat(during.processes()).as("the look finds the testbed's processes").isNotEmpty();
        assertThat(during.cgroupProcesses()).as("the look finds the container's processes in the cgroups").isNotEmpty();
        assertThat(during.mounts()).as("the look finds the state's mounts").isNotEmpty();
        assertThat(during.devices()).as("the look finds the bridge and the pod's veth").hasSizeGreaterThanOrEqualTo(3);
        assertThat(during.devices()).as("the look finds the API server's in-cluster address device")
            .anyMatch(l -> l.contains("ctb" + owner + "-api"));
        assertThat(during.mounts()).as("the look finds the local volume's mount")
            .anyMatch(l -> l.contains("kubernetes.io~local-volume"));
        assertThat(during.chains()).as("the look finds kube-proxy's chains").isNotEmpty();
        assertThat(during.changedSysctls()).as("the look sees a changed sysctl (ip_forward at least)").isNotEmpty();
        assertThat(during.paths()).as("the look finds the state directory").isNotEmpty();
    }

    /** A pod sleeping with a claim on the node's local volume mounted. */
    static void startSleeper(Testbed tb, String ns) {
        tb.client().persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
            .withNewMetadata().withName("sleeper").endMetadata()
            .withNewSpec().withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
            .build()).create();
        tb.client().pods().inNamespace(ns).resource(new PodBuilder()
            .withNewMetadata().withName("sleeper").endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("sleep").withImage(tb.realNodes().images().get(0)).withImagePullPolicy("Never")
                    .withCommand("sleep", "infinity")
                    .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("sleeper").endPersistentVolumeClaim()
                    .endVolume()
            .endSpec().build()).create();
    }

    static Pod awaitRunning(Testbed tb, String ns) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            Pod p = tb.client().pods().inNamespace(ns).withName("sleeper").get();
            if (p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
                return p;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sleeper pod did not run within 3 min:\n" + tb.describe(20));
            }
            ControlPlane.sleep(500);
        }
    }

    /** What a real-node testbed of JVM {@code owner} has on the machine. */
    record Leftovers(List<Long> processes, List<Long> cgroupProcesses, List<String> mounts, List<String> devices,
                     List<String> chains, Map<String, String> changedSysctls, List<String> paths) {
        static final String NOTHING = "nothing";

        static Leftovers look(Path dir, Path state, long owner) throws IOException, InterruptedException {
            List<Long> procs = new ArrayList<>(SystemTests.processesMentioning(dir.toString()));
            SystemTests.processesMentioning(state.toString()).stream().filter(p -> !procs.contains(p)).forEach(procs::add);
            List<Long> inCgroups = new ArrayList<>();
            try (Stream<Path> hs = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path h : hs.toList()) {
                    Path cg = h.resolve("cowsql-tb-" + owner);
                    if (!Files.isDirectory(cg)) {
                        continue;
                    }
                    try (Stream<Path> files = Files.walk(cg)) {
                        for (Path f : files.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList()) {
                            Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong)
                                .filter(p -> !inCgroups.contains(p)).forEach(inCgroups::add);
                        }
                    }
                }
            }
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(state.toString())).toList();
            String bridgePrefix = "ctb" + owner + "-";
            List<String> devices = SystemTests.run(10, "ip", "-o", "link", "show").lines()
                .filter(l -> l.contains(bridgePrefix)).toList();
            List<String> chains = SystemTests.run(20, NetworkPartitions.iptables() + "-save").lines()
                .filter(l -> l.startsWith(":KUBE-")).toList();
            Map<String, String> changed = new LinkedHashMap<>();
            Path saved = dir.resolve("real-nodes/sysctl.saved");
            if (Files.exists(saved)) {
                for (String l : Files.readAllLines(saved)) {
                    String[] kv = l.split(" ", 2);
                    // sysctl(8), not the testbed's own reader: a reader that gets "1" for 1000000 would save and
                    // "restore" the wrong value and still compare equal to itself.
                    String now = SystemTests.run(10, "sysctl", "-n", kv[0]).strip();
                    if (!now.equals(kv[1])) {
                        changed.put(kv[0], kv[1] + " -> " + now);
                    }
                }
            }
            List<String> paths = new ArrayList<>();
            if (Files.exists(state)) {
                paths.add(state.toString());
            }
            Path created = dir.resolve("real-nodes/created.saved");
            if (Files.exists(created)) {
                Files.readAllLines(created).stream().filter(p -> Files.exists(Path.of(p))).forEach(paths::add);
            }
            return new Leftovers(procs, inCgroups, mounts, devices, chains, changed, paths);
        }

        String describe() {
            if (processes.isEmpty() && cgroupProcesses.isEmpty() && mounts.isEmpty() && devices.isEmpty()
                && chains.isEmpty() && changedSysctls.isEmpty() && paths.isEmpty()) {
                return NOTHING;
            }
            return toString();
        }
    }
}
