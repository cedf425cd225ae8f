package io.cowsql.e2e.testbed;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The trivial image (TrivialServer) and manifests that use it. */
final class TrivialImage {
    static final String IMAGE = "testbed/trivial:1";

    private TrivialImage() {}

    static ImageTable table() {
        String cp;
        try {
            cp = Path.of(TrivialServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + ":"
                + Path.of(HostsFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return ImageTable.defaults().put("testbed/trivial", ImageTable.javaCommand(cp, TrivialServer.class.getName()));
    }

    static Service headlessService(String ns, String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
            .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true)
            .addToSelector("app", name)
            .addNewPort().withName("http").withPort(8080).withTargetPort(new IntOrString(8080)).endPort()
            .endSpec().build();
    }

    static StatefulSet statefulSet(String ns, String name, int replicas) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
            .withNewSpec().withReplicas(replicas).withServiceName(name).withPodManagementPolicy("Parallel")
            .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", name).build())
            .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
            .withNewSpec()
            .withTerminationGracePeriodSeconds(5L)
            .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey(ProcessKubelet.ZONE_LABEL)
            .withWhenUnsatisfiable("DoNotSchedule")
            .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", name).build())
            .endTopologySpreadConstraint()
            .addNewContainer().withName("server").withImage(IMAGE)
            .withArgs("--ip=$(POD_IP)", "--port=8080", "--data=/data")
            .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
            .endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
            .endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("GREETING").withValue("hello from $(POD_NAME)").endEnv()
            .addNewPort().withName("http").withContainerPort(8080).endPort()
            .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http"))
            .endHttpGet().withPeriodSeconds(1).endReadinessProbe()
            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
            .endContainer()
            .endSpec().endTemplate()
            .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
            .withNewSpec().withAccessModes("ReadWriteOnce")
            .withNewResources().addToRequests("storage", new Quantity("10Mi")).endResources()
            .endSpec().endVolumeClaimTemplate()
            .endSpec().build();
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        .proxy(HttpClient.Builder.NO_PROXY).build();

    /** GET http://ip:8080/path -> body; throws on non-200. */
    static String get(String ip, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080" + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " for " + path + ": " + r.body());
        }
        return r.body();
    }

    static void await(Duration timeout, String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (cond.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
    }
}
