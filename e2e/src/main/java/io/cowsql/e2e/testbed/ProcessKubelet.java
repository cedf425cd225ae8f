package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The testbed's stand-in for the kubelet (and for a volume provisioner and cluster DNS):
 * <ul>
 *   <li>registers Node objects labelled with zones and keeps their Ready condition and lease fresh;</li>
 *   <li>runs each Pod bound to one of its nodes as local processes ({@link PodRuntime}), pod IPs in
 *       127.B.0.0/16 (B chosen per kubelet and locked machine-wide);</li>
 *   <li>provisions a directory-backed PersistentVolume (node-affine) for each PVC of its StorageClass;</li>
 *   <li>writes the hosts file that makes StatefulSet pod DNS names resolve (see e2e/README.md);</li>
 *   <li>offers fault injection: crash, pause/resume, delete, wipe a PVC, node NotReady, node removal.</li>
 * </ul>
 */
public final class ProcessKubelet implements AutoCloseable {
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String PROVISIONER = "testbed.cowsql.io/local";
    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** Environment variable naming the hosts file, given to every pod process. */
    public static final String HOSTS_FILE_ENV = "TESTBED_HOSTS_FILE";
    /**
     * Environment variable naming the resolver file (NAME TARGET lines, the node agent's
     * {@code --resolver-file} format), given to every pod process.
     */
    public static final String RESOLVER_FILE_ENV = "COWSQL_RESOLVER_FILE";

    /** A node to register. */
    public record NodeSpec(String name, String zone) {}

    /** Kubelet options. */
    public record Options(List<NodeSpec> nodes, Path dataDir, ImageTable images, String storageClass,
                          Duration syncPeriod, Duration heartbeatPeriod, Duration restartBackoff,
                          Duration maxRestartBackoff, String clusterDomain) {
        /** {@code zones} zones (zone-a, zone-b, ...) with one node each. */
        public static Options defaults(Path dataDir, ImageTable images, int zones) {
            List<NodeSpec> nodes = new ArrayList<>();
            for (int i = 0; i < zones; i++) {
                String z = "zone-" + (char) ('a' + i);
                nodes.add(new NodeSpec("node-" + (char) ('a' + i), z));
            }
            return new Options(nodes, dataDir, images, "testbed-local", Duration.ofMillis(250),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10), "cluster.local");
        }

