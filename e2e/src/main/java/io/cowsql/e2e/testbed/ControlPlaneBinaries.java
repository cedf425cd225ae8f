package io.cowsql.e2e.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where kube-apiserver, kube-controller-manager, kube-scheduler (built by
 * {@code e2e/scripts/build-control-plane.sh}) and etcd (Debian's etcd-server) are.
 */
public record ControlPlaneBinaries(Path binDir, Path etcd) {
    /** sha256 of Debian's kubernetes_1.20.5+really1.20.2.orig.tar.gz: the cache key. */
    public static final String ORIG_SHA256 = "b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc";

    public Path apiServer() { return binDir.resolve("kube-apiserver"); }
    public Path controllerManager() { return binDir.resolve("kube-controller-manager"); }
    public Path scheduler() { return binDir.resolve("kube-scheduler"); }

    /**
     * Looks in {@code $COWSQL_K8S_BIN} / {@code -Dcowsql.k8s.bin}, else the script's cache
     * ({@code $COWSQL_TESTBED_CACHE} or /var/cache/cowsql-testbed, then k8s-SHA/bin). When the binaries
     * are missing and {@code scriptsDir} holds build-control-plane.sh, runs it (a cold build takes
     * about 15 minutes on 2 cores).
     */
    public static ControlPlaneBinaries locate(Path scriptsDir) {
        Path etcd = findOnPath("etcd");
        if (etcd == null) {
            throw new IllegalStateException("etcd not found on PATH: install Debian package etcd-server");
        }
        String explicit = firstNonBlank(System.getProperty("cowsql.k8s.bin"), System.getenv("COWSQL_K8S_BIN"));
        if (explicit != null) {
            ControlPlaneBinaries b = new ControlPlaneBinaries(Path.of(explicit), etcd);
            b.check();
            return b;
        }
        String root = firstNonBlank(System.getenv("COWSQL_TESTBED_CACHE"), "/var/cache/cowsql-testbed");
        ControlPlaneBinaries b = new ControlPlaneBinaries(Path.of(root, "k8s-" + ORIG_SHA256, "bin"), etcd);
        if (b.present()) {
            return b;
        }
        Path script = scriptsDir == null ? null : scriptsDir.resolve("build-control-plane.sh");
        if (script == null || !Files.isExecutable(script)) {
            throw new IllegalStateException("control-plane binaries missing in " + b.binDir
                + " and build-control-plane.sh not found: run e2e/scripts/build-control-plane.sh first");
        }
        System.err.println("[testbed] control plane not cached; running " + script + " (about 15 min cold)");
        try {
            Process p = new ProcessBuilder("bash", script.toString())
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("build-control-plane.sh failed with exit code " + rc);
            }
            List<String> lines = out.lines().toList();
            b = new ControlPlaneBinaries(Path.of(lines.get(lines.size() - 1)), etcd);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the control plane", e);
        }
        b.check();
        return b;
    }

    boolean present() {
        return Files.isExecutable(apiServer()) && Files.isExecutable(controllerManager())
            && Files.isExecutable(scheduler());
    }

    void check() {
        if (!present()) {
            throw new IllegalStateException("kube-apiserver, kube-controller-manager or kube-scheduler missing in "
                + binDir + ": run e2e/scripts/build-control-plane.sh");
        }
    }

    static Path findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String d : path.split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String firstNonBlank(String... s) {
        for (String x : s) {
            if (x != null && !x.isBlank()) {
                return x;
            }
        }
        return null;
    }
}
