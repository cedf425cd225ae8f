package io.cowsql.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Mock-API tier, a server that serves PodDisruptionBudgets as policy/v1beta1 only (Kubernetes 1.20): the operator
 * writes its budget in that version and never touches policy/v1.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = ServedApiVersions.PolicyV1beta1Only.class)
class PodDisruptionBudgetOnV1beta1ServerTest {
  @Inject
  KubernetesClient client;

  @KubernetesTestServer
  KubernetesServer server;

  @Test
  void budgetIsWrittenAsPolicyV1beta1() throws InterruptedException {
    CowsqlCluster c = new CowsqlCluster();
    c.setMetadata(new ObjectMetaBuilder().withName("india").withNamespace("db").build());
    c.setSpec(new CowsqlClusterSpec());
    c = client.resources(CowsqlCluster.class).inNamespace("db").resource(c).create();

    PodDisruptionBudget pdb = await().atMost(Duration.ofSeconds(30))
        .until(() -> client.resources(PodDisruptionBudget.class).inNamespace("db").withName("india").get(), p -> p != null);
    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1beta1");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(ClusterNames.selectorLabels(c));
    assertThat(pdb.getMetadata().getLabels()).isEqualTo(ClusterNames.labels(c));
    String uid = c.getMetadata().getUid();
    assertThat(pdb.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo(uid);
      assertThat(o.getController()).isTrue();
    });
    // policy/v1 was asked for once (discovery, 404) and never used: no informer, no write
    assertThat(ServedApiVersions.takeRequests(server)).extracting(r -> r.getMethod() + " " + r.getPath())
        .contains("GET /apis/policy/v1")
        .noneMatch(r -> r.contains("/apis/policy/v1/"));
  }
}
