package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real node-lifecycle controller against a cut-off node (short grace and tolerations): the taint
 * manager evicts the pod, which stays Terminating with its process running (the node's kubelet cannot
 * hear about it), and goes once the node is back.
 */
@SystemTier
class NodeFailureSystemTest {
    static final String NS = "nodefail";
    @RegisterExtension
    static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o
        .withImages(TrivialImage.table())
        .withExtraControllerManagerArgs(List.of("--node-monitor-grace-period=10s"))
        .withExtraApiServerArgs(List.of("--default-not-ready-toleration-seconds=5",
            "--default-unreachable-toleration-seconds=5")))
        .namespace(NS);
    static Testbed tb;
    static KubernetesClient c;

    @BeforeAll
    static void up() {
        tb = TESTBED.testbed();
        c = tb.client();
    }

    static Pod pod(String name) {
        return c.pods().inNamespace(NS).withName(name).get();
    }

    @Test
    void podOfACutOffNodeIsEvictedButRunsUntilTheNodeIsBack() {
        c.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("victim").endMetadata()
            .withNewSpec().withNodeName("node-b").withTerminationGracePeriodSeconds(5L)
            .addNewContainer().withName("c").withImage(TrivialImage.IMAGE)
            .withArgs("--ip=$(POD_IP)", "--port=8080")
            .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
            .endFieldRef().endValueFrom().endEnv().endContainer().endSpec().build()).create();
        TrivialImage.await(Duration.ofSeconds(60), "victim running", () -> !tb.kubelet().pids(NS, "victim").isEmpty());
        long pid = tb.kubelet().pids(NS, "victim").get("c");
        assertThat(pod("victim").getSpec().getTolerations())
            .anyMatch(t -> "node.kubernetes.io/not-ready".equals(t.getKey()) && Long.valueOf(5).equals(t.getTolerationSeconds()));

        tb.kubelet().setNodeReady("node-b", false);
        TrivialImage.await(Duration.ofSeconds(90), "taint manager evicts the pod",
            () -> pod("victim").getMetadata().getDeletionTimestamp() != null);
        assertThat(c.nodes().withName("node-b").get().getSpec().getTaints())
            .anyMatch(t -> t.getKey().startsWith("node.kubernetes.io/") && "NoExecute".equals(t.getEffect()));
        ControlPlane.sleep(2000);
        assertThat(pod("victim")).as("stays Terminating").isNotNull();
        assertThat(Procfs.alive(pid, -1)).as("still running on the cut-off node").isTrue();

        tb.kubelet().setNodeReady("node-b", true);
        TrivialImage.await(Duration.ofSeconds(60), "victim gone after reconnect", () -> pod("victim") == null);
        TrivialImage.await(Duration.ofSeconds(10), "process stopped", () -> !Procfs.alive(pid, -1));
        TrivialImage.await(Duration.ofSeconds(60), "node-b untainted", () -> {
            var taints = c.nodes().withName("node-b").get().getSpec().getTaints();
            return taints == null || taints.stream().noneMatch(t -> "NoExecute".equals(t.getEffect()));
        });
    }
}
