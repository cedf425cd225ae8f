package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the process kubelet does for one pod: env, volumes, token, probes, restarts, hooks, faults. */
@SystemTier
class PodFeaturesSystemTest {
    static final String NS = "feat";
    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o.withImages(TrivialImage.table())).namespace(NS);
    static Testbed tb;
    static KubernetesClient c;

    @BeforeAll
    static void up() {
        tb = TESTBED.testbed();
        c = tb.client();
        c.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").endMetadata()
            .addToData("mode", "fast").addToData("app.conf", "x=1\n").build()).create();
        c.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("sec").endMetadata()
            .addToStringData("password", "s3cret").build()).create();
    }

    static PodBuilder trivialPod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", name)
            .addToAnnotations("role", "first").endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(5L)
            .addNewContainer().withName("server").withImage(TrivialImage.IMAGE)
            .withArgs("--ip=$(POD_IP)", "--port=8080", "--data=/data", "--mount-podinfo=/etc/podinfo",
                "--mount-cfg=/etc/cfg", "--mount-sec=/etc/sec", "--mount-sa=/var/run/secrets/kubernetes.io/serviceaccount")
            .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
            .endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef("mode", "cfg", false)
            .endValueFrom().endEnv()
            .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "sec", false)
            .endValueFrom().endEnv()
            .addNewEnv().withName("MEM_MI").withNewValueFrom().withNewResourceFieldRef().withResource("limits.memory")
            .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("ROLE").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.annotations['role']").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("DATA_FILE").withValue("/data/x.txt").endEnv()
            .addNewEnvFrom().withPrefix("CFG_").withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
            .withNewResources().addToLimits("memory", new Quantity("256Mi")).endResources()
            .addNewPort().withName("http").withContainerPort(8080).endPort()
            .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080))
            .endHttpGet().withPeriodSeconds(1).withFailureThreshold(1).endReadinessProbe()
            .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http"))
            .endHttpGet().withInitialDelaySeconds(5).withPeriodSeconds(1).withFailureThreshold(2).endLivenessProbe()
            .withNewLifecycle().withNewPreStop().withNewExec()
            .withCommand("sh", "-c", "echo prestop-ran > /data/prestop.txt").endExec().endPreStop().endLifecycle()
            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
            .addNewVolumeMount().withName("podinfo").withMountPath("/etc/podinfo").endVolumeMount()
            .addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
            .addNewVolumeMount().withName("sec").withMountPath("/etc/sec").endVolumeMount()
            .endContainer()
            .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("podinfo").withNewDownwardAPI()
            .addNewItem().withPath("annotations").withNewFieldRef().withFieldPath("metadata.annotations").endFieldRef().endItem()
            .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
            .endDownwardAPI().endVolume()
            .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
            .addNewVolume().withName("sec").withNewSecret().withSecretName("sec").endSecret().endVolume()
            .endSpec();
    }

    static Pod pod(String name) {
        return c.pods().inNamespace(NS).withName(name).get();
    }

    static boolean ready(Pod p) {
        return StatefulSetSystemTest.ready(p);
    }

    static Pod awaitReady(String name) {
        TrivialImage.await(Duration.ofSeconds(60), name + " Ready", () -> ready(pod(name)));
        return pod(name);
    }

    static ContainerStatus status(String name) {
        return pod(name).getStatus().getContainerStatuses().get(0);
    }

    @Test
    void environmentVolumesAndTokenReachTheProcess() throws Exception {
        c.pods().inNamespace(NS).resource(trivialPod("env").build()).create();
        String ip = awaitReady("env").getStatus().getPodIP();
        assertThat(TrivialImage.get(ip, "/env/MODE")).isEqualTo("fast");
        assertThat(TrivialImage.get(ip, "/env/PASSWORD")).isEqualTo("s3cret");
        assertThat(TrivialImage.get(ip, "/env/MEM_MI")).isEqualTo("256");
        assertThat(TrivialImage.get(ip, "/env/ROLE")).isEqualTo("first");
        assertThat(TrivialImage.get(ip, "/env/CFG_mode")).isEqualTo("fast");
        assertThat(TrivialImage.get(ip, "/env/DATA_FILE")).endsWith("/volumes/data/x.txt").doesNotStartWith("/data");
        assertThat(TrivialImage.get(ip, "/env/TESTBED_HOSTS_FILE")).isEqualTo(tb.kubelet().hostsFile().toString());
        assertThat(TrivialImage.get(ip, "/mount/cfg/app.conf")).isEqualTo("x=1\n");
        assertThat(TrivialImage.get(ip, "/mount/sec/password")).isEqualTo("s3cret");
        assertThat(TrivialImage.get(ip, "/mount/podinfo/name")).isEqualTo("env");
        assertThat(TrivialImage.get(ip, "/mount/podinfo/annotations")).contains("role=\"first\"");
        assertThat(TrivialImage.get(ip, "/mount/sa/namespace")).isEqualTo(NS);

        // The token authenticates against the API server (discovery is open to system:authenticated).
        String token = TrivialImage.get(ip, "/mount/sa/token");
        assertThat(apiStatus(token)).isEqualTo(200);
        assertThat(apiStatus("not-a-token")).isEqualTo(401);

        // Annotations update while the pod runs.
        c.pods().inNamespace(NS).withName("env").edit(p -> new PodBuilder(p).editMetadata()
            .addToAnnotations("role", "second").endMetadata().build());
        TrivialImage.await(Duration.ofSeconds(40), "downward API annotations updated", () -> {
            try {
                return TrivialImage.get(ip, "/mount/podinfo/annotations").contains("role=\"second\"");
            } catch (Exception e) {
                return false;
            }
        });
    }

    static int apiStatus(String token) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] a, String b) {}
            @Override public void checkServerTrusted(X509Certificate[] a, String b) {}
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, new SecureRandom());
        HttpClient h = HttpClient.newBuilder().sslContext(ctx).proxy(HttpClient.Builder.NO_PROXY).build();
        return h.send(HttpRequest.newBuilder(URI.create(tb.controlPlane().apiServerUrl() + "/api"))
            .header("Authorization", "Bearer " + token.strip()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void livenessFailureAndCrashRestartTheContainer() throws Exception {
        c.pods().inNamespace(NS).resource(trivialPod("live").build()).create();
        String ip = awaitReady("live").getStatus().getPodIP();
        long pid1 = tb.kubelet().pids(NS, "live").get("server");

        TrivialImage.get(ip, "/unhealthy");
        TrivialImage.await(Duration.ofSeconds(60), "restart after liveness failure",
            () -> status("live").getRestartCount() >= 1 && ready(pod("live")));
        long pid2 = tb.kubelet().pids(NS, "live").get("server");
        assertThat(pid2).isNotEqualTo(pid1);
        assertThat(Procfs.alive(pid1, -1)).isFalse();

        int before = status("live").getRestartCount();
        tb.kubelet().crash(NS, "live");
        TrivialImage.await(Duration.ofSeconds(60), "restart after crash",
            () -> status("live").getRestartCount() > before && ready(pod("live")));
        assertThat(status("live").getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(Procfs.alive(pid2, -1)).isFalse();
        // what `kubectl describe pod` shows
        var reasons = c.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "live".equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
        assertThat(reasons).contains("Started", "Unhealthy", "Killing");
    }

    @Test
    void pausedPodTurnsNotReadyAndBackOnResume() {
        c.pods().inNamespace(NS).resource(trivialPod("pause").editSpec().editFirstContainer()
            .withLivenessProbe(null).endContainer().endSpec().build()).create();
        awaitReady("pause");
        tb.kubelet().pause(NS, "pause");
        TrivialImage.await(Duration.ofSeconds(40), "not Ready while paused", () -> !ready(pod("pause")));
        tb.kubelet().resume(NS, "pause");
        TrivialImage.await(Duration.ofSeconds(40), "Ready after resume", () -> ready(pod("pause")));
        assertThat(status("pause").getRestartCount()).isZero();
    }

    @Test
    void deletionRunsPreStopThenSigterm() throws Exception {
        Path hooks = Files.createDirectories(tb.dir().resolve("hooks-stop"));
        c.pods().inNamespace(NS).resource(trivialPod("stop").editSpec()
            .editMatchingVolume(v -> v.getName().equals("data")).withEmptyDir(null).withNewHostPath()
            .withPath(hooks.toString()).endHostPath().endVolume().endSpec().build()).create();
        awaitReady("stop");
        long pid = tb.kubelet().pids(NS, "stop").get("server");
        tb.kubelet().deletePod(NS, "stop");
        TrivialImage.await(Duration.ofSeconds(30), "pod gone", () -> pod("stop") == null);
        assertThat(Procfs.alive(pid, -1)).isFalse();
        assertThat(hooks.resolve("prestop.txt")).hasContent("prestop-ran");
        assertThat(Files.readString(hooks.resolve("shutdown.log"))).startsWith("sigterm");
    }

    @Test
    void nodeCutOffAndNodeRemoval() {
        c.pods().inNamespace(NS).resource(trivialPod("onnode").editSpec().withNodeName("node-c").endSpec().build()).create();
        awaitReady("onnode");
        long pid = tb.kubelet().pids(NS, "onnode").get("server");

        // Cut off: NotReady, and the node's kubelet does not see the deletion until it is back.
        tb.kubelet().setNodeReady("node-c", false);
        TrivialImage.await(Duration.ofSeconds(40), "node-c NotReady", () -> !nodeReady("node-c"));
        c.pods().inNamespace(NS).withName("onnode").delete();
        ControlPlane.sleep(3000);
        assertThat(pod("onnode")).isNotNull();
        assertThat(pod("onnode").getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(Procfs.alive(pid, -1)).isTrue();
        tb.kubelet().setNodeReady("node-c", true);
        TrivialImage.await(Duration.ofSeconds(40), "node-c Ready", () -> nodeReady("node-c"));
        TrivialImage.await(Duration.ofSeconds(30), "onnode deleted after reconnect", () -> pod("onnode") == null);
        assertThat(Procfs.alive(pid, -1)).isFalse();

        // Removal: the machine is gone with its processes.
        c.pods().inNamespace(NS).resource(trivialPod("onnode2").editSpec().withNodeName("node-c").endSpec().build()).create();
        awaitReady("onnode2");
        long pid2 = tb.kubelet().pids(NS, "onnode2").get("server");
        tb.kubelet().removeNode("node-c");
        assertThat(c.nodes().withName("node-c").get()).isNull();
        assertThat(Procfs.alive(pid2, -1)).isFalse();
        tb.kubelet().addNode(new ProcessKubelet.NodeSpec("node-c", "zone-c"));
        TrivialImage.await(Duration.ofSeconds(40), "node-c back", () -> nodeReady("node-c"));
    }

    @Test
    void initContainersProbeKindsProjectedTokenAndRestartPolicies() throws Exception {
        Pod p = new PodBuilder().withNewMetadata().withName("kinds").withNamespace(NS).endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(5L).withServiceAccountName("default")
            .addNewInitContainer().withName("init").withImage(TrivialImage.IMAGE)
            .withCommand("sh", "-c", "echo initialised > /data/init.txt")
            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endInitContainer()
            .addNewContainer().withName("server").withImage(TrivialImage.IMAGE)
            .withArgs("--ip=$(POD_IP)", "--port=8080", "--data=/data", "--mount-data=/data", "--mount-tok=/var/run/tok")
            .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
            .endFieldRef().endValueFrom().endEnv()
            .withNewStartupProbe().withNewTcpSocket().withPort(new IntOrString(8080)).endTcpSocket()
            .withPeriodSeconds(1).withFailureThreshold(30).endStartupProbe()
            .withNewReadinessProbe().withNewExec().withCommand("sh", "-c", "test -f /data/boot.log").endExec()
            .withPeriodSeconds(1).endReadinessProbe()
            .withNewLivenessProbe().withNewTcpSocket().withPort(new IntOrString(8080)).endTcpSocket()
            .withPeriodSeconds(1).endLivenessProbe()
            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
            .addNewVolumeMount().withName("tok").withMountPath("/var/run/tok").endVolumeMount()
            .endContainer()
            .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("tok").withNewProjected().addNewSource().withNewServiceAccountToken()
            .withAudience("cowsql").withExpirationSeconds(3600L).withPath("token").endServiceAccountToken().endSource()
            .addNewSource().withNewDownwardAPI().addNewItem().withPath("ns").withNewFieldRef()
            .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
            .endProjected().endVolume()
            .endSpec().build();
        c.pods().inNamespace(NS).resource(p).create();
        String ip = awaitReady("kinds").getStatus().getPodIP();
        assertThat(TrivialImage.get(ip, "/mount/data/init.txt")).isEqualTo("initialised\n");
        assertThat(TrivialImage.get(ip, "/mount/tok/ns")).isEqualTo(NS);
        assertThat(TrivialImage.get(ip, "/mount/tok/token")).startsWith("ey");
        Pod got = pod("kinds");
        assertThat(got.getStatus().getInitContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
        assertThat(got.getStatus().getContainerStatuses().get(0).getStarted()).isTrue();

        // restartPolicy Never: a failing container leaves the pod Failed; OnFailure + exit 0: Succeeded.
        c.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("never").endMetadata()
            .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c").withImage(TrivialImage.IMAGE)
            .withCommand("sh", "-c", "exit 3").endContainer().endSpec().build()).create();
        c.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("onfailure").endMetadata()
            .withNewSpec().withRestartPolicy("OnFailure").addNewContainer().withName("c").withImage(TrivialImage.IMAGE)
            .withCommand("sh", "-c", "exit 0").endContainer().endSpec().build()).create();
        TrivialImage.await(Duration.ofSeconds(30), "never Failed", () -> "Failed".equals(pod("never").getStatus().getPhase()));
        TrivialImage.await(Duration.ofSeconds(30), "onfailure Succeeded",
            () -> "Succeeded".equals(pod("onfailure").getStatus().getPhase()));
        assertThat(status("never").getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(status("never").getRestartCount()).isZero();
    }

    @Test
    void aPodTalksToTheApiServerWithItsServiceAccountAsAnOperatorWould() throws Exception {
        c.serviceAccounts().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
            .withNewMetadata().withName("reader").endMetadata().build()).create();
        c.rbac().roles().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
            .withNewMetadata().withName("pod-reader").endMetadata()
            .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule().build()).create();
        c.rbac().roleBindings().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
            .withNewMetadata().withName("reader").endMetadata()
            .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("pod-reader").endRoleRef()
            .addNewSubject().withKind("ServiceAccount").withName("reader").withNamespace(NS).endSubject().build()).create();
        tb.kubelet().images().put("testbed/incluster", ImageTable.javaCommand(System.getProperty("java.class.path"),
            InClusterClient.class.getName()));
        c.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("incluster").endMetadata()
            .withNewSpec().withServiceAccountName("reader").withRestartPolicy("Never")
            .addNewContainer().withName("c").withImage("testbed/incluster:1").endContainer().endSpec().build()).create();
        TrivialImage.await(Duration.ofSeconds(60), "incluster finished", () -> {
            String phase = pod("incluster").getStatus().getPhase();
            return "Succeeded".equals(phase) || "Failed".equals(phase);
        });
        String log = Files.readString(tb.kubelet().dataDir().resolve("pods").resolve(
            NS + "_incluster_" + pod("incluster").getMetadata().getUid()).resolve("logs/c.log"));
        assertThat(pod("incluster").getStatus().getPhase()).as(log).isEqualTo("Succeeded");
        assertThat(log).contains("namespace " + NS + " pods ");
    }

    @Test
    void aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() {
        c.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("stubborn").endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(3L).addNewContainer().withName("c")
            .withImage(TrivialImage.IMAGE).withCommand("sh", "-c", "trap '' TERM; sleep 300 & wait; sleep 300")
            .endContainer().endSpec().build()).create();
        TrivialImage.await(Duration.ofSeconds(40), "stubborn running",
            () -> !tb.kubelet().pids(NS, "stubborn").isEmpty() && "Running".equals(pod("stubborn").getStatus().getPhase()));
        long pgid = tb.kubelet().pids(NS, "stubborn").get("c");
        TrivialImage.await(Duration.ofSeconds(10), "sleep child", () -> Procfs.groupMembers(pgid).size() >= 2);
        long t0 = System.nanoTime();
        tb.kubelet().deletePod(NS, "stubborn");
        TrivialImage.await(Duration.ofSeconds(40), "stubborn gone", () -> pod("stubborn") == null);
        double took = (System.nanoTime() - t0) / 1e9;
        assertThat(took).as("waited the grace period").isGreaterThanOrEqualTo(2.5);
        TrivialImage.await(Duration.ofSeconds(5), "whole group killed", () -> Procfs.groupMembers(pgid).isEmpty());
    }

    @Test
    void manifestsApplyServerSide() throws Exception {
        Path yaml = tb.dir().resolve("cm.yaml");
        Files.writeString(yaml, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: " + NS
            + "\ndata:\n  k: v1\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: applied\n  namespace: "
            + NS + "\n");
        tb.apply(yaml);
        assertThat(c.configMaps().inNamespace(NS).withName("applied").get().getData()).containsEntry("k", "v1");
        assertThat(c.serviceAccounts().inNamespace(NS).withName("applied").get()).isNotNull();
        Files.writeString(yaml, Files.readString(yaml).replace("k: v1", "k: v2"));
        tb.apply(yaml);
        assertThat(c.configMaps().inNamespace(NS).withName("applied").get().getData()).containsEntry("k", "v2");
        assertThat(c.configMaps().inNamespace(NS).withName("applied").get().getMetadata().getManagedFields())
            .anyMatch(m -> "testbed".equals(m.getManager()) && "Apply".equals(m.getOperation()));
    }

    @Test
    void unknownImageIsReportedLikeAPullError() {
        c.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("noimage").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("nowhere/nothing:1").endContainer().endSpec()
            .build()).create();
        TrivialImage.await(Duration.ofSeconds(40), "ErrImagePull", () -> {
            var st = pod("noimage").getStatus().getContainerStatuses();
            return st != null && !st.isEmpty() && st.get(0).getState().getWaiting() != null
                && "ErrImagePull".equals(st.get(0).getState().getWaiting().getReason());
        });
    }

    static boolean nodeReady(String name) {
        Node n = c.nodes().withName(name).get();
        return n != null && n.getStatus().getConditions().stream()
            .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
    }
}
