package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.NodeInfo;
import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Node agents without the operator: a hand-written StatefulSet of three node-agent pods (image {@code cowsql/node},
 * run as {@code io.cowsql.node.NodeAgent} from this build) with a headless Service, no operator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SystemTier
class NodeAgentSystemTest {
    static final String NS = "agents";
    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withDefaults().namespace(NS);
    static final String NAME = "cowsql";
    static Testbed tb;
    static KubernetesClient c;

    @BeforeAll
    static void up() {
        tb = TESTBED.testbed();
        c = tb.client();
        c.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(NAME).endMetadata()
            .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true).addToSelector("app", NAME)
            .addNewPort().withName("raft").withPort(9001).endPort().endSpec().build()).create();
        c.apps().statefulSets().inNamespace(NS).resource(statefulSet()).create();
    }

    static String fqdn(int i) {
        return NAME + "-" + i + "." + NAME + "." + NS + ".svc.cluster.local";
    }

    static List<String> clusterAddresses() {
        return IntStream.range(0, 3).mapToObj(i -> fqdn(i) + ":9001").toList();
    }

    static StatefulSet statefulSet() {
        String join = String.join(",", clusterAddresses());
        return new StatefulSetBuilder().withNewMetadata().withName(NAME).endMetadata()
            .withNewSpec().withReplicas(3).withServiceName(NAME).withPodManagementPolicy("Parallel")
            .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", NAME).build())
            .withNewTemplate().withNewMetadata().addToLabels("app", NAME).endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(30L)
            .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey(ProcessKubelet.ZONE_LABEL)
            .withWhenUnsatisfiable("DoNotSchedule")
            .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", NAME).build())
            .endTopologySpreadConstraint()
            .addNewContainer().withName("node").withImage(ImageTable.NODE_IMAGE + ":test")
            // Only the first pod may bootstrap (all start in parallel); the others join.
            .withCommand("sh", "-c", "if [ \"$POD_NAME\" = " + NAME + "-0 ]; then set -- \"$@\" --bootstrap; fi; "
                + "exec " + ImageTable.NODE_AGENT_COMMAND + " \"$@\"", ImageTable.NODE_AGENT_COMMAND)
            .withArgs("--dir=/var/lib/cowsql",
                "--address=$(POD_NAME)." + NAME + ".$(POD_NAMESPACE).svc.cluster.local:9001",
                "--bind=$(POD_IP):9001", "--http=$(POD_IP):8080", "--join=" + join)
            .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
            .endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
            .endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
            .addNewPort().withName("http").withContainerPort(8080).endPort()
            .addNewPort().withName("raft").withContainerPort(9001).endPort()
            .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withPort(new IntOrString("http"))
            .endHttpGet().withPeriodSeconds(1).endReadinessProbe()
            .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http"))
            .endHttpGet().withPeriodSeconds(5).withFailureThreshold(6).withInitialDelaySeconds(10).endLivenessProbe()
            .addNewVolumeMount().withName("data").withMountPath("/var/lib/cowsql").endVolumeMount()
            .endContainer().endSpec().endTemplate()
            .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
            .withNewSpec().withAccessModes("ReadWriteOnce")
            .withNewResources().addToRequests("storage", new Quantity("100Mi")).endResources()
            .endSpec().endVolumeClaimTemplate()
            .endSpec().build();
    }

    static Pod pod(String name) {
        return c.pods().inNamespace(NS).withName(name).get();
    }

    static void awaitReadyReplicas() {
        TrivialImage.await(Duration.ofSeconds(180), "3 ready node agents", () -> {
            StatefulSet s = c.apps().statefulSets().inNamespace(NS).withName(NAME).get();
            return s.getStatus() != null && Integer.valueOf(3).equals(s.getStatus().getReadyReplicas());
        });
    }

    static ClientOptions clientOptions() {
        return ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(2))
            .withRetryTimeout(Duration.ofSeconds(20))
            .withResolver(HostsFile.addressResolver(tb.kubelet().hostsFile()));
    }

    static List<NodeInfo> members() throws Exception {
        try (CowsqlClient leader = CowsqlClient.findLeader(clusterAddresses(), clientOptions())) {
            return leader.cluster();
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).build();

    static String kv(String pod, String method, String key, String value) throws Exception {
        String ip = pod(pod).getStatus().getPodIP();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/" + key))
            .timeout(Duration.ofSeconds(20));
        b = value == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(value));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + key + " via " + pod + ": " + r.body()).isEqualTo(200);
        return r.body().strip();
    }

    @Test
    @Order(1)
    void threeAgentsComeUpOnePerZoneAndFormOneCluster() throws Exception {
        awaitReadyReplicas();
        Set<String> zones = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Node n = c.nodes().withName(pod(NAME + "-" + i).getSpec().getNodeName()).get();
            zones.add(n.getMetadata().getLabels().get(ProcessKubelet.ZONE_LABEL));
        }
        assertThat(zones).hasSize(3);
        TrivialImage.await(Duration.ofSeconds(60), "3 members", () -> {
            try {
                return members().size() == 3;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(members().stream().map(NodeInfo::address).collect(Collectors.toSet()))
            .containsExactlyInAnyOrderElementsOf(clusterAddresses());
        String table = SystemTests.run(60, "kubectl", "--kubeconfig", tb.kubeconfig().toString(), "-n", NS,
            "get", "pods,statefulsets,nodes", "-o", "wide");
        System.out.println(table);
        assertThat(table).contains(NAME + "-0", NAME + "-1", NAME + "-2", "statefulset.apps/" + NAME, "3/3");
        kv(NAME + "-0", "PUT", "greeting", "hello");
        for (int i = 0; i < 3; i++) {
            assertThat(kv(NAME + "-" + i, "GET", "greeting", null)).isEqualTo("hello");
        }
    }

    @Test
    @Order(2)
    void deletedPodRejoinsWithItsData() throws Exception {
        String uid = pod(NAME + "-1").getMetadata().getUid();
        long idBefore = members().stream().filter(m -> m.address().startsWith(NAME + "-1.")).findFirst().orElseThrow().id();
        tb.kubelet().deletePod(NS, NAME + "-1");
        TrivialImage.await(Duration.ofSeconds(120), "cowsql-1 recreated and Ready", () -> {
            Pod p = pod(NAME + "-1");
            return p != null && !p.getMetadata().getUid().equals(uid) && StatefulSetSystemTest.ready(p);
        });
        awaitReadyReplicas();
        assertThat(kv(NAME + "-1", "GET", "greeting", null)).isEqualTo("hello");
        assertThat(members().stream().filter(m -> m.address().startsWith(NAME + "-1.")).findFirst().orElseThrow().id())
            .isEqualTo(idBefore);
    }

    /**
     * The wiped pod comes back with an empty dir and a new identity; the member that held its address
     * is its own former self, so the agent has it removed (through the leader, with a quorum behind it) and joins
     * as a new node by itself: the old id leaves the configuration, a new one holds the address.
     */
    @Test
    @Order(3)
    void wipedPodComesBackEmptyAndRejoinsAsANewNode() throws Exception {
        String pod2 = NAME + "-2";
        String uid = pod(pod2).getMetadata().getUid();
        long idBefore = members().stream().filter(m -> m.address().startsWith(pod2 + ".")).findFirst().orElseThrow().id();
        java.nio.file.Path dir = tb.kubelet().pvcDirectory(NS, "data-" + pod2);
        tb.kubelet().wipeVolume(NS, "data-" + pod2);
        tb.kubelet().deletePod(NS, pod2);
        TrivialImage.await(Duration.ofSeconds(60), pod2 + " recreated and running", () -> {
            Pod p = pod(pod2);
            return p != null && !p.getMetadata().getUid().equals(uid) && !tb.kubelet().pids(NS, pod2).isEmpty();
        });
        assertThat(dir).isDirectory();
        TrivialImage.await(Duration.ofSeconds(120), pod2 + " Ready", () -> StatefulSetSystemTest.ready(pod(pod2)));
        TrivialImage.await(Duration.ofSeconds(60), pod2 + " in the cluster under a new id", () -> {
            try {
                return members().stream().anyMatch(m -> m.address().startsWith(pod2 + ".") && m.id() != idBefore);
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(members()).as("its former self is gone from the configuration").hasSize(3)
            .noneMatch(m -> m.id() == idBefore);
        assertThat(kv(pod2, "GET", "greeting", null)).isEqualTo("hello");
        awaitReadyReplicas();
    }
}
