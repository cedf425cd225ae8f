package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cluster DNS of the real-node testbed: dnsmasq answering on the node bridges' addresses (each kubelet's
 * {@code --cluster-dns} is its node's), fed by a watcher of Services, Endpoints and Pods that rewrites one
 * hosts file in dnsmasq's {@code --hostsdir} (read again on every change through inotify). The records
 * are those of Kubernetes' DNS specification for A records:
 * <ul>
 *   <li>{@code <service>.<ns>.svc.<domain>}: the ClusterIP; for a headless Service every ready endpoint
 *       address (the Endpoints object, so {@code publishNotReadyAddresses} is the endpoints controller's);</li>
 *   <li>{@code <hostname>.<service>.<ns>.svc.<domain>}: an endpoint address that has a hostname (a
 *       StatefulSet pod of its governing Service);</li>
 *   <li>{@code <a-b-c-d>.<ns>.pod.<domain>}: every pod with a pod IP of its own (not host network).</li>
 * </ul>
 * Other names under the domain are answered NXDOMAIN ({@code --local}); nothing is forwarded.
 */
public final class ClusterDns implements AutoCloseable {
    private final KubernetesClient client;
    private final String domain;
    private final Path hostsDir;
    private final ManagedProcess dnsmasq;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "testbed-cluster-dns");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile SharedIndexInformer<Service> services;
    private volatile SharedIndexInformer<Endpoints> endpoints;
    private volatile SharedIndexInformer<Pod> pods;
    private volatile String written = "";

    private ClusterDns(KubernetesClient client, String domain, Path hostsDir, ManagedProcess dnsmasq) {
        this.client = client;
        this.domain = domain;
        this.hostsDir = hostsDir;
        this.dnsmasq = dnsmasq;
    }

    /** Starts dnsmasq on {@code listen} (addresses that exist) port 53 and the watcher. */
    static ClusterDns start(KubernetesClient client, ProcessRegistry registry, Path dir, List<String> listen,
                            String domain) {
        try {
            Path hosts = Files.createDirectories(dir.resolve("hosts.d"));
            Files.writeString(hosts.resolve("cluster"), "# cluster DNS records (ClusterDns)\n");
            ManagedProcess p = ManagedProcess.start("dnsmasq", List.of("dnsmasq", "--keep-in-foreground",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
                "--hostsdir=" + hosts, "--listen-address=" + String.join(",", listen), "--bind-interfaces",
                "--port=53", "--local=/" + domain + "/", "--domain-needed", "--local-ttl=1", "--user=root",
                "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-facility=-"),
                ControlPlane.baseEnv(), dir, dir.resolve("dnsmasq.log"), registry);
            ClusterDns dns = new ClusterDns(client, domain, hosts, p);
            dns.watch();
            return dns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hosts file dnsmasq serves (for post-mortems). */
    public Path hostsFile() {
        return hostsDir.resolve("cluster");
    }

    public ManagedProcess dnsmasq() {
        return dnsmasq;
    }

    private void watch() {
        services = client.services().inAnyNamespace().inform(handler(), 30_000);
        endpoints = client.endpoints().inAnyNamespace().inform(handler(), 30_000);
        pods = client.pods().inAnyNamespace().inform(handler(), 30_000);
        informers.addAll(List.of(services, endpoints, pods));
        schedule();
    }

    private <T> ResourceEventHandler<T> handler() {
        return new ResourceEventHandler<>() {
            @Override public void onAdd(T obj) { schedule(); }
            @Override public void onUpdate(T oldObj, T newObj) { schedule(); }
            @Override public void onDelete(T obj, boolean deletedFinalStateUnknown) { schedule(); }
        };
    }

    /** Coalesces a burst of events into one rewrite 50 ms later. */
    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            writer.schedule(() -> {
                pending.set(false);
                try {
                    rewrite();
                } catch (RuntimeException e) {
                    System.err.println("[testbed] cluster DNS: cannot write records: " + e);
                }
            }, 50, TimeUnit.MILLISECONDS);
        }
    }

    private void rewrite() {
        if (services == null || endpoints == null || pods == null) {
            return; // an event while the informers start; watch() schedules a rewrite once all three run
        }
        String text = render(services.getStore().list(), endpoints.getStore().list(), pods.getStore().list(), domain);
        if (text.equals(written)) {
            return;
        }
        try {
            Path tmp = hostsDir.resolveSibling("cluster.tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, hostsFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            written = text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hosts file for these objects: {@code IP name} lines, sorted, one per record. */
    static String render(List<Service> services, List<Endpoints> endpoints, List<Pod> pods, String domain) {
        Map<String, Endpoints> byKey = new TreeMap<>();
        endpoints.forEach(e -> byKey.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e));
        TreeSet<String> lines = new TreeSet<>();
        for (Service s : services) {
            String ns = s.getMetadata().getNamespace();
            String name = s.getMetadata().getName() + "." + ns + ".svc." + domain;
            String clusterIp = s.getSpec().getClusterIP();
            if (clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp)) {
                lines.add(clusterIp + " " + name);
                continue;
            }
            Endpoints e = byKey.get(ns + "/" + s.getMetadata().getName());
            if (e == null || e.getSubsets() == null) {
                continue;
            }
            for (EndpointSubset subset : e.getSubsets()) {
                for (EndpointAddress a : subset.getAddresses() == null ? List.<EndpointAddress>of() : subset.getAddresses()) {
                    lines.add(a.getIp() + " " + name);
                    if (a.getHostname() != null && !a.getHostname().isEmpty()) {
                        lines.add(a.getIp() + " " + a.getHostname() + "." + name);
                    }
                }
            }
        }
        for (Pod p : pods) {
            String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
            if (ip == null || ip.isEmpty() || Boolean.TRUE.equals(p.getSpec().getHostNetwork())) {
                continue;
            }
            lines.add(ip + " " + ip.replace('.', '-') + "." + p.getMetadata().getNamespace() + ".pod." + domain);
        }
        StringBuilder sb = new StringBuilder("# cluster DNS records (ClusterDns): IP name\n");
        lines.stream().sorted(Comparator.naturalOrder()).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        writer.shutdownNow();
        dnsmasq.stop(Duration.ofSeconds(2));
    }
}