        public Options withNodes(List<NodeSpec> n) {
            return new Options(List.copyOf(n), dataDir, images, storageClass, syncPeriod, heartbeatPeriod,
                restartBackoff, maxRestartBackoff, clusterDomain);
        }
    }

    private final KubernetesClient client;
    private final ControlPlane controlPlane;
    private final Options options;
    private final Path dataDir;
    private final Map<String, NodeSpec> nodes = new ConcurrentHashMap<>();
    private final Map<String, String> nodeIps = new ConcurrentHashMap<>();
    private final Set<String> notReady = ConcurrentHashMap.newKeySet();
    private final Map<String, PodRuntime> pods = new ConcurrentHashMap<>(); // by uid
    private final Map<String, String> podIps = new ConcurrentHashMap<>(); // by uid
    private final int octet;
    private final LoopbackBlock block;
    private int nextIp = 256; // 127.B.1.0 upwards
    private int nextNodeIp = 1;
    private final boolean verbose = Boolean.getBoolean("cowsql.e2e.verbose");
    private volatile boolean closing;
    private Thread syncThread;
    private KubeletServer server;
    private final ServiceProxies proxies = new ServiceProxies(this::log);
    private final Map<String, String> serviceIps = new ConcurrentHashMap<>(); // by service uid
    private int nextServiceIp = 1;
    private volatile boolean serviceProxies;
    private Thread heartbeatThread;
    private String lastHosts = "";
    private final Path hostsFile;
    private final Path resolverFile;

    private ProcessKubelet(KubernetesClient client, ControlPlane controlPlane, Options options) {
        this.client = client;
        this.controlPlane = controlPlane;
        this.options = options;
        this.dataDir = options.dataDir().toAbsolutePath();
        this.hostsFile = dataDir.resolve("hosts");
        this.resolverFile = dataDir.resolve("resolver");
        // One 127.B.0.0/16 per kubelet on this machine.
        this.block = LoopbackBlock.acquire();
        this.octet = block.octet();
    }

    /** Registers the nodes and the StorageClass, then starts syncing pods. */
    public static ProcessKubelet start(KubernetesClient client, ControlPlane controlPlane, Options options) {
        ProcessKubelet k = new ProcessKubelet(client, controlPlane, options);
        try {
            Files.createDirectories(k.dataDir.resolve("pods"));
            Files.createDirectories(k.dataDir.resolve("volumes"));
            Files.writeString(k.hostsFile, "# cowsql testbed hosts file (empty)\n");
            Files.writeString(k.resolverFile, "# cowsql testbed resolver file (empty)\n");
            k.ensureStorageClass();
            List<String> ips = new ArrayList<>();
            for (NodeSpec n : options.nodes()) {
                ips.add(k.nodeIp(n.name()));
            }
            k.server = KubeletServer.start(k.dataDir, ips, new KubeletServer.Logs() {
                @Override
                public Path file(String namespace, String pod, String container) {
                    return k.runtime(namespace, pod).map(r -> r.logFile(container)).orElse(null);
                }

                @Override
                public boolean running(String namespace, String pod) {
                    return k.runtime(namespace, pod).isPresent();
                }
            });
            for (NodeSpec n : options.nodes()) {
                k.addNode(n);
            }
            k.syncThread = new Thread(k::syncLoop, "kubelet-sync");
            k.syncThread.setDaemon(true);
            k.syncThread.start();
            k.heartbeatThread = new Thread(k::heartbeatLoop, "kubelet-heartbeat");
            k.heartbeatThread.setDaemon(true);
            k.heartbeatThread.start();
            return k;
        } catch (IOException e) {
            k.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
    }

    // ---- accessors used by PodRuntime ---------------------------------------------------------

    KubernetesClient client() { return client; }
    Path podsDir() { return dataDir.resolve("pods"); }
    Path caFile() { return controlPlane.caFile(); }
    /** The image table (mutable: tests and the sandbox may add entries while running). */
    public ImageTable images() { return options.images(); }
    ProcessRegistry registry() { return controlPlane.registry(); }
    Options options() { return options; }
    boolean closing() { return closing; }

    public Path hostsFile() { return hostsFile; }
    public Path dataDir() { return dataDir; }
    public List<String> nodeNames() { return List.copyOf(new TreeMap<>(nodes).keySet()); }

    void log(String msg) {
        System.err.println("[kubelet " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + "] " + msg);
    }

    void debug(String msg) {
        if (verbose) {
            log(msg);
        }
    }

    Map<String, String> testbedEnv(PodRuntime p, Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(HOSTS_FILE_ENV, hostsFile.toString());
        env.put(RESOLVER_FILE_ENV, resolverFile.toString());
        env.put("TESTBED_POD_ROOT", root.toString());
        env.put("TESTBED_POD_IP", p.podIp);
        env.put("TESTBED_NODE_NAME", p.nodeName);
        env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(controlPlane.apiServerPort()));
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(controlPlane.apiServerPort()));
        if (PodVolumes.automountToken(p.pod())) {
            Path sa = p.podDir.resolve("volumes").resolve("kube-api-access");
            // Fabric8's in-cluster configuration reads these instead of /var/run/secrets/...
            env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", sa.resolve("token").toString());
            env.put("KUBERNETES_CERTS_CA_FILE", sa.resolve("ca.crt").toString());
            env.put("KUBERNETES_NAMESPACE", p.namespace);
        }
        return env;
    }

    /** Creates a core/v1 Event about a pod, from source "kubelet" on its node (best effort). */
    void event(Pod pod, String type, String reason, String message) {
        if (closing) {
            return;
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(pod.getMetadata().getNamespace()).resource(
                new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                    .withGenerateName(pod.getMetadata().getName() + ".").endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Pod")
                    .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withUid(pod.getMetadata().getUid()).endInvolvedObject()
                    .withType(type).withReason(reason)
                    .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                    .withNewSource().withComponent("kubelet").withHost(pod.getSpec().getNodeName()).endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            debug("event " + reason + ": " + e.getMessage());
        }
    }

    // ---- nodes ---------------------------------------------------------------------------------

    /** Registers (or re-registers) a node and starts heart-beating it. */
    private synchronized String nodeIp(String node) {
        return nodeIps.computeIfAbsent(node, k -> "127." + octet + ".0." + (nextNodeIp++));
    }

    public synchronized void addNode(NodeSpec n) {
        String ip = nodeIp(n.name());
        if (server != null) {
            try {
                server.listen(ip);
            } catch (IOException e) {
                log("kubelet API for " + n.name() + " not available (kubectl logs): " + e);
            }
        }
        Node node = new NodeBuilder().withNewMetadata().withName(n.name())
            .addToLabels("kubernetes.io/hostname", n.name())
            .addToLabels("kubernetes.io/os", "linux")
            .addToLabels("kubernetes.io/arch", "amd64")
            .addToLabels(ZONE_LABEL, n.zone())
            .addToLabels("failure-domain.beta.kubernetes.io/zone", n.zone())
            .addToLabels("topology.kubernetes.io/region", "testbed")
            .endMetadata().withNewSpec().endSpec().build();
        if (client.nodes().withName(n.name()).get() == null) {
            client.nodes().resource(node).create();
        }
        nodes.put(n.name(), n);
        notReady.remove(n.name());
        heartbeat(n.name());
    }

    /** Whether a node is cut off by {@link #setNodeReady}(node, false). */
    boolean partitioned(String node) {
        return notReady.contains(node);
    }

    /**
     * Fault: the node is cut off from the API server: it reports Ready=False once, then stops
     * heart-beating, stops writing pod status and does not see pod changes or deletions (as a
     * partitioned kubelet). Its pods' processes keep running. {@code true} reconnects it.
     */
    public void setNodeReady(String node, boolean ready) {
        requireNode(node);
        if (ready) {
            notReady.remove(node);
            heartbeat(node);
        } else {
            notReady.add(node);
            patchNodeStatus(node, false);
        }
    }

    /** Fault: the machine is gone: its pods' processes die and the Node object is deleted. */
    public void removeNode(String node) {
        requireNode(node);
        nodes.remove(node);
        notReady.remove(node);
        for (PodRuntime p : pods.values()) {
            if (p.nodeName.equals(node)) {
                p.killNow();
            }
        }
        for (PodRuntime p : pods.values()) {
            if (p.nodeName.equals(node)) {
                p.join(Duration.ofSeconds(15));
            }
        }
        client.nodes().withName(node).delete();
        client.leases().inNamespace("kube-node-lease").withName(node).delete();
    }

    private void requireNode(String node) {
        if (!nodes.containsKey(node)) {
            throw new IllegalArgumentException("unknown node " + node + "; nodes: " + nodeNames());
        }
    }

    private void heartbeatLoop() {
        while (!closing) {
            for (String n : nodes.keySet()) {
                if (!notReady.contains(n)) {
                    try {
                        heartbeat(n);
                    } catch (RuntimeException e) {
                        debug("heartbeat " + n + ": " + e);
                    }
                }
            }
            sleep(options.heartbeatPeriod().toMillis());
        }
    }

    private void heartbeat(String node) {
        patchNodeStatus(node, true);
        ZonedDateTime now = ZonedDateTime.now(java.time.ZoneOffset.UTC);
        Lease existing = client.leases().inNamespace("kube-node-lease").withName(node).get();
        if (existing == null) {
            client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata()
                .withName(node).withNamespace("kube-node-lease").endMetadata().withNewSpec()
                .withHolderIdentity(node).withLeaseDurationSeconds(40).withRenewTime(now).endSpec().build())
                .create();
        } else {
            existing.getSpec().setRenewTime(now);
            try {
                client.leases().inNamespace("kube-node-lease").resource(existing).update();
            } catch (KubernetesClientException e) {
                debug("lease " + node + ": " + e.getMessage());
            }
        }
    }

    private void patchNodeStatus(String node, boolean ready) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conds = new ArrayList<>();
        for (String t : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            conds.add(new NodeConditionBuilder().withType(t).withStatus("False").withReason("KubeletHas" + "No" + t)
                .withLastHeartbeatTime(now).withLastTransitionTime(now).build());
        }
        conds.add(new NodeConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
            .withReason(ready ? "KubeletReady" : "TestbedNotReady")
            .withMessage(ready ? "process kubelet is posting ready status" : "fault injected by the testbed")
            .withLastHeartbeatTime(now).withLastTransitionTime(now).build());
        Map<String, Quantity> cap = PodEnvironment.NODE_ALLOCATABLE;
        NodeStatus st = new NodeStatusBuilder()
            .withCapacity(cap).withAllocatable(cap)
            .withConditions(conds)
            .addNewAddress().withType("InternalIP").withAddress(nodeIps.get(node)).endAddress()
            .addNewAddress().withType("Hostname").withAddress(node).endAddress()
            .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(server == null ? 0 : server.port())
            .endKubeletEndpoint().endDaemonEndpoints()
            .withNewNodeInfo().withMachineID(node).withSystemUUID(node).withBootID(node)
            .withKernelVersion(System.getProperty("os.version")).withOsImage("cowsql testbed")
            .withContainerRuntimeVersion("process://1").withKubeletVersion("v1.20.2").withKubeProxyVersion("v1.20.2")
            .withOperatingSystem("linux").withArchitecture("amd64").endNodeInfo()
            .build();
        client.nodes().withName(node).subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", st)));
    }

    // ---- pods ----------------------------------------------------------------------------------

    private void syncLoop() {
        while (!closing) {
            try {
                syncPods();
                provision();
                writeHosts();
            } catch (RuntimeException e) {
                if (!closing) {
                    debug("sync: " + e);
                }
            }
            sleep(options.syncPeriod().toMillis());
        }
    }

    private void syncPods() {
        List<Pod> all = client.pods().inAnyNamespace().list().getItems();
        Set<String> seen = new LinkedHashSet<>();
        for (Pod p : all) {
            String node = p.getSpec().getNodeName();
            if (node == null || !nodes.containsKey(node)) {
                continue;
            }
            String uid = p.getMetadata().getUid();
            seen.add(uid);
            PodRuntime rt = pods.get(uid);
            if (notReady.contains(node)) {
                continue; // a node cut off: its kubelet sees no updates (and writes no status)
            }
            if (rt != null) {
                rt.update(p);
                continue;
            }
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            if (p.getMetadata().getDeletionTimestamp() != null) {
                // never started here: nothing to stop
                client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                    .withGracePeriod(0).delete();
                continue;
            }
            String ip = podIps.computeIfAbsent(uid, k -> allocateIp());
            rt = new PodRuntime(this, p, ip, nodeIps.get(node));
            pods.put(uid, rt);
            log("pod " + rt.key() + " on " + node + " ip " + ip);
            rt.start();
        }
        for (Map.Entry<String, PodRuntime> e : pods.entrySet()) {
            PodRuntime rt = e.getValue();
            if (!seen.contains(e.getKey()) && !notReady.contains(rt.nodeName)) {
                rt.killNow();
            }
            if (rt.finished()) {
                pods.remove(e.getKey());
                rt.cleanup();
            }
        }
    }

    private synchronized String allocateIp() {
        int n = nextIp++;
        while ((n & 0xff) == 0 || (n & 0xff) == 255) {
            n = nextIp++;
        }
        if (n >= 65535) {
            throw new IllegalStateException("pod IPs exhausted");
        }
        return "127." + octet + "." + (n >> 8) + "." + (n & 0xff);
    }

    private Optional<PodRuntime> runtime(String namespace, String pod) {
        return pods.values().stream()
            .filter(p -> p.namespace.equals(namespace) && p.name.equals(pod) && !p.finished())
            .findFirst();
    }

    private PodRuntime requirePod(String namespace, String pod) {
        return runtime(namespace, pod).orElseThrow(() ->
            new IllegalArgumentException("pod " + namespace + "/" + pod + " is not running on this kubelet"));
    }

    /** The loopback IP of a running pod. */
    public Optional<String> podIp(String namespace, String pod) {
        return runtime(namespace, pod).map(p -> p.podIp);
    }

    /** Process-group leader PIDs of a pod's running containers. */
    public Map<String, Long> pids(String namespace, String pod) {
        return runtime(namespace, pod).map(PodRuntime::pids).orElse(Map.of());
    }

    /** A container's log file (stdout and stderr of every run). */
    public Path logFile(String namespace, String pod, String container) {
        return requirePod(namespace, pod).logFile(container);
    }

    /** Fault: SIGKILL the container's process group; the container restarts per restartPolicy. */
    public void crash(String namespace, String pod) {
        requirePod(namespace, pod).signal(null, "KILL");
    }

    /** Fault: SIGSTOP the pod's process group (a node cut off); {@link #resume} undoes it. */
    public void pause(String namespace, String pod) {
        requirePod(namespace, pod).signal(null, "STOP");
    }

    public void resume(String namespace, String pod) {
        requirePod(namespace, pod).signal(null, "CONT");
    }

    /** Fault: delete the pod through the API (graceful: preStop, SIGTERM, grace period, SIGKILL). */
    public void deletePod(String namespace, String pod) {
        client.pods().inNamespace(namespace).withName(pod).delete();
    }

    /** The host directory behind a bound PVC. */
    public Path pvcDirectory(String namespace, String pvc) {
        PersistentVolumeClaim c = client.persistentVolumeClaims().inNamespace(namespace).withName(pvc).get();
        if (c == null || c.getSpec().getVolumeName() == null) {
            throw new IllegalArgumentException("PVC " + namespace + "/" + pvc + " not found or not bound");
        }
        PersistentVolume pv = client.persistentVolumes().withName(c.getSpec().getVolumeName()).get();
        return Path.of(pv.getSpec().getHostPath().getPath());
    }

    /** Fault: delete everything inside a PVC's directory (the directory itself stays). */
    public void wipeVolume(String namespace, String pvc) {
        Path dir = pvcDirectory(namespace, pvc);
        deleteTree(dir, false);
    }

    // ---- volumes -------------------------------------------------------------------------------

    private void ensureStorageClass() {
        if (client.storage().v1().storageClasses().withName(options.storageClass()).get() != null) {
            return;
        }
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
            .withName(options.storageClass())
            .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
            .withProvisioner(PROVISIONER).withReclaimPolicy("Delete")
            .withVolumeBindingMode("WaitForFirstConsumer").build()).create();
    }

    private void provision() {
        for (PersistentVolumeClaim pvc : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
            if (!"Pending".equals(pvc.getStatus() == null ? null : pvc.getStatus().getPhase())
                || pvc.getMetadata().getDeletionTimestamp() != null
                || (pvc.getSpec().getVolumeName() != null && !pvc.getSpec().getVolumeName().isEmpty())
                || !options.storageClass().equals(pvc.getSpec().getStorageClassName())) {
                continue;
            }
            Map<String, String> ann = pvc.getMetadata().getAnnotations() == null ? Map.of() : pvc.getMetadata().getAnnotations();
            String node = ann.get(SELECTED_NODE);
            if (node == null || !nodes.containsKey(node)) {
                continue;
            }
            String uid = pvc.getMetadata().getUid();
            String pvName = "pvc-" + uid;
            if (client.persistentVolumes().withName(pvName).get() != null) {
                continue;
            }
            String ns = pvc.getMetadata().getNamespace();
            Path dir = dataDir.resolve("volumes").resolve(ns + "_" + pvc.getMetadata().getName() + "_" + uid);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Quantity size = pvc.getSpec().getResources() != null && pvc.getSpec().getResources().getRequests() != null
                ? pvc.getSpec().getResources().getRequests().getOrDefault("storage", new Quantity("1Gi")) : new Quantity("1Gi");
            PersistentVolume pv = new PersistentVolumeBuilder().withNewMetadata().withName(pvName)
                .addToAnnotations("pv.kubernetes.io/provisioned-by", PROVISIONER).endMetadata()
                .withNewSpec()
                .addToCapacity("storage", size)
                .withAccessModes(pvc.getSpec().getAccessModes())
                .withNewHostPath().withPath(dir.toString()).withType("DirectoryOrCreate").endHostPath()
                .withNewClaimRef().withApiVersion("v1").withKind("PersistentVolumeClaim").withNamespace(ns)
                .withName(pvc.getMetadata().getName()).withUid(uid).endClaimRef()
                .withStorageClassName(options.storageClass())
                .withPersistentVolumeReclaimPolicy("Delete")
                .withVolumeMode("Filesystem")
                .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression()
                .endNodeSelectorTerm().endRequired().endNodeAffinity()
                .endSpec().build();
            try {
                client.persistentVolumes().resource(pv).create();
                log("provisioned " + pvName + " for " + ns + "/" + pvc.getMetadata().getName() + " on " + node + " at " + dir);
            } catch (KubernetesClientException e) {
                debug("provision " + pvName + ": " + e.getMessage());
            }
        }
        for (PersistentVolume pv : client.persistentVolumes().list().getItems()) {
            Map<String, String> ann = pv.getMetadata().getAnnotations();
            String phase = pv.getStatus() == null ? null : pv.getStatus().getPhase();
            if (ann == null || !PROVISIONER.equals(ann.get("pv.kubernetes.io/provisioned-by"))
                || !("Released".equals(phase) || "Failed".equals(phase))
                || !"Delete".equals(pv.getSpec().getPersistentVolumeReclaimPolicy())) {
                continue;
            }
            Path dir = Path.of(pv.getSpec().getHostPath().getPath());
            if (dir.startsWith(dataDir.resolve("volumes"))) {
                deleteTree(dir, true);
            }
            client.persistentVolumes().withName(pv.getMetadata().getName()).delete();
            log("deleted " + pv.getMetadata().getName() + " and " + dir);
        }
    }

    public static void deleteTree(Path dir, boolean includingRoot) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!includingRoot && p.equals(dir)) {
                    continue;
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- DNS -----------------------------------------------------------------------------------

    private void writeHosts() {
        List<Service> allServices = client.services().inAnyNamespace().list().getItems();
        List<Service> services = allServices.stream()
            .filter(s -> "None".equals(s.getSpec().getClusterIP()) && s.getSpec().getSelector() != null
                && !s.getSpec().getSelector().isEmpty())
            .toList();
        String domain = options.clusterDomain();
        Map<String, List<String>> byIp = new TreeMap<>();
        List<PodRuntime> running = new ArrayList<>(pods.values());
        running.sort(Comparator.comparing(PodRuntime::key));
        for (PodRuntime p : running) {
            if (p.finished()) {
                continue;
            }
            Pod pod = p.pod();
            boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
            Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
            String ns = p.namespace;
            List<String> names = byIp.computeIfAbsent(p.podIp, k -> new ArrayList<>());
            names.add(p.podIp.replace('.', '-') + "." + ns + ".pod." + domain);
            boolean ready = p.ready();
            for (Service s : services) {
                if (!s.getMetadata().getNamespace().equals(ns)) {
                    continue;
                }
                boolean selected = s.getSpec().getSelector().entrySet().stream()
                    .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
                // As the 1.20 endpoints controller: unready or terminating pods only with publishNotReadyAddresses.
                boolean tolerate = Boolean.TRUE.equals(s.getSpec().getPublishNotReadyAddresses());
                if (!selected || !(tolerate || (ready && !terminating))) {
                    continue;
                }
                String svc = s.getMetadata().getName();
                if (svc.equals(pod.getSpec().getSubdomain())) {
                    String h = p.hostname() + "." + svc + "." + ns;
                    names.add(0, h + ".svc." + domain);
                    names.add(h + ".svc");
                    names.add(h);
                }
            }
        }
        // Service names (A records of a headless service: one line per endpoint).
        StringBuilder sb = new StringBuilder();
        sb.append("# cowsql testbed hosts file, written by the process kubelet; format: e2e/README.md\n");
        byIp.forEach((ip, names) -> sb.append(ip).append(' ').append(String.join(" ", names)).append('\n'));
        for (Service s : services) {
            String ns = s.getMetadata().getNamespace();
            for (PodRuntime p : running) {
                if (!p.namespace.equals(ns) || p.finished()) {
                    continue;
                }
                boolean terminating = p.pod().getMetadata().getDeletionTimestamp() != null;
                boolean tolerate = Boolean.TRUE.equals(s.getSpec().getPublishNotReadyAddresses());
                Map<String, String> labels = p.pod().getMetadata().getLabels() == null ? Map.of() : p.pod().getMetadata().getLabels();
                boolean selected = s.getSpec().getSelector().entrySet().stream()
                    .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
                if (selected && (tolerate || (p.ready() && !terminating))) {
                    String n = s.getMetadata().getName() + "." + ns;
                    sb.append(p.podIp).append(' ').append(n).append(".svc.").append(domain).append(' ')
                        .append(n).append(".svc ").append(n).append('\n');
                }
            }
        }
        syncServiceProxies(allServices, running, sb);
        String text = sb.toString();
        if (text.equals(lastHosts)) {
            return;
        }
        // The same records as NAME TARGET (first address of a name wins): the node agent's format.
        Map<String, String> first = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            for (int i = 1; i < f.length; i++) {
                first.putIfAbsent(f[i], f[0]);
            }
        }
        StringBuilder rs = new StringBuilder("# cowsql testbed resolver file: NAME TARGET; format: e2e/README.md\n");
        first.forEach((n, ip) -> rs.append(n).append(' ').append(ip).append('\n'));
        try {
            replace(resolverFile, rs.toString());
            replace(hostsFile, text);
            lastHosts = text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Turns the ClusterIP-Service stand-in on or off (default off). Off by default because its listeners
     * take the service ports on their loopback addresses, so a pod binding 0.0.0.0 on a port that a
     * Service also exposes (e.g. a metrics Service on the pod's own port) could no longer bind it.
     */
    public void enableServiceProxies(boolean on) {
        serviceProxies = on;
    }

    /**
     * ClusterIP Services: a loopback address each (127.B.255.n), named in the files, with a forwarding
     * listener per TCP port to the ready endpoints (see {@link ServiceProxies}).
     */
    private void syncServiceProxies(List<Service> all, List<PodRuntime> running, StringBuilder records) {
        Map<String, Object[]> wanted = new LinkedHashMap<>();
        if (!serviceProxies) {
            proxies.sync(wanted);
            return;
        }
        String domain = options.clusterDomain();
        for (Service s : all) {
            var spec = s.getSpec();
            if ("None".equals(spec.getClusterIP()) || spec.getSelector() == null || spec.getSelector().isEmpty()
                || "ExternalName".equals(spec.getType()) || spec.getPorts() == null) {
                continue;
            }
            String ns = s.getMetadata().getNamespace();
            String name = s.getMetadata().getName();
            String ip = serviceIps.computeIfAbsent(s.getMetadata().getUid(), k -> allocateServiceIp());
            if (ip == null) {
                continue;
            }
            boolean tolerate = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses());
            List<PodRuntime> selected = new ArrayList<>();
            for (PodRuntime p : running) {
                Map<String, String> labels = p.pod().getMetadata().getLabels() == null ? Map.of() : p.pod().getMetadata().getLabels();
                boolean match = p.namespace.equals(ns) && !p.finished() && spec.getSelector().entrySet().stream()
                    .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
                boolean terminating = p.pod().getMetadata().getDeletionTimestamp() != null;
                if (match && (tolerate || (p.ready() && !terminating))) {
                    selected.add(p);
                }
            }
            for (var port : spec.getPorts()) {
                if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
                    continue;
                }
                List<ServiceProxies.Endpoint> eps = new ArrayList<>();
                for (PodRuntime p : selected) {
                    Integer target = targetPort(port.getTargetPort(), port.getPort(), p.pod());
                    if (target != null) {
                        eps.add(new ServiceProxies.Endpoint(p.podIp, target));
                    }
                }
                wanted.put(ns + "/" + name + "/" + port.getPort(), new Object[] {ip, port.getPort(), eps});
            }
            String n = name + "." + ns;
            records.append(ip).append(' ').append(n).append(".svc.").append(domain).append(' ')
                .append(n).append(".svc ").append(n).append('\n');
        }
        proxies.sync(wanted);
    }

    private synchronized String allocateServiceIp() {
        if (nextServiceIp > 254) {
            log("no more service proxy addresses");
            return null;
        }
        return "127." + octet + ".255." + (nextServiceIp++);
    }

    private static Integer targetPort(io.fabric8.kubernetes.api.model.IntOrString target, int port, Pod pod) {
        if (target == null) {
            return port;
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        String name = target.getStrVal();
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name);
        }
        for (var c : pod.getSpec().getContainers()) {
            if (c.getPorts() != null) {
                for (var cp : c.getPorts()) {
                    if (name.equals(cp.getName())) {
                        return cp.getContainerPort();
                    }
                }
            }
        }
        return null;
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public Path resolverFile() { return resolverFile; }

    /** Looks a name up in the hosts file the way pod processes should (first match wins). */
    public Optional<String> resolve(String name) {
        return HostsFile.lookup(hostsFile, name);
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills every pod process (no graceful deletion: the testbed is going away). */
    @Override
    public void close() {
        closing = true;
        for (PodRuntime p : pods.values()) {
            p.killNow();
        }
        for (PodRuntime p : pods.values()) {
            p.join(Duration.ofSeconds(15));
        }
        if (server != null) {
            server.close();
        }
        proxies.close();
        for (Thread t : new Thread[] {syncThread, heartbeatThread}) {
            if (t != null) {
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (!Boolean.getBoolean("cowsql.e2e.keepData")) {
            // PV directories and pod volumes go; pod logs stay for post-mortems.
            try {
                deleteTree(dataDir.resolve("volumes"), true);
                try (var dirs = Files.list(podsDir())) {
                    for (Path d : dirs.toList()) {
                        for (String sub : List.of("volumes", "rootfs", "bin")) {
                            deleteTree(d.resolve(sub), true);
                        }
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                log("cleanup: " + e);
            }
        }
        block.close();
    }
}
