package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A testbed whose JVM dies by SIGKILL leaves nothing behind: the watchdog kills every process group. */
@SystemTier
class WatchdogSystemTest {

    @Test
    void killedJvmLeavesNoProcessBehind() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ImageTable.javaExecutable(),
            "-cp", System.getProperty("java.class.path"),
            "-Dcowsql.e2e.scriptsDir=" + SystemTests.scriptsDir().toAbsolutePath()));
        for (String w : List.of("image.testbed/trivial")) {
            String words = String.join(" ", TrivialImage.table().lookup("testbed/trivial:1").orElseThrow().entrypoint());
            cmd.add("-Dcowsql.e2e." + w + "=" + words);
        }
        cmd.add(Testbed.class.getName());
        cmd.add(SystemTests.workDir().toAbsolutePath().toString());
        Process jvm = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Path kubeconfig = null;
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String line; System.nanoTime() < deadline && (line = r.readLine()) != null; ) {
                if (line.startsWith("KUBECONFIG=")) {
                    kubeconfig = Path.of(line.substring(11));
                    break;
                }
            }
            assertThat(kubeconfig).as("child testbed printed its kubeconfig").isNotNull();
            String marker = kubeconfig.getParent().toString();
            try (KubernetesClient c = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
                c.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("victim").endMetadata()
                    .withNewSpec().addNewContainer().withName("server").withImage(TrivialImage.IMAGE)
                    .withArgs("--ip=$(POD_IP)", "--port=8080", "--data=/data")
                    .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                    .endFieldRef().endValueFrom().endEnv()
                    .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080))
                    .endHttpGet().withPeriodSeconds(1).endReadinessProbe()
                    .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
                    .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build()).create();
                TrivialImage.await(Duration.ofSeconds(60), "victim pod Ready", () -> {
                    Pod p = c.pods().inNamespace("default").withName("victim").get();
                    return StatefulSetSystemTest.ready(p);
                });
            }
            // etcd, apiserver, controller manager, scheduler, the pod (its args name the testbed dir)
            assertThat(SystemTests.processesMentioning(marker)).hasSizeGreaterThanOrEqualTo(5);

            SystemTests.run(10, "kill", "-KILL", Long.toString(jvm.pid()));
            jvm.waitFor(10, TimeUnit.SECONDS);
            TrivialImage.await(Duration.ofSeconds(40), "no process of the dead testbed left",
                () -> SystemTests.processesMentioning(marker).isEmpty());
        } finally {
            jvm.destroyForcibly();
            ProcessRegistry.sweep(ProcessRegistry.defaultDir());
        }
    }
}
