package io.cowsql.e2e.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

/** Launcher up and down against the real binaries; nothing left behind. */
@SystemTier
class ControlPlaneSystemTest {

    @Test
    void buildScriptIsIdempotentAndPrintsTheCachedBinDir() throws Exception {
        ControlPlaneBinaries b = ControlPlaneBinaries.locate(SystemTests.scriptsDir());
        long t0 = System.nanoTime();
        String out = SystemTests.run(60, "bash", SystemTests.scriptsDir().resolve("build-control-plane.sh").toString());
        assertThat(out.strip().lines().reduce((a, x) -> x).orElseThrow()).isEqualTo(b.binDir().toString());
        assertThat((System.nanoTime() - t0) / 1_000_000_000.0).isLessThan(10.0);
        assertThat(SystemTests.run(60, b.apiServer().toString(), "--version")).contains("v1.20.2");
    }

    @Test
    void startsServesKubectlAndFabric8AndStopsWithoutLeftovers() throws Exception {
        String marker;
        try (ControlPlane cp = ControlPlane.start(SystemTests.options())) {
            marker = cp.dir().toString();
            assertThat(SystemTests.processesMentioning(marker)).hasSizeGreaterThanOrEqualTo(4);

            String out = SystemTests.run(60, "kubectl", "--kubeconfig", cp.kubeconfig().toString(),
                "get", "namespaces,serviceaccounts", "-A", "-o", "wide");
            assertThat(out).contains("kube-system").contains("default");

            try (KubernetesClient c = cp.newClient()) {
                c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("t1").endMetadata().build())
                    .create();
                assertThat(c.namespaces().withName("t1").get()).isNotNull();
                assertThat(c.getKubernetesVersion().getGitVersion()).isEqualTo("v1.20.2");
            }
        }
        assertThat(SystemTests.processesMentioning(marker)).isEmpty();
    }
}
