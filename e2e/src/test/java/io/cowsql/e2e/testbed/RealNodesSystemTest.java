package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real-node testbed ({@link RealNodes}): pods from the project's base image (bin/build-images
 * --base-only) and node image (bin/build-images) run as containers under kubelet 1.20.2 and containerd,
 * get a 198.18 address, turn Ready by their probe, answer {@code kubectl logs}, {@code exec} and
 * {@code port-forward}; a ClusterIP Service in 198.19 gets Endpoints and is reached from a pod on
 * another Node by its DNS name (dnsmasq fed from the API server, the Service rules kube-proxy's); a node
 * pod runs the agent on libcowsql as its non-root user on a read-only root, Ready by its /readyz probe,
 * and its cowsql shell runs through kubectl exec. Closing the testbed leaves no process behind (the
 * fixture checks; {@link RealNodesTeardownSystemTest} checks the rest). Runs as root, as CI does.
 */
@SystemTier
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodesSystemTest {
    static final String NS = "real";
    /** A one-file HTTP server of perl-base (in every minbase image): answers every request with its host name. */
    static final String HTTP_SERVER = """
        $| = 1;
        my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 16, ReuseAddr => 1) or die "listen: $!";
        print "serving on 8080\\n";
        while (my $c = $s->accept) {
          my $request = <$c>;
          while (my $l = <$c>) { last if $l =~ /^\\r?\\n$/ }
          print $c "HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello from $ENV{HOSTNAME}\\n";
          close $c;
          print "answered $request";
        }
        """;

    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o.withRealNodes(
        RealNodes.Options.defaults(SystemTests.scriptsDir()).withImages(List.of(baseImage(), nodeImage())))).namespace(NS);

    static String base;

    /** bin/build-images (cached while its inputs are unchanged): the node image's name from its table. */
    static String nodeImage() {
        return BuiltImages.get().node();
    }

    static Path repository() {
        return SystemTests.scriptsDir().toAbsolutePath().getParent().getParent();
    }

    /** bin/build-images --base-only: builds (or finds, cached by its recipe) the base image, prints its name. */
    static String baseImage() {
        if (base == null) {
            try {
                String out = SystemTests.run(900, repository().resolve("bin/build-images").toString(), "--base-only");
                List<String> lines = out.lines().filter(l -> !l.startsWith("[build-images")).toList();
                base = lines.get(lines.size() - 1).strip();
            } catch (Exception e) {
                throw new IllegalStateException("bin/build-images --base-only failed", e);
            }
        }
        return base;
    }

    static KubernetesClient client;

    @BeforeAll
    static void servers() {
        client = TESTBED.client();
        client.pods().inNamespace(NS).resource(new PodBuilder()
            .withNewMetadata().withName("web").withLabels(Map.of("app", "web")).endMetadata()
            .withNewSpec()
                .withNodeSelector(Map.of(ProcessKubelet.ZONE_LABEL, "zone-a"))
                .addNewContainer().withName("http").withImage(base).withImagePullPolicy("Never")
                    .withCommand("perl", "-MIO::Socket::INET", "-e", HTTP_SERVER)
                    .addNewPort().withName("http").withContainerPort(8080).endPort()
                    .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString("http")).endHttpGet()
                        .withPeriodSeconds(1).endReadinessProbe()
                .endContainer()
            .endSpec().build()).create();
        client.services().inNamespace(NS).resource(new ServiceBuilder()
            .withNewMetadata().withName("web").endMetadata()
            .withNewSpec().withSelector(Map.of("app", "web"))
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
            .endSpec().build()).create();
        client.pods().inNamespace(NS).resource(new PodBuilder()
            .withNewMetadata().withName("client").endMetadata()
            .withNewSpec()
                .withNodeSelector(Map.of(ProcessKubelet.ZONE_LABEL, "zone-b"))
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("shell").withImage(base).withImagePullPolicy("Never")
                    .withCommand("sleep", "infinity").endContainer()
            .endSpec().build()).create();
    }

    @Test
    @Order(1)
    void podFromTheBaseImageRunsWithAPodAddressAndIsReadyByItsProbe() {
        Pod web = await("web Ready", () -> {
            Pod p = client.pods().inNamespace(NS).withName("web").get();
            return p != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())) ? p : null;
        });
        assertThat(web.getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(web.getStatus().getPodIP()).as("pod IP on node-a's subnet").startsWith("198.18.1.");
        assertThat(web.getStatus().getHostIP()).isEqualTo("198.18.1.1");
        assertThat(web.getStatus().getContainerStatuses().get(0).getContainerID()).startsWith("containerd://");
    }

    @Test
    @Order(2)
    void kubectlLogsAndExecReachTheContainer() throws Exception {
        await("web Ready", () -> ready("web") ? true : null);
        String logs = kubectl("logs", "web");
        assertThat(logs).contains("serving on 8080");
        // In the container: its own UTS namespace (host name = pod name) and its own network namespace.
        assertThat(kubectl("exec", "web", "--", "hostname").strip()).isEqualTo("web");
        String ip = client.pods().inNamespace(NS).withName("web").get().getStatus().getPodIP();
        assertThat(kubectl("exec", "web", "--", "cat", "/proc/net/fib_trie")).contains(ip);
    }

    @Test
    @Order(3)
    void clusterIpServiceGetsEndpointsAndAnswersAPodOnAnotherNodeByItsDnsName() throws Exception {
        Service svc = client.services().inNamespace(NS).withName("web").get();
        assertThat(svc.getSpec().getClusterIP()).as("ClusterIP from --service-cluster-ip-range").startsWith("198.19.");
        String webIp = await("web Ready", () -> ready("web")
            ? client.pods().inNamespace(NS).withName("web").get().getStatus().getPodIP() : null);
        Endpoints ep = await("Endpoints of web with its pod", () -> {
            Endpoints e = client.endpoints().inNamespace(NS).withName("web").get();
            return e != null && e.getSubsets() != null && e.getSubsets().stream()
                .anyMatch(s -> s.getAddresses() != null && s.getAddresses().stream().anyMatch(a -> webIp.equals(a.getIp())))
                ? e : null;
        });
        assertThat(ep.getSubsets().get(0).getPorts().get(0).getPort()).isEqualTo(8080);
        Pod c = await("client Running", () -> {
            Pod p = client.pods().inNamespace(NS).withName("client").get();
            return p != null && "Running".equals(p.getStatus().getPhase()) ? p : null;
        });
        assertThat(c.getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(c.getStatus().getPodIP()).startsWith("198.18.2.");
        String fqdn = "web." + NS + ".svc.cluster.local";
        String resolved = await("DNS record of " + fqdn, () -> {
            try {
                String out = kubectl("exec", "client", "--", "getent", "hosts", fqdn);
                return out.isBlank() ? null : out;
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(resolved.split("\\s+")[0]).isEqualTo(svc.getSpec().getClusterIP());
        // Through the ClusterIP (kube-proxy's DNAT) from node-b's pod to node-a's pod, by the short name too.
        for (String name : List.of(fqdn, "web")) {
            String answer = await("HTTP answer through " + name, () -> {
                try {
                    return kubectl("exec", "client", "--", "bash", "-c",
                        "exec 3<>/dev/tcp/" + name + "/80 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 5 cat <&3");
                } catch (Exception e) {
                    return null;
                }
            });
            assertThat(answer).startsWith("HTTP/1.0 200 OK").contains("hello from web");
        }
    }

    @Test
    @Order(4)
    void nodeImagePodServesAsNonRootOnAReadOnlyRootReadyByItsProbeAndItsShellRunsByKubectlExec() throws Exception {
        client.pods().inNamespace(NS).resource(new PodBuilder()
            .withNewMetadata().withName("cowsql-0").endMetadata()
            .withNewSpec()
                .withNewSecurityContext().withRunAsUser(10001L).withRunAsNonRoot(true).withFsGroup(10001L).endSecurityContext()
                .addNewContainer().withName("node").withImage(nodeImage()).withImagePullPolicy("Never")
                    .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                        .endFieldRef().endValueFrom().endEnv()
                    .addNewEnv().withName("COWSQL_ADDRESS").withValue("$(POD_IP):9001").endEnv()
                    .addNewEnv().withName("COWSQL_BOOTSTRAP").withValue("true").endEnv()
                    .addNewPort().withName("http").withContainerPort(8080).endPort()
                    .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withPort(new IntOrString("http")).endHttpGet()
                        .withPeriodSeconds(2).endReadinessProbe()
                    .withNewSecurityContext().withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                    .addNewVolumeMount().withName("data").withMountPath("/var/lib/cowsql").endVolumeMount()
                    .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
            .endSpec().build()).create();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!ready("cowsql-0")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the node pod did not turn Ready in 4 min\n" + TESTBED.testbed().describe(40)
                    + "\n" + kubectlOrError("logs", "cowsql-0"));
            }
            ControlPlane.sleep(1000);
        }
        String ip = client.pods().inNamespace(NS).withName("cowsql-0").get().getStatus().getPodIP();
        assertThat(ip).startsWith("198.18.");
        assertThat(kubectl("exec", "cowsql-0", "--", "id", "-u").strip()).isEqualTo("10001");
        assertThat(kubectlOrError("exec", "cowsql-0", "--", "sh", "-c", "echo x > /opt/cowsql/x"))
            .contains("Read-only file system");
        // A write through the agent's key/value API, read back with the image's own cowsql shell.
        kubectl("exec", "cowsql-0", "--", "curl", "-fsS", "-X", "PUT", "--data", "written-on-a-real-node",
            "http://" + ip + ":8080/real-nodes-test");
        String read = kubectl("exec", "cowsql-0", "--", "cowsql", "-s", ip + ":9001", "demo",
            "SELECT value FROM model WHERE key = 'real-nodes-test'");
        assertThat(read).contains("written-on-a-real-node");
    }

    @Test
    @Order(5)
    void kubectlPortForwardReachesThePodsPort() throws Exception {
        await("web Ready", () -> ready("web") ? true : null);
        Process pf = new ProcessBuilder("kubectl", "--kubeconfig=" + TESTBED.testbed().kubeconfig(), "--namespace=" + NS,
            "port-forward", "pod/web", "0:8080").redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(pf.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            // "Forwarding from 127.0.0.1:PORT -> 8080"
            String line = out.readLine();
            assertThat(line).as("kubectl port-forward's first line").isNotNull().contains("Forwarding from 127.0.0.1:");
            int port = Integer.parseInt(line.replaceAll(".*127\\.0\\.0\\.1:(\\d+) .*", "$1"));
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("hello from web");
        } finally {
            pf.destroy();
            pf.waitFor();
        }
    }

    static String kubectlOrError(String... args) {
        try {
            return kubectl(args);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    boolean ready(String pod) {
        Pod p = client.pods().inNamespace(NS).withName(pod).get();
        return p != null && p.getStatus() != null && p.getStatus().getConditions() != null
            && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static String kubectl(String... args) throws Exception {
        return SystemTests.kubectl(TESTBED.testbed().kubeconfig(), NS, 60, args);
    }

    /** Polls {@code probe} until it returns non-null, for at most two minutes (image unpacking on busy cores). */
    static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 2 min waiting for " + what + "\n" + TESTBED.testbed().describe(20));
            }
            ControlPlane.sleep(500);
        }
    }
}
