package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A StatefulSet of three trivial pods with a headless Service, through the real StatefulSet controller,
 * scheduler and PV binder, run by the process kubelet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SystemTier
class StatefulSetSystemTest {
    static final String NS = "sts";
    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o.withImages(TrivialImage.table())).namespace(NS);
    static Testbed tb;
    static KubernetesClient c;

    @BeforeAll
    static void up() {
        tb = TESTBED.testbed();
        c = tb.client();
        c.services().inNamespace(NS).resource(TrivialImage.headlessService(NS, "web")).create();
        c.apps().statefulSets().inNamespace(NS).resource(TrivialImage.statefulSet(NS, "web", 3)).create();
    }

    static Pod pod(String name) {
        return c.pods().inNamespace(NS).withName(name).get();
    }

    static boolean ready(Pod p) {
        return p != null && p.getStatus() != null && p.getStatus().getConditions() != null
            && p.getStatus().getConditions().stream().anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
    }

    static void awaitReadyReplicas(int n) {
        TrivialImage.await(Duration.ofSeconds(120), n + " ready replicas", () -> {
            StatefulSet s = c.apps().statefulSets().inNamespace(NS).withName("web").get();
            return s.getStatus() != null && s.getStatus().getReadyReplicas() != null && s.getStatus().getReadyReplicas() == n;
        });
    }

    @Test
    @Order(1)
    void comesUpOnePodPerZoneReadyAndResolvable() throws Exception {
        awaitReadyReplicas(3);
        List<Pod> pods = c.pods().inNamespace(NS).withLabel("app", "web").list().getItems();
        assertThat(pods).hasSize(3).allMatch(StatefulSetSystemTest::ready);
        Set<String> zones = new HashSet<>();
        for (Pod p : pods) {
            Node n = c.nodes().withName(p.getSpec().getNodeName()).get();
            zones.add(n.getMetadata().getLabels().get(ProcessKubelet.ZONE_LABEL));
            assertThat(p.getStatus().getPodIP()).startsWith("127.");
        }
        assertThat(zones).hasSize(3);
        assertThat(pods.stream().map(p -> p.getStatus().getPodIP()).collect(Collectors.toSet())).hasSize(3);

        for (Pod p : pods) {
            String ip = p.getStatus().getPodIP();
            String name = p.getMetadata().getName();
            // env: fieldRef and $(VAR) expansion
            assertThat(TrivialImage.get(ip, "/env/GREETING")).isEqualTo("hello from " + name);
            // the PVC mounted at /data, translated to its host directory
            assertThat(TrivialImage.get(ip, "/boot").lines()).hasSize(1);
            // DNS names resolve for the test and for the pod processes
            String fqdn = name + ".web." + NS + ".svc.cluster.local";
            assertThat(tb.kubelet().resolve(fqdn)).contains(ip);
            assertThat(TrivialImage.get(pods.get(0).getStatus().getPodIP(), "/resolve/" + fqdn)).isEqualTo(ip);
            // and the node agent's NAME TARGET resolver file has the same record
            assertThat(java.nio.file.Files.readAllLines(tb.kubelet().resolverFile())).contains(fqdn + " " + ip);
            assertThat(TrivialImage.get(ip, "/env/COWSQL_RESOLVER_FILE")).isEqualTo(tb.kubelet().resolverFile().toString());
        }
        assertThat(HostsFile.lookupAll(tb.kubelet().hostsFile(), "web." + NS + ".svc.cluster.local")).hasSize(3);
        assertThat(c.persistentVolumeClaims().inNamespace(NS).list().getItems())
            .hasSize(3).allMatch(pvc -> "Bound".equals(pvc.getStatus().getPhase()));
    }

    @Test
    @Order(2)
    void aClusterIpServiceForwardsToTheReadyPodsRoundRobin() throws Exception {
        tb.kubelet().enableServiceProxies(true);
        c.services().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
            .withNewMetadata().withName("web-client").endMetadata()
            .withNewSpec().addToSelector("app", "web")
            .addNewPort().withName("http").withPort(80).withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString("http"))
            .endPort().endSpec().build()).create();
        String name = "web-client." + NS + ".svc.cluster.local";
        TrivialImage.await(Duration.ofSeconds(30), name + " resolvable", () -> tb.kubelet().resolve(name).isPresent());
        String ip = tb.kubelet().resolve(name).orElseThrow();
        assertThat(ip).startsWith("127.");
        // inside a pod the name resolves the same way
        assertThat(TrivialImage.get(pod("web-0").getStatus().getPodIP(), "/resolve/" + name)).isEqualTo(ip);
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            // a new client, so a new connection each time: the proxy balances connections, as kube-proxy does
            var http = java.net.http.HttpClient.newBuilder().proxy(java.net.http.HttpClient.Builder.NO_PROXY).build();
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + ip + ":80/env/HOSTNAME"))
                .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            hosts.add(r.body());
        }
        assertThat(hosts).containsExactlyInAnyOrder("web-0", "web-1", "web-2");
    }

    @Test
    @Order(2)
    void kubectlShowsWhatTheTestsSee() throws Exception {
        String out = SystemTests.run(60, "kubectl", "--kubeconfig", tb.kubeconfig().toString(), "-n", NS,
            "get", "pods,statefulsets,nodes", "-o", "wide");
        System.out.println(out);
        assertThat(out).contains("web-0", "web-1", "web-2", "statefulset.apps/web", "node/node-a", "Running");
        // kubectl logs goes through the API server to the process kubelet's log endpoint
        String logs = SystemTests.run(60, "kubectl", "--kubeconfig", tb.kubeconfig().toString(), "-n", NS,
            "logs", "web-0");
        assertThat(logs).contains("trivial server on " + pod("web-0").getStatus().getPodIP() + ":8080");
        String tail = SystemTests.run(60, "kubectl", "--kubeconfig", tb.kubeconfig().toString(), "-n", NS,
            "logs", "web-0", "--tail=1");
        assertThat(tail.strip().lines().filter(l -> !l.startsWith("W")).count()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void deletedPodIsRecreatedWithItsData() throws Exception {
        Pod old = pod("web-1");
        tb.kubelet().deletePod(NS, "web-1");
        TrivialImage.await(Duration.ofSeconds(90), "web-1 recreated and Ready", () -> {
            Pod p = pod("web-1");
            return p != null && !p.getMetadata().getUid().equals(old.getMetadata().getUid()) && ready(p);
        });
        Pod p = pod("web-1");
        assertThat(p.getSpec().getNodeName()).isEqualTo(old.getSpec().getNodeName());
        assertThat(TrivialImage.get(p.getStatus().getPodIP(), "/boot").lines()).hasSize(2);
        // graceful stop: the JVM ran its shutdown hook on SIGTERM
        assertThat(tb.kubelet().pvcDirectory(NS, "data-web-1").resolve("shutdown.log")).exists();
        awaitReadyReplicas(3);
    }

    @Test
    @Order(4)
    void wipedVolumeAndDeletedPodComesBackEmpty() throws Exception {
        Pod old = pod("web-2");
        tb.kubelet().wipeVolume(NS, "data-web-2");
        tb.kubelet().deletePod(NS, "web-2");
        TrivialImage.await(Duration.ofSeconds(90), "web-2 recreated and Ready", () -> {
            Pod p = pod("web-2");
            return p != null && !p.getMetadata().getUid().equals(old.getMetadata().getUid()) && ready(p);
        });
        String boot = TrivialImage.get(pod("web-2").getStatus().getPodIP(), "/boot");
        assertThat(boot.lines()).hasSize(1);
        awaitReadyReplicas(3);
    }
}
