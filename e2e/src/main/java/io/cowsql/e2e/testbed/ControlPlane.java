package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes 1.20.2 control plane on loopback: etcd, kube-apiserver (RBAC, self-signed serving
 * certificate, static admin token), kube-controller-manager (all default controllers, including
 * StatefulSet, garbage collector, namespace, service-account and token, PV binder, node lifecycle,
 * pod GC) and kube-scheduler, each in its own process group recorded in a {@link ProcessRegistry}.
 *
 * <p>{@link #kubeconfig()} is an admin kubeconfig that kubectl and Fabric8 use as they are. For pods on real
 * nodes, {@link Options#withInClusterAddress} puts the API server on an address they route to instead.
 */
public final class ControlPlane implements AutoCloseable {
    /**
     * Launcher options. {@code inClusterAddress}: null (the default) binds and advertises the API server on
     * 127.0.0.1 with the ServiceAccount admission plugin off (the process kubelet mounts tokens itself);
     * else the address pods reach it on ({@link #withInClusterAddress}).
     */
    public record Options(Path workDir, ControlPlaneBinaries binaries, Duration startTimeout,
                          List<String> extraControllerManagerArgs, List<String> extraApiServerArgs,
                          String inClusterAddress) {
        public Options(Path workDir, ControlPlaneBinaries binaries, Duration startTimeout,
                       List<String> extraControllerManagerArgs, List<String> extraApiServerArgs) {
            this(workDir, binaries, startTimeout, extraControllerManagerArgs, extraApiServerArgs, null);
        }

        public static Options defaults(Path workDir, ControlPlaneBinaries binaries) {
            return new Options(workDir, binaries, Duration.ofSeconds(120), List.of(), List.of());
        }

        public Options withExtraControllerManagerArgs(List<String> args) {
            return new Options(workDir, binaries, startTimeout, List.copyOf(args), extraApiServerArgs, inClusterAddress);
        }

        /** E.g. {@code --default-not-ready-toleration-seconds=10} for faster evictions from NotReady nodes. */
        public Options withExtraApiServerArgs(List<String> args) {
            return new Options(workDir, binaries, startTimeout, extraControllerManagerArgs, List.copyOf(args), inClusterAddress);
        }

        /**
         * For pods on real nodes ({@link RealNodes}), as in a cluster: the API server binds and advertises
         * {@code ip} (on a device of its own, {@code ctb<jvm-pid>-api}, created before it starts and removed by a
         * cleanup script of the registry), so the {@code kubernetes} Service's endpoint is an address pods
         * route to, and the ServiceAccount admission plugin is on, so every pod gets its service account's
         * token. The kubeconfig names that address. Needs root.
         */
        public Options withInClusterAddress(String ip) {
            return new Options(workDir, binaries, startTimeout, extraControllerManagerArgs, extraApiServerArgs, ip);
        }
    }

    private final Options options;
    private final Path dir;
    private final ProcessRegistry registry;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final String adminToken;
    private int etcdPort;
    private int apiPort;
    private Path kubeconfig;
    private List<String> apiServerCommand;
    private int apiServerStarts;
    private Thread shutdownHook;
    private volatile boolean closed;

    private ControlPlane(Options options, Path dir, ProcessRegistry registry) {
        this.options = options;
        this.dir = dir;
        this.registry = registry;
        byte[] t = new byte[24];
        new SecureRandom().nextBytes(t);
        this.adminToken = HexFormat.of().formatHex(t);
    }

    /**
     * Starts everything and waits until the API server is ready and the controllers work. A start that
     * lost a race for a free port (another process took it first) is retried with new ports.
     */
    public static ControlPlane start(Options options) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options);
            } catch (IllegalStateException e) {
                String m = String.valueOf(e.getMessage());
                if (attempt >= 3 || !(m.contains("address already in use") || m.contains("bind: address"))) {
                    throw e;
                }
                System.err.println("[testbed] port taken during start, retrying: " + m.lines().findFirst().orElse(""));
            }
        }
    }

    private static ControlPlane startOnce(Options options) {
        Path dir;
        try {
            Files.createDirectories(options.workDir());
            dir = Files.createTempDirectory(options.workDir().toAbsolutePath(), "cp-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessRegistry registry = ProcessRegistry.open(ProcessRegistry.defaultDir(), dir.getFileName().toString());
        ControlPlane cp = new ControlPlane(options, dir, registry);
        cp.shutdownHook = new Thread(cp::close, "testbed-shutdown");
        Runtime.getRuntime().addShutdownHook(cp.shutdownHook);
        try {
            cp.doStart();
            return cp;
        } catch (RuntimeException | Error e) {
            cp.close();
            throw e;
        }
    }

    public Path dir() { return dir; }
    public Path kubeconfig() { return kubeconfig; }
    public String adminToken() { return adminToken; }
    public int apiServerPort() { return apiPort; }
    /** The address the API server binds and advertises: 127.0.0.1, or {@link Options#inClusterAddress()}. */
    public String apiServerAddress() {
        return options.inClusterAddress() == null ? "127.0.0.1" : options.inClusterAddress();
    }
    public String apiServerUrl() { return "https://" + apiServerAddress() + ":" + apiPort; }
    /** The device holding {@link Options#inClusterAddress()}; null without one. */
    public String inClusterDevice() {
        return options.inClusterAddress() == null ? null : "ctb" + ProcessHandle.current().pid() + "-api";
    }
    public ProcessRegistry registry() { return registry; }
    public Path certDir() { return dir.resolve("certs"); }
    /** The API server's self-signed certificate bundle (also the CA to trust). */
    public Path caFile() { return certDir().resolve("apiserver.crt"); }
    public List<ManagedProcess> processes() { return List.copyOf(processes); }

    /** A new Fabric8 client built from {@link #kubeconfig()}. */
    public KubernetesClient newClient() {
        try {
            String text = Files.readString(kubeconfig);
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startApiServer() {
        String log = apiServerStarts++ == 0 ? "logs/kube-apiserver.log" : "logs/kube-apiserver-" + apiServerStarts + ".log";
        try {
            processes.add(processes.isEmpty() ? 0 : 1, ManagedProcess.start("kube-apiserver", apiServerCommand, baseEnv(),
                    dir, dir.resolve(log), registry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        waitFor("kube-apiserver /readyz", () -> httpOk(apiServerUrl() + "/readyz", adminToken));
    }

    /**
     * Fault: the API server is gone for {@code down} (SIGTERM, 5 s, SIGKILL), then started again on the same port
     * with the same etcd; returns once it is ready. Every watch and connection of every client breaks.
     */
    public synchronized void restartApiServer(Duration down) throws InterruptedException {
        ManagedProcess api = processes.stream().filter(p -> p.label().equals("kube-apiserver")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no API server is running"));
        api.stop(Duration.ofSeconds(5));
        processes.remove(api);
        Thread.sleep(down.toMillis());
        startApiServer();
    }

    private void doStart() {
        long t0 = System.nanoTime();
        try {
            Path certs = Files.createDirectories(certDir());
            Files.createDirectories(dir.resolve("logs"));
            writeServiceAccountKeys(certs);
            Files.writeString(dir.resolve("tokens.csv"), adminToken + ",admin,admin,\"system:masters\"\n");
            etcdPort = freePort();
            int peerPort = freePort();
            Map<String, String> env = baseEnv();
            String etcdUrl = "http://127.0.0.1:" + etcdPort;
            String peerUrl = "http://127.0.0.1:" + peerPort;
            processes.add(ManagedProcess.start("etcd", List.of(options.binaries().etcd().toString(),
                "--name", "testbed", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "testbed=" + peerUrl, "--unsafe-no-fsync", "--log-level", "warn"),
                env, dir, dir.resolve("logs/etcd.log"), registry));
            waitFor("etcd /health", () -> httpOk(etcdUrl + "/health", null));

            apiPort = freePort();
            if (options.inClusterAddress() != null) {
                addInClusterAddress();
            }
            List<String> admission = options.inClusterAddress() == null
                ? List.of("--disable-admission-plugins=ServiceAccount") : List.of();
            apiServerCommand = concat(concat(List.of(options.binaries().apiServer().toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=" + apiServerAddress(), "--advertise-address=" + apiServerAddress(),
                "--secure-port=" + apiPort, "--insecure-port=0",
                "--cert-dir=" + certs,
                // ClusterIPs: the benchmark range 198.19.0.0/16, routed by the real nodes' kube-proxy (RealNodes)
                "--service-cluster-ip-range=" + RealNodes.SERVICE_RANGE,
                "--service-account-issuer=https://kubernetes.default.svc",
                "--service-account-key-file=" + certs.resolve("sa.pub"),
                "--service-account-signing-key-file=" + certs.resolve("sa.key"),
                "--token-auth-file=" + dir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--allow-privileged=true",
                // kubectl logs: the API server dials the process kubelet at the node's InternalIP
                "--kubelet-preferred-address-types=InternalIP",
                "--v=1"), admission), options.extraApiServerArgs());
            startApiServer();
            kubeconfig = writeKubeconfig();

            processes.add(ManagedProcess.start("kube-controller-manager", concat(List.of(
                options.binaries().controllerManager().toString(),
                "--kubeconfig=" + kubeconfig,
                "--leader-elect=false", "--port=0", "--secure-port=0",
                "--controllers=*",
                "--service-account-private-key-file=" + certs.resolve("sa.key"),
                "--root-ca-file=" + caFile(),
                "--use-service-account-credentials=false",
                "--v=1"), options.extraControllerManagerArgs()),
                env, dir, dir.resolve("logs/kube-controller-manager.log"), registry));
            processes.add(ManagedProcess.start("kube-scheduler", List.of(options.binaries().scheduler().toString(),
                "--kubeconfig=" + kubeconfig,
                "--leader-elect=false", "--port=0", "--secure-port=0",
                "--v=1"),
                env, dir, dir.resolve("logs/kube-scheduler.log"), registry));
            try (KubernetesClient c = newClient()) {
                // The service-account and token controllers are up once "default" has a token secret.
                waitFor("controller manager (default service account token)", () -> {
                    var sa = c.serviceAccounts().inNamespace("default").withName("default").get();
                    return sa != null && !c.secrets().inNamespace("default").list().getItems().stream()
                        .filter(s -> "kubernetes.io/service-account-token".equals(s.getType())).toList().isEmpty();
                });
            }
            for (ManagedProcess p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(p + " exited; see " + p.log());
                }
            }
            System.err.printf("[testbed] control plane up in %.1f s: %s, kubeconfig %s%n",
                (System.nanoTime() - t0) / 1e9, apiServerUrl(), kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The device of {@link Options#inClusterAddress()} (a bridge without ports: the kernel's dummy module is not
     * everywhere), its cleanup listed with the registry before it exists.
     */
    private void addInClusterAddress() throws IOException {
        String dev = inClusterDevice();
        Path script = dir.resolve("in-cluster-address-cleanup.sh");
        Files.writeString(script, "#!/usr/bin/env bash\n# Removes the API server's in-cluster address (ControlPlane); idempotent.\n"
            + "ip link show " + dev + " >/dev/null 2>&1 && ip link delete " + dev + "\nexit 0\n");
        script.toFile().setExecutable(true);
        registry.addCleanup(script);
        if (!RealNodes.quiet("ip", "link", "show", dev)) {
            RealNodes.run(Duration.ofSeconds(10), "ip", "link", "add", dev, "type", "bridge");
        }
        RealNodes.run(Duration.ofSeconds(10), "ip", "addr", "replace", options.inClusterAddress() + "/32", "dev", dev);
        RealNodes.run(Duration.ofSeconds(10), "ip", "link", "set", dev, "up");
    }

    private Path writeKubeconfig() throws IOException {
        String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(caFile()));
        String yaml = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: testbed
              cluster:
                server: %s
                certificate-authority-data: %s
            users:
            - name: admin
              user:
                token: %s
            contexts:
            - name: testbed
              context:
                cluster: testbed
                user: admin
                namespace: default
            current-context: testbed
            """.formatted(apiServerUrl(), ca, adminToken);
        Path p = dir.resolve("kubeconfig");
        Files.writeString(p, yaml);
        return p;
    }

    private static void writeServiceAccountKeys(Path certs) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            Files.writeString(certs.resolve("sa.key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            Files.writeString(certs.resolve("sa.pub"), pem("PUBLIC KEY", kp.getPublic().getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    static Map<String, String> baseEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        env.put("LANG", "C.UTF-8");
        return env;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    private void waitFor(String what, BooleanSupplier ready) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            for (ManagedProcess p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(p + " exited while waiting for " + what + "; log "
                        + p.log() + ":\n" + tail(p.log(), 30));
                }
            }
            try {
                if (ready.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(200);
        }
        throw new IllegalStateException("timed out after " + options.startTimeout() + " waiting for " + what, last);
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A free TCP port on 127.0.0.1 (racy by nature; fine on a test machine). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean httpOk(String url, String bearer) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            if (c instanceof HttpsURLConnection s) {
                s.setSSLSocketFactory(TRUST_ALL.getSocketFactory());
                s.setHostnameVerifier((h, sess) -> true);
            }
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            if (bearer != null) {
                c.setRequestProperty("Authorization", "Bearer " + bearer);
            }
            int code = c.getResponseCode();
            try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return code == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static final SSLContext TRUST_ALL = trustAll();

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
                @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops scheduler, controller manager, API server and etcd (SIGTERM, 5 s, SIGKILL); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(5));
        }
        registry.close();
        if (!Boolean.getBoolean("cowsql.e2e.keepData")) {
            ProcessKubelet.deleteTree(dir.resolve("etcd"), true); // the bulk; logs stay for post-mortems
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down
            }
        }
    }
}
