package io.cowsql.e2e.chaos;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.e2e.testbed.ControlPlane;
import io.cowsql.e2e.testbed.HostsFile;
import io.cowsql.e2e.testbed.LoopbackBlock;
import io.cowsql.e2e.testbed.NetworkPartitions;
import io.cowsql.e2e.testbed.ProcessKubelet;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CowsqlCluster of the real operator on the testbed ({@link OperatorTestbed}), in a namespace of its own:
 * its members are the StatefulSet's pods {@code chaos-0..}, run by the process kubelet, each under a group
 * id of its own ({@link NetworkPartitions#podGroup}), so partitions can cut pods from each other and from
 * the API server. Member {@code i} is pod {@code chaos-i}, {@code n(i+1)} in the history.
 *
 * <p>Client endpoints are source addresses {@code 127.C.1.k} of a loopback block of its own; clients find
 * the members by the names the cluster knows them by, through the kubelet's hosts file. {@link #close()}
 * copies the pods' logs and the operator's into {@link #dir()} and deletes the namespace.
 */
public final class TestbedCluster implements ChaosCluster {
    /** The CowsqlCluster's name (and its StatefulSet's). */
    static final String NAME = "chaos";
    static final int INITIAL_MEMBERS = 3;
    /** The size of a scale-up ({@link #scaleUpTo}). */
    public static final int SCALED_MEMBERS = 5;
    static final int COWSQL_PORT = 9000;
    static final int HTTP_PORT = 8080;
    static final String CONTAINER = "cowsql";

    private final OperatorTestbed env;
    private final Testbed tb;
    private final KubernetesClient client;
    private final ProcessKubelet kubelet;
    private final String namespace;
    private final Path dir;
    private final LoopbackBlock block;
    private final NetworkPartitions partitions;
    private final Set<String> notReadyNodes = ConcurrentHashMap.newKeySet();
    private final Map<String, RemovedNode> removedNodes = new ConcurrentHashMap<>();
    private volatile int size = INITIAL_MEMBERS;

    private TestbedCluster(OperatorTestbed env, String namespace, Path dir) {
        this.env = env;
        this.tb = env.testbed();
        this.client = tb.client();
        this.kubelet = tb.kubelet();
        this.namespace = namespace;
        this.dir = dir;
        this.block = LoopbackBlock.acquire();
        try {
            // In the testbed's registry: its watchdog removes the chain even after kill -9 of this JVM.
            this.partitions = NetworkPartitions.open(tb.controlPlane().registry());
        } catch (RuntimeException e) {
            block.close();
            throw e;
        }
    }

    /**
     * Creates namespace {@code namespace} and a 3-member CowsqlCluster in it, and waits until the operator
     * reports it Running with every member ready and a client finds a leader.
     */
    public static TestbedCluster start(OperatorTestbed env, String namespace, Path dir, Duration timeout) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestbedCluster c = new TestbedCluster(env, namespace, dir.toAbsolutePath());
        try {
            c.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
            CowsqlCluster cr = new CowsqlCluster();
            cr.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(namespace).build());
            CowsqlClusterSpec spec = new CowsqlClusterSpec();
            spec.replicas = INITIAL_MEMBERS;
            cr.setSpec(spec);
            c.client.resources(CowsqlCluster.class).inNamespace(namespace).resource(cr).create();
            c.awaitHealthy(timeout);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private Resource<CowsqlCluster> resource() {
        return client.resources(CowsqlCluster.class).inNamespace(namespace).withName(NAME);
    }

    static String pod(int i) {
        return NAME + "-" + i;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public int size() {
        return size;
    }

    /** The members' addresses as the cluster knows them ({@code chaos-i.chaos-peers.<ns>.svc.cluster.local:9000}). */
    @Override
    public List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(pod(i) + "." + NAME + "-peers." + namespace + ".svc.cluster.local:" + COWSQL_PORT);
        }
        return out;
    }

    private Optional<String> podIp(int i) {
        return kubelet.podIp(namespace, pod(i));
    }

    private String requirePodIp(int i) {
        return podIp(i).orElseThrow(() -> new IllegalStateException("pod " + namespace + "/" + pod(i)
            + " is not running on the kubelet"));
    }

    /** Member {@code i}'s pod: its pod IP, and its group id ({@link NetworkPartitions#podGroup}). */
    @Override
    public NetworkPartitions.Endpoint node(int i) {
        String ip = requirePodIp(i);
        return new NetworkPartitions.Endpoint("n" + (i + 1), ip, NetworkPartitions.podGroup(ip));
    }

    /** The operator's pod. */
    public NetworkPartitions.Endpoint operator() {
        Pod p = env.operatorPod();
        String ip = kubelet.podIp(OperatorTestbed.OPERATOR_NAMESPACE, p.getMetadata().getName()).orElseThrow(() ->
            new IllegalStateException("the operator pod " + p.getMetadata().getName() + " is not running"));
        return new NetworkPartitions.Endpoint("operator", ip, NetworkPartitions.podGroup(ip));
    }

    /** The API server, as pods reach it ({@code KUBERNETES_SERVICE_HOST:PORT}, the control plane's listener). */
    public NetworkPartitions.Endpoint apiServer() {
        return NetworkPartitions.Endpoint.server("api-server", "127.0.0.1", tb.controlPlane().apiServerPort());
    }

    @Override
    public NetworkPartitions.Endpoint client(int k) {
        return new NetworkPartitions.Endpoint("c" + (k + 1), block.address(1, k + 1), -1);
    }

    @Override
    public ClientOptions clientOptions(int k) {
        return ChaosCluster.boundClientOptions(client(k).ip()).withResolver(HostsFile.addressResolver(kubelet.hostsFile()));
    }

    @Override
    public URI http(int i) {
        return URI.create("http://" + requirePodIp(i) + ":" + HTTP_PORT + "/");
    }

    @Override
    public String nameOf(String address) {
        String host = address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
        for (int i = 0; i < size; i++) {
            if (host.startsWith(pod(i) + ".") || host.equals(podIp(i).orElse(null))) {
                return "n" + (i + 1);
            }
        }
        return address;
    }

    private int indexOf(String address) {
        String name = nameOf(address);
        return name.startsWith("n") && !name.equals(address) ? Integer.parseInt(name.substring(1)) - 1 : -1;
    }

    @Override
    public int leader() {
        return ChaosCluster.leaderIndex(addresses(), observerOptions(), this::indexOf);
    }

    @Override
    public List<NodeInfo> configuration() throws CowsqlException {
        try (CowsqlClient leader = CowsqlClient.findLeader(addresses(), observerOptions())) {
            return leader.cluster();
        }
    }

    /** The harness's own look at the members: unbound sockets, by the names the cluster knows, through the hosts file. */
    private ClientOptions observerOptions() {
        return ChaosCluster.observerOptions().withResolver(HostsFile.addressResolver(kubelet.hostsFile()));
    }

    @Override
    public NetworkPartitions partitions() {
        return partitions;
    }

    /**
     * Every member reaches every member it is not cut from (members voting or not: after a scale-up to 5 the
     * role policy keeps 3 voters and 2 standbys; the {@link MembershipObserver} records which vote).
     */
    @Override
    public Map<String, List<String>> reach() {
        return ChaosCluster.reach(size, i -> "n" + (i + 1), this::cut);
    }

    private boolean cut(int i, int j) {
        return podIp(i).isPresent() && podIp(j).isPresent() && partitions.isCut(node(i), node(j));
    }

    /** The Node member {@code i}'s pod runs on. */
    public String nodeOf(int i) {
        Pod p = client.pods().inNamespace(namespace).withName(pod(i)).get();
        if (p == null || p.getSpec().getNodeName() == null) {
            throw new IllegalStateException("pod " + namespace + "/" + pod(i) + " is not scheduled");
        }
        return p.getSpec().getNodeName();
    }

    /** Fault: the Node's kubelet is cut off from the API server (Ready=False, no heartbeats); {@code true} ends it. */
    public void setNodeReady(String node, boolean ready) {
        kubelet.setNodeReady(node, ready);
        if (ready) {
            notReadyNodes.remove(node);
        } else {
            notReadyNodes.add(node);
        }
    }

    /**
     * Fault: deletes Node {@code node} (and its Lease) while its pods keep running; the kubelet keeps them and keeps
     * heart-beating into the void until {@link #registerNode}. Remembers the zone for that.
     */
    public void deleteNode(String node) {
        Node n = client.nodes().withName(node).get();
        if (n == null) {
            throw new IllegalStateException("Node " + node + " does not exist");
        }
        String zone = n.getMetadata().getLabels().get(ProcessKubelet.ZONE_LABEL);
        removedNodes.put(node, new RemovedNode(new ProcessKubelet.NodeSpec(node, zone), podUids(node)));
        client.nodes().withName(node).delete();
        client.leases().inNamespace("kube-node-lease").withName(node).delete();
    }

    /** Heal of {@link #deleteNode}: the kubelet registers the Node again (same name, zone and address). */
    public void registerNode(String node) {
        RemovedNode removed = removedNodes.get(node);
        if (removed != null) {
            Map<String, String> now = new java.util.HashMap<>();
            for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
                now.put(p.getMetadata().getName(), p.getMetadata().getUid());
            }
            List<String> replaced = removed.pods().entrySet().stream().filter(e -> !e.getValue().equals(now.get(e.getKey())))
                .map(Map.Entry::getKey).sorted().toList();
            ChaosRun.log("Node " + node + " registered again; " + (replaced.isEmpty() ? "its pods " + removed.pods().keySet()
                + " kept" : "pods " + replaced + " replaced meanwhile (the pod garbage collector)"));
            for (int attempt = 1; ; attempt++) {
                try {
                    kubelet.addNode(removed.spec());
                    break;
                } catch (KubernetesClientException e) {
                    // 409: the kubelet's heartbeat thread, which resumes once the Node exists, created its Lease at the
                    // same moment; adding the Node again is idempotent (it exists, the listener too).
                    if (e.getCode() != 409 || attempt == 3) {
                        throw e;
                    }
                }
            }
            removedNodes.remove(node);
        }
    }

    /** A Node deleted by {@link #deleteNode}: how to register it again, and the uids of this cluster's pods on it then. */
    private record RemovedNode(ProcessKubelet.NodeSpec spec, Map<String, String> pods) {
    }

    private Map<String, String> podUids(String node) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
            if (node.equals(p.getSpec().getNodeName())) {
                out.put(p.getMetadata().getName(), p.getMetadata().getUid());
            }
        }
        return out;
    }

    /**
     * Sets {@code spec.replicas} to {@code members} and waits (30 s at most) until the operator has begun:
     * the StatefulSet asks for more pods than before. Returns what the scale-up looked like then; when the
     * cluster already has that many members, changes nothing.
     */
    public String scaleUpTo(int members) {
        int from = size;
        if (from >= members) {
            return "(no scale-up: already " + from + " members)";
        }
        resource().edit(c -> {
            c.getSpec().replicas = members;
            return c;
        });
        size = members;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        StatefulSet sts = null;
        while (System.nanoTime() < deadline) {
            sts = client.apps().statefulSets().inNamespace(namespace).withName(NAME).get();
            if (sts != null && sts.getSpec().getReplicas() > from) {
                return "during the scale-up " + from + " -> " + members + " (StatefulSet at " + sts.getSpec().getReplicas()
                    + " replicas, " + (sts.getStatus() == null ? null : sts.getStatus().getReadyReplicas()) + " ready)";
            }
            ControlPlane.sleep(100);
        }
        return "(scale-up " + from + " -> " + members + " asked, but the operator had not raised the StatefulSet within 30 s)";
    }

    /** Fault: SIGKILL the operator's process; the kubelet starts it again (restartPolicy Always). Returns its restarts so far. */
    public int killOperator() {
        Pod p = env.operatorPod();
        int restarts = operatorRestarts(p);
        kubelet.crash(OperatorTestbed.OPERATOR_NAMESPACE, p.getMetadata().getName());
        return restarts;
    }

    private static int operatorRestarts(Pod p) {
        return p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? 0
            : p.getStatus().getContainerStatuses().stream().filter(s -> OperatorTestbed.OPERATOR_CONTAINER.equals(s.getName()))
                .mapToInt(ContainerStatus::getRestartCount).findFirst().orElse(0);
    }

    /** Waits (60 s at most) until the operator's container runs again after more than {@code restarts} restarts. */
    public void awaitOperatorRestarted(int restarts) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Pod p = env.operatorPod();
            boolean running = p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                && p.getStatus().getContainerStatuses().stream().anyMatch(s -> s.getState().getRunning() != null);
            if (operatorRestarts(p) > restarts && running) {
                return;
            }
            ControlPlane.sleep(200);
        }
        throw new IllegalStateException("the operator was not started again within 60 s after its SIGKILL");
    }

    @Override
    public void healAll() {
        partitions.heal();
        for (String n : List.copyOf(notReadyNodes)) {
            setNodeReady(n, true);
        }
        for (String n : List.copyOf(removedNodes.keySet())) {
            registerNode(n);
        }
    }

    /**
     * Waits until the operator reports every member ready with the cluster Running and reconciled (the
     * status of the current generation) and a client finds a leader: after a scale-up, that it finished.
     */
    @Override
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing read";
        while (System.nanoTime() < deadline) {
            try {
                CowsqlCluster c = resource().get();
                CowsqlClusterStatus st = c == null ? null : c.getStatus();
                if (st == null) {
                    last = "no status";
                } else {
                    String progressing = st.condition("Progressing").map(Condition::getReason).orElse(null);
                    last = "phase " + st.phase + ", " + st.readyReplicas + "/" + size + " ready, " + st.members.size()
                        + " members, Progressing " + progressing + ", generation " + st.observedGeneration + "/"
                        + c.getMetadata().getGeneration();
                    if ("Running".equals(st.phase) && Integer.valueOf(size).equals(st.readyReplicas)
                        && st.members.size() == size && "Reconciled".equals(progressing)
                        && c.getMetadata().getGeneration().equals(st.observedGeneration)) {
                        if (leader() >= 0) {
                            return;
                        }
                        last += "; no leader found";
                    }
                }
            } catch (KubernetesClientException e) {
                last = e.getMessage();
            }
            ControlPlane.sleep(500);
        }
        throw new IllegalStateException("cluster " + namespace + "/" + NAME + " not healthy after " + timeout.toSeconds()
            + " s: " + last + "\n" + tb.describe(20));
    }

    /** A scale-up and the operator's restart take longer than an agent's. */
    @Override
    public Duration recoveryTimeout() {
        return Duration.ofSeconds(240);
    }

    /** Removes the cuts, copies the logs into {@link #dir()}, deletes the namespace (pods at once) and waits until it is gone. */
    @Override
    public void close() {
        try {
            try {
                for (String n : List.copyOf(notReadyNodes)) {
                    setNodeReady(n, true);
                }
                for (String n : List.copyOf(removedNodes.keySet())) {
                    registerNode(n);
                }
            } finally {
                partitions.close(); // the chain goes even when a Node cannot be brought back
            }
        } finally {
            try {
                keepLogs();
                client.namespaces().withName(namespace).delete();
                // At once: the scenario is over, no handover to wait for.
                client.pods().inNamespace(namespace).withGracePeriod(0).delete();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (client.namespaces().withName(namespace).get() != null && System.nanoTime() < deadline) {
                    ControlPlane.sleep(500);
                }
                if (client.namespaces().withName(namespace).get() != null) {
                    ChaosRun.log("namespace " + namespace + " still terminating after 120 s");
                }
            } catch (KubernetesClientException e) {
                ChaosRun.log("deleting namespace " + namespace + ": " + e.getMessage());
            } finally {
                block.close();
            }
        }
    }

    private void keepLogs() {
        List<String[]> logs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            logs.add(new String[] {namespace, pod(i), CONTAINER});
        }
        try {
            logs.add(new String[] {OperatorTestbed.OPERATOR_NAMESPACE, env.operatorPod().getMetadata().getName(),
                OperatorTestbed.OPERATOR_CONTAINER});
        } catch (RuntimeException e) {
            ChaosRun.log("no operator log kept: " + e.getMessage());
        }
        for (String[] l : logs) {
            try {
                Files.copy(kubelet.logFile(l[0], l[1], l[2]), dir.resolve(l[1] + ".log"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                ChaosRun.log("no log of " + l[0] + "/" + l[1] + ": " + e.getMessage());
            }
        }
    }
}
