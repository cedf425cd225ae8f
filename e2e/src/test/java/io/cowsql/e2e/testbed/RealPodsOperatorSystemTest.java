package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.e2e.sandbox.ChartInstall;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator and a CowsqlCluster as real pods on the real-node testbed ({@link RealNodes}: kubelet 1.20.2,
 * containerd, kube-proxy, cluster DNS): the images of bin/build-images imported into the nodes, the Helm chart
 * installed with those images ({@code imagePullPolicy: Never}), the operator running in its pod on its service
 * account's token against the API server's in-cluster address, a 3-replica cluster on the nodes' local volumes
 * Running with three voters in three zones, a write and read through the client Service's ClusterIP from the
 * host and by its DNS name from a pod, the peers' DNS names, the image's cowsql shell through {@code kubectl exec},
 * and a leader pod's deletion (SIGTERM) handing leadership over with the container's exit code 0. Runs as root.
 */
@SystemTier
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealPodsOperatorSystemTest {
    static final String NS = "realpods";
    static final String OPERATOR_NS = "cowsql-system";
    static final String RELEASE = "cowsql-operator";
    static final String CLUSTER = "example";
    static final Duration READY_WITHIN = Duration.ofMinutes(8);

    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o.withRealNodes(
        RealNodes.Options.defaults(SystemTests.scriptsDir())
            .withImages(List.of(BuiltImages.get().node(), BuiltImages.get().operator()))
            .withInClusterApiServer().withLocalVolumes(2))).namespace(NS);

    static KubernetesClient client;

    @BeforeAll
    static void installChartAndCluster() throws Exception {
        client = TESTBED.client();
        BuiltImages images = BuiltImages.get();
        Path values = TESTBED.testbed().dir().resolve("realpods-values.yaml");
        Files.writeString(values, """
            image:
              repository: %s
              tag: "%s"
              pullPolicy: Never
            nodeImage: "%s"
            """.formatted(repositoryOf(images.operator()), tagOf(images.operator()), images.node()));
        Process p = new ProcessBuilder(ImageTable.javaExecutable(), "-cp", System.getProperty("java.class.path"),
            ChartInstall.class.getName(), RealNodesSystemTest.repository().resolve("helm/cowsql-operator").toString(),
            TESTBED.testbed().kubeconfig().toString(), OPERATOR_NS, RELEASE, values.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("helm install of the chart:\n%s", out).isZero();
        CowsqlCluster cluster = client.getKubernetesSerialization().unmarshal("""
            apiVersion: cowsql.io/v1alpha1
            kind: CowsqlCluster
            metadata:
              name: %s
              namespace: %s
            spec:
              replicas: 3
              imagePullPolicy: Never
              storage:
                size: 1Gi
              failureDomains:
                topologyKey: topology.kubernetes.io/zone
                spreading: Required
            """.formatted(CLUSTER, NS), CowsqlCluster.class);
        clusters().resource(cluster).create();
    }

    static MixedOperation<CowsqlCluster, KubernetesResourceList<CowsqlCluster>, Resource<CowsqlCluster>> clusters() {
        return client.resources(CowsqlCluster.class);
    }

    @Test
    @Order(1)
    void operatorFromTheChartRunsAsAPodOnItsServiceAccountTokenAgainstTheInClusterApiServer() throws Exception {
        Deployment d = await("the operator Deployment available", Duration.ofMinutes(5), () -> {
            Deployment dep = client.apps().deployments().inNamespace(OPERATOR_NS).withName(RELEASE).get();
            return dep != null && dep.getStatus() != null && Objects.equals(dep.getStatus().getAvailableReplicas(), 1)
                ? dep : null;
        });
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Never");
        Pod op = operatorPod();
        assertThat(op.getSpec().getContainers().get(0).getImage()).isEqualTo(BuiltImages.get().operator());
        assertThat(op.getStatus().getContainerStatuses().get(0).getContainerID()).startsWith("containerd://");
        assertThat(op.getStatus().getPodIP()).startsWith("198.18.");
        // The kubernetes Service's endpoint is the in-cluster address, behind the first ClusterIP.
        Endpoints api = client.endpoints().inNamespace("default").withName("kubernetes").get();
        assertThat(api.getSubsets().get(0).getAddresses().get(0).getIp()).isEqualTo(RealNodes.API_SERVER_ADDRESS);
        String serviceHost = kubectl(OPERATOR_NS, "exec", op.getMetadata().getName(), "--", "printenv",
            "KUBERNETES_SERVICE_HOST").strip();
        assertThat(serviceHost).isEqualTo(client.services().inNamespace("default").withName("kubernetes").get()
            .getSpec().getClusterIP()).startsWith("198.19.");
        // The token the ServiceAccount admission plugin mounted authenticates as the chart's service account.
        String token = kubectl(OPERATOR_NS, "exec", op.getMetadata().getName(), "--", "cat",
            "/var/run/secrets/kubernetes.io/serviceaccount/token").strip();
        TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
            .create();
        assertThat(review.getStatus().getAuthenticated()).isTrue();
        assertThat(review.getStatus().getUser().getUsername())
            .isEqualTo("system:serviceaccount:" + OPERATOR_NS + ":" + op.getSpec().getServiceAccountName());
    }

    @Test
    @Order(2)
    void threeReplicaClusterBecomesRunningWithThreeVotersInThreeZonesOnLocalVolumes() {
        CowsqlClusterStatus s = awaitRunning();
        assertThat(s.voters).isEqualTo(3);
        assertThat(s.readyReplicas).isEqualTo(3);
        assertThat(s.members).hasSize(3).allSatisfy(m -> {
            assertThat(m.role).isEqualTo("voter");
            assertThat(m.ready).isTrue();
        });
        assertThat(s.members.stream().map(m -> m.zone).distinct()).containsExactlyInAnyOrder("zone-a", "zone-b", "zone-c");
        for (int i = 0; i < 3; i++) {
            Pod pod = client.pods().inNamespace(NS).withName(CLUSTER + "-" + i).get();
            assertThat(pod.getStatus().getContainerStatuses().get(0).getContainerID()).startsWith("containerd://");
            assertThat(pod.getStatus().getPodIP()).startsWith("198.18.");
            String claim = pod.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null)
                .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName();
            PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NS).withName(claim).get();
            assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
            assertThat(pvc.getSpec().getStorageClassName()).as("the default StorageClass").isEqualTo(RealNodes.STORAGE_CLASS);
            PersistentVolume pv = client.persistentVolumes().withName(pvc.getSpec().getVolumeName()).get();
            assertThat(pv.getSpec().getLocal()).as("a local volume").isNotNull();
            assertThat(pv.getMetadata().getName()).as("a volume of the pod's Node").startsWith("local-" + pod.getSpec().getNodeName() + "-");
        }
    }

    @Test
    @Order(3)
    void writeAndReadThroughTheClientServiceClusterIpFromTheHostAndByItsDnsNameFromAPod() throws Exception {
        awaitRunning();
        Service svc = client.services().inNamespace(NS).withName(CLUSTER).get();
        String ip = svc.getSpec().getClusterIP();
        assertThat(ip).startsWith("198.19.");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://" + ip + ":" + httpPort(svc);
        String put = await("a write through the ClusterIP", Duration.ofMinutes(1), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/real-pods"))
                    .timeout(Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString("through-the-cluster-ip"))
                    .build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().strip().equals("done") ? r.body() : null;
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(put.strip()).isEqualTo("done");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/real-pods"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.body().strip()).isEqualTo("through-the-cluster-ip");
        // From a pod, by the Service's DNS name (through kube-proxy's rules to whichever member).
        String fromPod = kubectl(NS, "exec", CLUSTER + "-1", "--", "curl", "-fsS",
            "http://" + CLUSTER + "." + NS + ".svc.cluster.local:" + httpPort(svc) + "/real-pods");
        assertThat(fromPod.strip()).isEqualTo("through-the-cluster-ip");
    }

    @Test
    @Order(4)
    void peersAndServicesResolveByTheirDnsNamesInsideThePods() throws Exception {
        awaitRunning();
        for (int i = 0; i < 3; i++) {
            String pod = CLUSTER + "-" + i;
            String podIp = client.pods().inNamespace(NS).withName(pod).get().getStatus().getPodIP();
            String name = pod + "." + CLUSTER + "-peers." + NS + ".svc.cluster.local";
            String answer = kubectl(NS, "exec", CLUSTER + "-" + ((i + 1) % 3), "--", "getent", "hosts", name);
            assertThat(answer.split("\\s+")[0]).as(name).isEqualTo(podIp);
        }
        String clusterIp = client.services().inNamespace(NS).withName(CLUSTER).get().getSpec().getClusterIP();
        assertThat(kubectl(NS, "exec", CLUSTER + "-0", "--", "getent", "hosts", CLUSTER).split("\\s+")[0])
            .as("the client Service by its short name").isEqualTo(clusterIp);
        // The members know each other by these names: the leader lists all three under them.
        CowsqlClusterStatus s = awaitRunning();
        assertThat(s.members).allSatisfy(m -> assertThat(m.address)
            .startsWith(m.pod + "." + CLUSTER + "-peers." + NS + ".svc.cluster.local:"));
    }

    @Test
    @Order(5)
    void theImagesCowsqlShellRunsAgainstTheClusterThroughKubectlExec() throws Exception {
        CowsqlClusterStatus s = awaitRunning();
        // Through the client Service's cowsql port, by its short name: the shell finds the leader from there.
        String server = CLUSTER + ":" + client.services().inNamespace(NS).withName(CLUSTER).get().getSpec().getPorts()
            .stream().filter(p -> "cowsql".equals(p.getName())).findFirst().orElseThrow().getPort();
        String out = kubectl(NS, "exec", CLUSTER + "-2", "--", "cowsql", "-s", server, "demo",
            "SELECT value FROM model WHERE key = 'real-pods'");
        assertThat(out).contains("through-the-cluster-ip");
        String members = kubectl(NS, "exec", CLUSTER + "-2", "--", "cowsql", "-s", server, "demo", ".cluster");
        for (CowsqlClusterStatus.Member m : s.members) {
            assertThat(members).contains(m.address);
        }
    }

    @Test
    @Order(6)
    void deletingTheLeadersPodHandsLeadershipOverAndItsContainerExitsZero() throws Exception {
        CowsqlClusterStatus before = awaitRunning();
        String leaderPod = before.leader; // status.leader names the pod
        String uid = client.pods().inNamespace(NS).withName(leaderPod).get().getMetadata().getUid();
        List<ContainerStatus> terminated = new CopyOnWriteArrayList<>();
        try (Watch w = client.pods().inNamespace(NS).withName(leaderPod).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (uid.equals(pod.getMetadata().getUid()) && pod.getStatus() != null
                    && pod.getStatus().getContainerStatuses() != null) {
                    pod.getStatus().getContainerStatuses().stream()
                        .filter(c -> c.getState() != null && c.getState().getTerminated() != null).forEach(terminated::add);
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            kubectl(NS, "delete", "pod", leaderPod, "--wait=true", "--timeout=120s");
            await("the old pod's terminated container status", Duration.ofSeconds(30),
                () -> terminated.isEmpty() ? null : true);
        }
        assertThat(terminated.get(0).getState().getTerminated().getExitCode())
            .as("exit code of %s after SIGTERM (%s)", leaderPod, terminated.get(0).getState().getTerminated())
            .isZero();
        CowsqlClusterStatus after = await("a new leader in status", Duration.ofMinutes(3), () -> {
            CowsqlClusterStatus s = clusters().inNamespace(NS).withName(CLUSTER).get().getStatus();
            return s != null && s.leader != null && !s.leader.isEmpty() && !s.leader.equals(leaderPod) ? s : null;
        });
        assertThat(after.leader).isNotEqualTo(leaderPod);
        // The recreated pod rejoins on its volume; the write made before is still there.
        awaitRunning();
        String read = kubectl(NS, "exec", CLUSTER + "-0", "--", "curl", "-fsS",
            "http://" + CLUSTER + "." + NS + ".svc.cluster.local:" + httpPort(
                client.services().inNamespace(NS).withName(CLUSTER).get()) + "/real-pods");
        assertThat(read.strip()).isEqualTo("through-the-cluster-ip");
    }

    static int httpPort(Service svc) {
        return svc.getSpec().getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow().getPort();
    }

    static Pod operatorPod() {
        return client.pods().inNamespace(OPERATOR_NS).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst()
            .orElseThrow(() -> new AssertionError("no operator pod in " + OPERATOR_NS));
    }

    /** Status Running for the current generation with three ready voters, one per zone. */
    static CowsqlClusterStatus awaitRunning() {
        return await("CowsqlCluster " + CLUSTER + " Running with 3 ready voters in 3 zones", READY_WITHIN, () -> {
            CowsqlCluster c = clusters().inNamespace(NS).withName(CLUSTER).get();
            CowsqlClusterStatus s = c == null ? null : c.getStatus();
            if (s == null || !"Running".equals(s.phase) || !Objects.equals(s.observedGeneration, c.getMetadata().getGeneration())
                || !Objects.equals(s.voters, 3) || !Objects.equals(s.readyReplicas, 3) || s.members.size() != 3
                || s.leader == null) {
                return null;
            }
            Set<String> zones = new HashSet<>();
            for (CowsqlClusterStatus.Member m : s.members) {
                if (!"voter".equals(m.role) || !Boolean.TRUE.equals(m.ready)) {
                    return null;
                }
                zones.add(m.zone);
            }
            return zones.size() == 3 ? s : null;
        });
    }

    static String repositoryOf(String image) {
        return image.substring(0, image.lastIndexOf(':'));
    }

    static String tagOf(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    static String kubectl(String namespace, String... args) throws Exception {
        return SystemTests.kubectl(TESTBED.testbed().kubeconfig(), namespace, 150, args);
    }

    static <T> T await(String what, Duration within, Supplier<T> probe) {
        long deadline = System.nanoTime() + within.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T v = probe.get();
                if (v != null) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError e = new AssertionError("timed out after " + within.toSeconds() + " s waiting for " + what
                    + "\n" + TESTBED.testbed().describe(20) + "\ncluster status: " + statusText());
                if (last != null) {
                    e.addSuppressed(last);
                }
                throw e;
            }
            ControlPlane.sleep(1000);
        }
    }

    static String statusText() {
        try {
            CowsqlCluster c = clusters().inNamespace(NS).withName(CLUSTER).get();
            return c == null ? "(no cluster)" : client.getKubernetesSerialization().asYaml(c.getStatus());
        } catch (RuntimeException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
