package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared helpers of the testbed's system-tier tests (the tier itself is the {@code @SystemTier} tag). */
final class SystemTests {
    private SystemTests() {}

    static Path scriptsDir() {
        return Path.of(System.getProperty("cowsql.e2e.scriptsDir", "scripts"));
    }

    static Path workDir() {
        return Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed"));
    }

    static ControlPlane.Options options() {
        return ControlPlane.Options.defaults(workDir(), ControlPlaneBinaries.locate(scriptsDir()));
    }

    static void createNamespace(io.fabric8.kubernetes.client.KubernetesClient c, String name) {
        c.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(name)
            .endMetadata().build()).create();
    }

    /** Closes {@code tb} (when it started) and checks that none of its processes outlived it. */
    static void closeLeavingNoProcesses(Testbed tb) {
        if (tb == null) {
            return;
        }
        String marker = tb.dir().toString();
        tb.close();
        assertThat(processesMentioning(marker)).as("processes left behind").isEmpty();
    }

    /** PIDs of live (non-zombie) processes whose command line mentions {@code marker}. */
    static List<Long> processesMentioning(String marker) {
        List<Long> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(n);
                if (pid == ProcessHandle.current().pid()) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                    if (cmd.contains(marker) && Procfs.alive(pid, -1)) {
                        out.add(pid);
                    }
                } catch (IOException e) {
                    // process gone
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** kubectl against {@code kubeconfig} in {@code namespace} (each request bounded by 30 s); fails on a non-zero exit. */
    static String kubectl(Path kubeconfig, String namespace, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig=" + kubeconfig, "--namespace=" + namespace,
            "--request-timeout=30s"));
        cmd.addAll(List.of(args));
        return run(timeoutSeconds, cmd.toArray(String[]::new));
    }

    /** Runs a command, returns stdout+stderr; fails on a non-zero exit. */
    static String run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + s);
        }
        return s;
    }
}
