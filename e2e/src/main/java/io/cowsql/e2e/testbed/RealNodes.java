package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Nodes for the testbed: per zone Node its own containerd (root, state, socket and config of its own,
 * the images imported from archives) and the real kubelet 1.20.2 ({@code --container-runtime=remote}),
 * a CNI bridge with a 198.18.N.0/24 pod subnet per node, one kube-proxy in iptables mode for the machine
 * (all nodes share the host's network namespace, so one set of Service rules serves them all) and cluster
 * DNS ({@link ClusterDns}). Pods are real containers run by runc: their own network namespace and
 * address, probes, {@code kubectl logs}/{@code exec}, Services with ClusterIPs in 198.19.0.0/16.
 *
 * <p>Layout: logs and configuration under the control plane's {@code real-nodes} directory, the state
 * (images, containers, the kubelets' root dirs) under {@link #STATE_ROOT}{@code /<jvm-pid>}. Node {@code i} (1-based) has bridge {@code ctb<pid>-<i>} holding 198.18.i.1/24, which is
 * also the node's InternalIP, its kubelet's address and its pods' DNS server; its kubelet's cgroup root
 * is {@code /cowsql-tb-<pid>/<node>} and its containerd runs in {@code /cowsql-tb-<pid>/<node>-runtime}
 * (every v1 hierarchy), so the teardown finds every container and shim by cgroup. Only one real-node
 * testbed runs on a machine at a time (kube-proxy's chains and the pod subnets are machine-wide): a file
 * lock in {@link ProcessRegistry#defaultDir()} says so.
 *
 * <p>Nothing outlives it: every process is in the control plane's {@link ProcessRegistry}, and the
 * {@link RealNodeTeardown} script, listed with that registry before anything is created, removes
 * containers, shims, mounts, network namespaces, veths, bridges, iptables chains and changed sysctls,
 * at {@link #close()} and, after a {@code kill -9} of the JVM, from the registry's watchdog. Needs root.
 */
public final class RealNodes implements AutoCloseable {
    /** Pod addresses: 198.18.N.0/24 on node N. */
    public static final String POD_RANGE = "198.18.0.0/16";
    /** ClusterIPs (the API server's {@code --service-cluster-ip-range}). */
    public static final String SERVICE_RANGE = "198.19.0.0/16";
    public static final String CLUSTER_DOMAIN = "cluster.local";
    /**
     * Where the nodes' state lives ({@code <root>/<jvm-pid>/<node>}): a short path, since the kubelet and
     * containerd put unix sockets under their directories (at most 107 bytes a socket path), which a
     * build's target directory can exceed. Removed by the teardown.
     */
    static final String STATE_ROOT = "/var/lib/cowsql-testbed";

    /**
     * The API server's address for pods ({@link Options#withInClusterApiServer()}): the benchmark range's
     * last /24, which no node subnet uses (node N has 198.18.N.0/24, N at most 250).
     */
    public static final String API_SERVER_ADDRESS = "198.18.255.1";
    /** The default StorageClass of the local volumes ({@link Options#withLocalVolumes}). */
    public static final String STORAGE_CLASS = "testbed-local";
    /** The capacity each local volume announces (a directory on the host's disk: no quota behind it). */
    public static final String LOCAL_VOLUME_CAPACITY = "10Gi";

    /**
     * Options. {@code images}: names of images in buildah's local storage (e.g. from bin/build-images)
     * imported into every node's containerd; the pod sandbox image is built by
     * {@code e2e/scripts/build-pause-image.sh}. {@code inClusterApiServer}: pods use the API server
     * ({@link #withInClusterApiServer()}); {@code localVolumesPerNode}: pre-created {@code local} PVs per Node
     * ({@link #withLocalVolumes}).
     */
    public record Options(Path scriptsDir, List<String> images, Duration startTimeout, boolean inClusterApiServer,
                          int localVolumesPerNode) {
        public Options(Path scriptsDir, List<String> images, Duration startTimeout) {
            this(scriptsDir, images, startTimeout, false, 0);
        }

        /** {@code scriptsDir}: e2e/scripts (build-pause-image.sh). */
        public static Options defaults(Path scriptsDir) {
            return new Options(scriptsDir, List.of(), Duration.ofSeconds(240));
        }

        public Options withImages(List<String> names) {
            return new Options(scriptsDir, List.copyOf(names), startTimeout, inClusterApiServer, localVolumesPerNode);
        }

        /**
         * Pods reach the API server as in a cluster: it binds and advertises {@link #API_SERVER_ADDRESS} (the
         * {@code kubernetes} Service's endpoint, behind its ClusterIP 198.19.0.1) and the ServiceAccount
         * admission plugin mounts each pod's token ({@link ControlPlane.Options#withInClusterAddress}).
         */
        public Options withInClusterApiServer() {
            return new Options(scriptsDir, images, startTimeout, true, localVolumesPerNode);
        }

        /**
         * {@code perNode} {@code local} PersistentVolumes per Node ({@link #LOCAL_VOLUME_CAPACITY}, reclaim
         * Retain, node affinity to their Node, directories under the node's state) and the default
         * StorageClass {@link #STORAGE_CLASS} (no provisioner, WaitForFirstConsumer): a claim binds to a free
         * volume of the Node the scheduler picks for its pod, and the kubelet applies the pod's fsGroup.
         */
        public Options withLocalVolumes(int perNode) {
            if (perNode < 0) {
                throw new IllegalArgumentException("localVolumesPerNode must be 0 or more, got " + perNode);
            }
            return new Options(scriptsDir, images, startTimeout, inClusterApiServer, perNode);
        }
    }

    /** One Node: its name, zone, address (the bridge's), pod subnet and processes. */
    public static final class RealNode {
        private final ProcessKubelet.NodeSpec spec;
        private final int index;
        private final Path dir;
        private final Path state;
        private final Path socket;
        private ManagedProcess containerd;
        private ManagedProcess kubelet;

        RealNode(ProcessKubelet.NodeSpec spec, int index, Path dir, Path state, Path socket) {
            this.spec = spec;
            this.index = index;
            this.dir = dir;
            this.state = state;
            this.socket = socket;
        }

        public String name() { return spec.name(); }
        public String zone() { return spec.zone(); }
        /** The node's InternalIP: its bridge's address, 198.18.N.1. */
        public String ip() { return "198.18." + index + ".1"; }
        public String podSubnet() { return "198.18." + index + ".0/24"; }
        /** Logs and configuration. */
        public Path dir() { return dir; }
        /** containerd's root and state, the kubelet's root dir, CNI's IPAM state. */
        public Path state() { return state; }
        public Path containerdSocket() { return socket; }
        /** The directories of the Node's local PersistentVolumes ({@link Options#withLocalVolumes}). */
        public Path volumes() { return state.resolve("volumes"); }
        public ManagedProcess containerd() { return containerd; }
        public ManagedProcess kubelet() { return kubelet; }
    }

    private final ControlPlane controlPlane;
    private final KubernetesClient client;
    private final Options options;
    private final Path dir;
    private final String id;
    private final String cgroup;
    private final Path state;
    private final Path kubeletBinary;
    private final Path kubeProxyBinary;
    private final List<RealNode> nodes = new ArrayList<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private Path teardown;
    private ManagedProcess kubeProxy;
    private ClusterDns dns;
    private boolean closed;

    private RealNodes(ControlPlane controlPlane, KubernetesClient client, Options options, Path binDir,
                      FileChannel lockChannel, FileLock lock) {
        this.controlPlane = controlPlane;
        this.client = client;
        this.options = options;
        this.dir = controlPlane.dir().resolve("real-nodes");
        this.id = Long.toString(ProcessHandle.current().pid());
        this.cgroup = "cowsql-tb-" + id;
        this.state = Path.of(STATE_ROOT, id);
        this.kubeletBinary = binDir.resolve("kubelet");
        this.kubeProxyBinary = binDir.resolve("kube-proxy");
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Starts the nodes of {@code specs} and waits until every Node is Ready. */
    public static RealNodes start(ControlPlane controlPlane, KubernetesClient client, ControlPlaneBinaries binaries,
                                  List<ProcessKubelet.NodeSpec> specs, Options options) {
        for (String b : List.of("kubelet", "kube-proxy")) {
            if (!Files.isExecutable(binaries.binDir().resolve(b))) {
                throw new IllegalStateException(b + " missing in " + binaries.binDir()
                    + ": run e2e/scripts/build-control-plane.sh (it builds kubelet and kube-proxy with the control plane)");
            }
        }
        if (specs.size() > 250) {
            throw new IllegalArgumentException("zones: at most 250 real nodes (one 198.18.N.0/24 each), got " + specs.size());
        }
        FileChannel channel;
        FileLock lock;
        try {
            Path lockFile = Files.createDirectories(ProcessRegistry.defaultDir()).resolve("real-nodes.lock");
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another real-node testbed runs on this machine (lock " + lockFile
                    + "); they share kube-proxy's iptables chains and 198.18.0.0/16, so one at a time");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RealNodes r = new RealNodes(controlPlane, client, options, binaries.binDir(), channel, lock);
        try {
            r.doStart(specs);
            return r;
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
    }

    public List<RealNode> nodes() { return List.copyOf(nodes); }
    /** The images imported into every node (as named in buildah's storage; pods use these names). */
    public List<String> images() { return options.images(); }
    public Path dir() { return dir; }
    public ClusterDns dns() { return dns; }
    public ManagedProcess kubeProxy() { return kubeProxy; }
    /** The teardown script (also run by the registry's watchdog after a kill -9). */
    public Path teardownScript() { return teardown; }
    /** The cgroup (in every v1 hierarchy) that holds every container and shim of the testbed. */
    public String cgroup() { return cgroup; }

    public RealNode node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no real node " + name));
    }

    private void doStart(List<ProcessKubelet.NodeSpec> specs) {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir.resolve("nodes"));
            for (int i = 0; i < specs.size(); i++) {
                ProcessKubelet.NodeSpec s = specs.get(i);
                Path nodeState = state.resolve(s.name());
                nodes.add(new RealNode(s, i + 1, dir.resolve("nodes").resolve(s.name()), nodeState,
                    nodeState.resolve("containerd.sock")));
            }
            // Listed (and the sysctls saved) before anything it removes exists.
            teardown = RealNodeTeardown.write(dir, state, cgroup, nodes.stream().map(this::bridge).toList(),
                nodes.stream().map(this::network).toList(), kubeProxyBinary);
            RealNodeTeardown.saveMachineState(dir);
            controlPlane.registry().addCleanup(teardown);
            Files.createDirectories(state);
            Files.deleteIfExists(dir.resolve("state"));
            Files.createSymbolicLink(dir.resolve("state"), state);

            List<Path> archives = new ArrayList<>();
            String[] pause = buildPauseImage();
            archives.add(Path.of(pause[0]));
            for (String image : options.images()) {
                archives.add(exportImage(image));
            }
            for (RealNode n : nodes) {
                createBridge(n);
            }
            dns = ClusterDns.start(client, controlPlane.registry(), Files.createDirectories(dir.resolve("dns")),
                nodes.stream().map(RealNode::ip).toList(), CLUSTER_DOMAIN);
            for (RealNode n : nodes) {
                startContainerd(n, pause[1]);
                for (Path a : archives) {
                    run(Duration.ofMinutes(3), "ctr", "--address", n.socket.toString(), "--namespace", "k8s.io",
                        "images", "import", a.toString());
                }
                startKubelet(n, pause[1]);
            }
            startKubeProxy();
            waitForNodesReady();
            if (options.localVolumesPerNode() > 0) {
                createLocalVolumes();
            }
            System.err.printf("[testbed] %d real nodes up in %.1f s (containerd, kubelet, kube-proxy, DNS): %s%n",
                nodes.size(), (System.nanoTime() - t0) / 1e9, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String bridge(RealNode n) {
        return "ctb" + id + "-" + n.index;
    }

    private String network(RealNode n) {
        return "cowsql-tb-" + id + "-" + n.name();
    }

    /** The sandbox image: {@code [archive, name]}. */
    private String[] buildPauseImage() {
        Path script = options.scriptsDir().resolve("build-pause-image.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("cannot build the pod sandbox image: " + script.toAbsolutePath()
                + " not found (RealNodes.Options.scriptsDir must be e2e/scripts)");
        }
        String out = run(Duration.ofMinutes(5), "bash", script.toString());
        List<String> lines = out.lines().filter(l -> !l.startsWith("[")).toList();
        String[] last = lines.get(lines.size() - 1).trim().split(" ");
        if (last.length != 2) {
            throw new IllegalStateException("build-pause-image.sh printed no '<archive> <image>' line:\n" + out);
        }
        return last;
    }

    /** A docker archive of a buildah image, cached by image id beside the testbeds. */
    private Path exportImage(String image) throws IOException {
        String imageId = run(Duration.ofSeconds(30), "buildah", "inspect", "--type", "image", "--format", "{{.FromImageID}}", image)
            .strip();
        if (imageId.isEmpty()) {
            throw new IllegalStateException("image " + image + " not in buildah's storage: build it with bin/build-images");
        }
        Path cache = Files.createDirectories(controlPlane.dir().getParent().resolve("image-archives"));
        Path archive = cache.resolve(imageId + ".tar");
        if (!Files.exists(archive)) {
            Path tmp = cache.resolve(imageId + ".tar.tmp");
            Files.deleteIfExists(tmp);
            run(Duration.ofMinutes(5), "buildah", "push", "--quiet", image, "docker-archive:" + tmp + ":" + image);
            Files.move(tmp, archive);
        }
        return archive;
    }

    private void createBridge(RealNode n) {
        String br = bridge(n);
        run(Duration.ofSeconds(10), "ip", "link", "add", br, "type", "bridge");
        run(Duration.ofSeconds(10), "ip", "addr", "add", n.ip() + "/24", "dev", br);
        run(Duration.ofSeconds(10), "ip", "link", "set", br, "up");
    }

    private void startContainerd(RealNode n, String pauseImage) throws IOException {
        Files.createDirectories(n.dir);
        Path c = Files.createDirectories(n.state.resolve("containerd"));
        Path cni = Files.createDirectories(n.state.resolve("cni"));
        Files.writeString(cni.resolve("10-bridge.conflist"), """
            {
              "cniVersion": "0.4.0",
              "name": "%s",
              "plugins": [{
                "type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false, "hairpinMode": true,
                "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                         "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}
              }]
            }
            """.formatted(network(n), bridge(n), n.podSubnet(), n.ip(), n.state.resolve("cni-ipam")));
        Path config = c.resolve("config.toml");
        Files.writeString(config, """
            version = 2
            root = "%1$s/root"
            state = "%1$s/state"
            [grpc]
              address = "%2$s"
            [ttrpc]
              address = "%2$s.ttrpc"
            [debug]
              address = ""
            [metrics]
              address = ""
            [plugins."io.containerd.internal.v1.opt"]
              path = "%1$s/opt"
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "%3$s"
              # runc cannot lower oom_score_adj without CAP_SYS_RESOURCE (a VM like this one): only raise it
              restrict_oom_score_adj = true
              netns_mounts_under_state_dir = true
              disable_apparmor = true
              stream_server_address = "127.0.0.1"
              stream_server_port = "0"
              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "overlayfs"
                default_runtime_name = "runc"
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    Root = "%1$s/runc"
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "%4$s"
                max_conf_num = 1
            """.formatted(c, n.socket, pauseImage, cni));
        createCgroup(cgroup + "/" + n.name() + "-runtime");
        createCgroup(cgroup + "/" + n.name());
        n.containerd = ManagedProcess.start("containerd " + n.name(), List.of("containerd", "--config", config.toString()),
            ControlPlane.baseEnv(), n.dir, n.dir.resolve("containerd.log"), controlPlane.registry());
        // Its shims inherit its cgroups: the teardown finds them there.
        joinCgroup(cgroup + "/" + n.name() + "-runtime", n.containerd.pid());
        waitFor("containerd of " + n.name(), () -> {
            if (!n.containerd.isAlive()) {
                throw new IllegalStateException("containerd of " + n.name() + " exited; log " + n.containerd.log() + ":\n"
                    + ControlPlane.tail(n.containerd.log(), 30));
            }
            return Files.exists(n.socket) && quiet("ctr", "--address", n.socket.toString(), "version");
        });
    }

    private void startKubelet(RealNode n, String pauseImage) throws IOException {
        Path root = Files.createDirectories(n.state.resolve("kubelet"));
        int port = ControlPlane.freePort();
        n.kubelet = ManagedProcess.start("kubelet " + n.name(), List.of(kubeletBinary.toString(),
            "--kubeconfig=" + controlPlane.kubeconfig(),
            "--hostname-override=" + n.name(), "--node-ip=" + n.ip(), "--address=" + n.ip(), "--port=" + port,
            "--read-only-port=0", "--healthz-port=0",
            "--node-labels=" + ProcessKubelet.ZONE_LABEL + "=" + n.zone(),
            "--container-runtime=remote", "--container-runtime-endpoint=unix://" + n.socket,
            "--runtime-request-timeout=2m", "--pod-infra-container-image=" + pauseImage,
            "--cgroup-driver=cgroupfs", "--cgroup-root=/" + cgroup + "/" + n.name(),
            // This VM has swap accounting off and no CAP_SYS_RESOURCE (the kubelet would lower its own score).
            "--fail-swap-on=false", "--oom-score-adj=0",
            "--root-dir=" + root, "--cert-dir=" + root.resolve("pki"), "--volume-plugin-dir=" + root.resolve("volume-plugins"),
            "--cluster-dns=" + n.ip(), "--cluster-domain=" + CLUSTER_DOMAIN, "--resolv-conf=",
            // kube-proxy owns the host's KUBE- chains; the kubelets leave iptables alone.
            "--make-iptables-util-chains=false",
            // Other users share this disk: no evictions or image garbage collection because of them.
            "--eviction-hard=memory.available<1%,nodefs.available<1%,imagefs.available<1%,nodefs.inodesFree<1%",
            "--image-gc-high-threshold=100", "--image-gc-low-threshold=99",
            "--v=1"),
            ControlPlane.baseEnv(), n.dir, n.dir.resolve("kubelet.log"), controlPlane.registry());
    }

    private void startKubeProxy() throws IOException {
        kubeProxy = ManagedProcess.start("kube-proxy", List.of(kubeProxyBinary.toString(),
            "--kubeconfig=" + controlPlane.kubeconfig(), "--proxy-mode=iptables",
            "--hostname-override=" + nodes.get(0).name(), "--cluster-cidr=" + POD_RANGE,
            // 0: leave the machine's conntrack table size and timeouts as they are.
            "--conntrack-max-per-core=0", "--conntrack-tcp-timeout-established=0", "--conntrack-tcp-timeout-close-wait=0",
            "--oom-score-adj=0", "--iptables-min-sync-period=1s", "--iptables-sync-period=10s",
            "--metrics-bind-address=127.0.0.1:" + ControlPlane.freePort(),
            "--healthz-bind-address=127.0.0.1:" + ControlPlane.freePort(),
            "--v=1"),
            ControlPlane.baseEnv(), dir, dir.resolve("kube-proxy.log"), controlPlane.registry());
    }

    /** The default StorageClass and {@link Options#localVolumesPerNode()} local PVs per Node. */
    private void createLocalVolumes() throws IOException {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
            .withNewMetadata().withName(STORAGE_CLASS)
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
            .withProvisioner("kubernetes.io/no-provisioner").withVolumeBindingMode("WaitForFirstConsumer")
            .withReclaimPolicy("Retain").build()).create();
        for (RealNode n : nodes) {
            for (int i = 1; i <= options.localVolumesPerNode(); i++) {
                Path path = Files.createDirectories(n.volumes().resolve("pv-" + i));
                client.persistentVolumes().resource(new PersistentVolumeBuilder()
                    .withNewMetadata().withName("local-" + n.name() + "-" + i).endMetadata()
                    .withNewSpec()
                        .withCapacity(java.util.Map.of("storage", new Quantity(LOCAL_VOLUME_CAPACITY)))
                        .withAccessModes("ReadWriteOnce").withStorageClassName(STORAGE_CLASS)
                        .withPersistentVolumeReclaimPolicy("Retain").withVolumeMode("Filesystem")
                        .withNewLocal().withPath(path.toString()).endLocal()
                        .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                            .withKey("kubernetes.io/hostname").withOperator("In").withValues(n.name())
                        .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity()
                    .endSpec().build()).create();
            }
        }
    }

    private void waitForNodesReady() {
        waitFor("every real Node Ready", () -> {
            for (RealNode n : nodes) {
                for (ManagedProcess p : List.of(n.containerd, n.kubelet)) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(p + " exited; log " + p.log() + ":\n" + ControlPlane.tail(p.log(), 40));
                    }
                }
                if (!kubeProxy.isAlive()) {
                    throw new IllegalStateException("kube-proxy exited; log " + kubeProxy.log() + ":\n"
                        + ControlPlane.tail(kubeProxy.log(), 40));
                }
                Node node = client.nodes().withName(n.name()).get();
                if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null
                    || node.getStatus().getConditions().stream()
                        .noneMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Creates {@code /sys/fs/cgroup/<h>/<path>} in every v1 hierarchy (cpuset: cpus and mems from the parent). */
    private static void createCgroup(String path) throws IOException {
        for (Path h : hierarchies()) {
            Path cur = h;
            for (String part : path.split("/")) {
                Path parent = cur;
                cur = cur.resolve(part);
                if (!Files.isDirectory(cur)) {
                    Files.createDirectory(cur);
                }
                if (h.getFileName().toString().equals("cpuset")) {
                    for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                        if (Files.readString(cur.resolve(f)).isBlank()) {
                            Files.writeString(cur.resolve(f), Files.readString(parent.resolve(f)).strip());
                        }
                    }
                }
            }
        }
    }

    private static void joinCgroup(String path, long pid) throws IOException {
        for (Path h : hierarchies()) {
            Files.writeString(h.resolve(path).resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /** The mounted cgroup v1 hierarchies (the kubelet 1.20 manages v1). */
    private static List<Path> hierarchies() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup") && f[1].startsWith("/sys/fs/cgroup/")) {
                out.add(Path.of(f[1]));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no cgroup v1 hierarchy mounted under /sys/fs/cgroup: kubelet 1.20 needs cgroup v1");
        }
        return out;
    }

    private void waitFor(String what, java.util.function.BooleanSupplier ready) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (ready.getAsBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            ControlPlane.sleep(500);
        }
        throw new IllegalStateException("timed out after " + options.startTimeout() + " waiting for " + what, last);
    }

    /** Runs a command to completion; its output, or an exception naming it and its output. */
    static String run(Duration timeout, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static boolean quiet(String... command) {
        try {
            run(Duration.ofSeconds(5), command);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Stops kube-proxy, the kubelets, containerd and DNS (SIGTERM, grace, SIGKILL), then runs the teardown
     * script: containers, shims, mounts, network namespaces, bridges, chains, sysctls. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (kubeProxy != null) {
                kubeProxy.stop(Duration.ofSeconds(5));
            }
            for (RealNode n : nodes) {
                if (n.kubelet != null) {
                    n.kubelet.stop(Duration.ofSeconds(5));
                }
            }
            for (RealNode n : nodes) {
                if (n.containerd != null) {
                    n.containerd.stop(Duration.ofSeconds(5));
                }
            }
            if (dns != null) {
                dns.close();
            }
            if (teardown != null) {
                controlPlane.registry().runCleanup(teardown);
            }
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                // the lock goes with the channel anyway
            }
        }
    }
}
