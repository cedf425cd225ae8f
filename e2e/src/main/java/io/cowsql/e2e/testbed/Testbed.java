package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The whole testbed: a real control plane ({@link ControlPlane}), a Fabric8 client and the process
 * kubelet ({@link ProcessKubelet}) with its nodes. {@link #close()} leaves no process behind.
 *
 * <p>{@code main} runs it for a person: prints the kubeconfig path and runs until SIGTERM / Ctrl-C.
 */
public final class Testbed implements AutoCloseable {
    /** Testbed options. */
    public record Options(Path workDir, ControlPlaneBinaries binaries, int zones, ImageTable images,
                          List<String> extraControllerManagerArgs, List<String> extraApiServerArgs,
                          RealNodes.Options realNodes) {
        public Options(Path workDir, ControlPlaneBinaries binaries, int zones, ImageTable images,
                       List<String> extraControllerManagerArgs, List<String> extraApiServerArgs) {
            this(workDir, binaries, zones, images, extraControllerManagerArgs, extraApiServerArgs, null);
        }

        public static Options defaults(Path workDir, Path scriptsDir) {
            return new Options(workDir, ControlPlaneBinaries.locate(scriptsDir), 3, ImageTable.defaults(), List.of(), List.of());
        }

        /**
         * Real nodes ({@link RealNodes}: containerd, kubelet 1.20.2, kube-proxy, cluster DNS) instead of the
         * process kubelet; the image table is then unused.
         */
        public Options withRealNodes(RealNodes.Options o) {
            return new Options(workDir, binaries, zones, images, extraControllerManagerArgs, extraApiServerArgs, o);
        }

        public Options withImages(ImageTable t) {
            return new Options(workDir, binaries, zones, t, extraControllerManagerArgs, extraApiServerArgs, realNodes);
        }

        public Options withZones(int z) {
            return new Options(workDir, binaries, z, images, extraControllerManagerArgs, extraApiServerArgs, realNodes);
        }

        /**
         * Extra kube-controller-manager flags, e.g. {@code --node-monitor-grace-period=10s
         * --pod-eviction-timeout=20s} for faster reactions to NotReady nodes.
         */
        public Options withExtraControllerManagerArgs(List<String> args) {
            return new Options(workDir, binaries, zones, images, List.copyOf(args), extraApiServerArgs, realNodes);
        }

        /**
         * Extra kube-apiserver flags, e.g. {@code --default-not-ready-toleration-seconds=10
         * --default-unreachable-toleration-seconds=10} (the tolerations the DefaultTolerationSeconds
         * admission plugin adds: how long pods stay on a NotReady node before eviction).
         */
        public Options withExtraApiServerArgs(List<String> args) {
            return new Options(workDir, binaries, zones, images, extraControllerManagerArgs, List.copyOf(args), realNodes);
        }
    }

    private final ControlPlane controlPlane;
    private final KubernetesClient client;
    private final ProcessKubelet kubelet;
    private final RealNodes realNodes;

    private Testbed(ControlPlane controlPlane, KubernetesClient client, ProcessKubelet kubelet, RealNodes realNodes) {
        this.controlPlane = controlPlane;
        this.client = client;
        this.kubelet = kubelet;
        this.realNodes = realNodes;
    }

    public static Testbed start(Options options) {
        ControlPlane.Options cpOptions = ControlPlane.Options.defaults(options.workDir(), options.binaries())
            .withExtraControllerManagerArgs(options.extraControllerManagerArgs())
            .withExtraApiServerArgs(options.extraApiServerArgs());
        if (options.realNodes() != null && options.realNodes().inClusterApiServer()) {
            cpOptions = cpOptions.withInClusterAddress(RealNodes.API_SERVER_ADDRESS);
        }
        ControlPlane cp = ControlPlane.start(cpOptions);
        KubernetesClient client = null;
        try {
            client = cp.newClient();
            ProcessKubelet.Options kubeletOptions =
                ProcessKubelet.Options.defaults(cp.dir().resolve("kubelet"), options.images(), options.zones());
            if (options.realNodes() != null) {
                return new Testbed(cp, client, null,
                    RealNodes.start(cp, client, options.binaries(), kubeletOptions.nodes(), options.realNodes()));
            }
            return new Testbed(cp, client, ProcessKubelet.start(client, cp, kubeletOptions), null);
        } catch (RuntimeException | Error e) {
            if (client != null) {
                client.close();
            }
            cp.close();
            throw e;
        }
    }

    public ControlPlane controlPlane() { return controlPlane; }
    public KubernetesClient client() { return client; }
    /** The process kubelet; null on real nodes. */
    public ProcessKubelet kubelet() { return kubelet; }
    /** The real nodes; null with the process kubelet. */
    public RealNodes realNodes() { return realNodes; }
    public Path kubeconfig() { return controlPlane.kubeconfig(); }
    /** Directory whose path appears in every testbed process's command line or environment. */
    public Path dir() { return controlPlane.dir(); }

    /**
     * Applies every object of the given YAML/JSON manifests with server-side apply (field manager
     * "testbed"), as {@code kubectl apply --server-side --force-conflicts} would.
     */
    public void apply(Path... manifests) {
        for (Path m : manifests) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(m)) {
                client.load(in).fieldManager("testbed").forceConflicts().serverSideApply();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * A post-mortem view for failed tests: nodes, every pod (phase, Ready, IP, node, restarts) and the
     * last lines of each pod's container logs.
     */
    public String describe(int logLines) {
        StringBuilder sb = new StringBuilder("---- testbed " + dir() + "\n");
        try {
            for (var n : client.nodes().list().getItems()) {
                sb.append("node ").append(n.getMetadata().getName()).append(' ')
                    .append(n.getMetadata().getLabels().get(ProcessKubelet.ZONE_LABEL)).append(' ')
                    .append(n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                        .map(c -> "Ready=" + c.getStatus()).findFirst().orElse("")).append('\n');
            }
            for (var p : client.pods().inAnyNamespace().list().getItems()) {
                var st = p.getStatus();
                sb.append("pod ").append(p.getMetadata().getNamespace()).append('/').append(p.getMetadata().getName())
                    .append(" phase=").append(st == null ? null : st.getPhase())
                    .append(" ip=").append(st == null ? null : st.getPodIP())
                    .append(" node=").append(p.getSpec().getNodeName());
                if (st != null && st.getContainerStatuses() != null) {
                    st.getContainerStatuses().forEach(c -> sb.append(' ').append(c.getName()).append(":ready=")
                        .append(c.getReady()).append(",restarts=").append(c.getRestartCount()));
                }
                sb.append('\n');
            }
        } catch (RuntimeException e) {
            sb.append("(API not reachable: ").append(e.getMessage()).append(")\n");
        }
        if (kubelet == null) {
            return sb.append("(real nodes: logs in ").append(realNodes.dir()).append(")\n").toString();
        }
        try (var dirs = java.nio.file.Files.list(kubelet.dataDir().resolve("pods"))) {
            for (Path d : dirs.sorted().toList()) {
                Path logs = d.resolve("logs");
                if (!java.nio.file.Files.isDirectory(logs)) {
                    continue;
                }
                try (var files = java.nio.file.Files.list(logs)) {
                    for (Path f : files.sorted().toList()) {
                        sb.append("== ").append(d.getFileName()).append('/').append(f.getFileName()).append('\n')
                            .append(ControlPlane.tail(f, logLines)).append('\n');
                    }
                }
            }
        } catch (java.io.IOException e) {
            sb.append("(no pod logs: ").append(e).append(")\n");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            if (kubelet != null) {
                kubelet.close();
            } else {
                realNodes.close();
            }
        } finally {
            try {
                client.close();
            } finally {
                controlPlane.close();
            }
        }
    }

    /** {@code java -cp ... io.cowsql.e2e.testbed.Testbed [workDir]}: run until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path work = Path.of(args.length > 0 ? args[0] : "target/testbed");
        Path scripts = Path.of(System.getProperty("cowsql.e2e.scriptsDir", "e2e/scripts"));
        Testbed tb = start(Options.defaults(work, scripts));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tb.close();
            done.countDown();
        }));
        System.out.println("KUBECONFIG=" + tb.kubeconfig());
        System.out.println("hosts file: " + tb.kubelet().hostsFile());
        System.out.flush();
        done.await();
    }
}
