package io.cowsql.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlStateProbe;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.StorageSpec;
import io.cowsql.testing.ApiTier;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mock-API tier, with the periodic resync pushed out to an hour: every pass here is triggered by an informer event.
 * A Node's readiness and a new claim reach the cluster's status and plan through the informers, and no pass reads
 * claims or Nodes from the API server.
 */
@ApiTier
@QuarkusTest
@TestProfile(InformerTriggersTest.EventsOnly.class)
@WithKubernetesTestServer(crud = true, setup = ServedApiVersions.PolicyV1Only.class)
class InformerTriggersTest {
  static final String NS = "db";
  static final Duration WAIT = Duration.ofSeconds(30);

  /** No resync within a test: a pass happens only when an informer reports a change. */
  public static class EventsOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("cowsql.operator.resync-ready", "1h", "cowsql.operator.resync-busy", "1h");
    }
  }

  @Inject
  KubernetesClient client;

  @KubernetesTestServer
  KubernetesServer server;

  /** Reconcile passes that reached the cowsql probe (one per pass once a pod has an IP). */
  static final AtomicInteger PASSES = new AtomicInteger();

  @BeforeEach
  void countPasses() {
    AgentsStandIn.install();
    QuarkusMock.installMockForType(new CowsqlStateProbe(Duration.ofMillis(100)) {
      @Override
      public CowsqlView probe(Map<String, String> dialable) {
        PASSES.incrementAndGet();
        return CowsqlView.unreachable("no answer (test)");
      }
    }, CowsqlStateProbe.class);
  }

  @Test
  void nodeReadinessAndNewClaimsTriggerPassesThatReadThemFromTheCache() throws InterruptedException {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-x")
        .addToLabels("topology.kubernetes.io/zone", "zone-x").endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build()).create();
    CowsqlCluster spec = new CowsqlCluster();
    spec.setMetadata(new ObjectMetaBuilder().withName("juliett").withNamespace(NS).build());
    spec.setSpec(new CowsqlClusterSpec());
    spec.getSpec().storage.retention.whenDeleted = StorageSpec.RetentionPolicy.Delete;
    CowsqlCluster c = client.resources(CowsqlCluster.class).inNamespace(NS).resource(spec).create();
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("juliett").get() != null);
    // the StatefulSet controller and the scheduler, by hand: one pod on node-x
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("juliett-0").withNamespace(NS).withLabels(ClusterNames.labels(c)).endMetadata()
        .withNewSpec().withNodeName("node-x").addNewContainer().withName("cowsql").withImage("x").endContainer().endSpec()
        .withNewStatus().withPodIP("198.18.1.10").endStatus()
        .build()).create();
    await().atMost(WAIT).until(() -> member("juliett") != null && Boolean.TRUE.equals(member("juliett").nodeReady));
    awaitQuiet();

    // the node-lifecycle controller marks the Node NotReady: only the Node informer can start the pass that sees it
    client.nodes().withName("node-x").editStatus(n -> new NodeBuilder(n).editStatus().withConditions(
        new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready").withStatus("Unknown").build())
        .endStatus().build());
    await().atMost(WAIT).until(() -> Boolean.FALSE.equals(member("juliett").nodeReady));
    assertThat(member("juliett").node).isEqualTo("node-x");
    ServedApiVersions.takeRequests(server);
    int passesBefore = PASSES.get();

    // the StatefulSet controller creates the pod's claim: the claims informer starts the pass that owns it
    String uid = c.getMetadata().getUid();
    client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data-juliett-0").withNamespace(NS).withLabels(ClusterNames.labels(c)).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage",
            new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources().endSpec()
        .build()).create();
    await().atMost(WAIT).until(() -> {
      PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NS).withName("data-juliett-0").get();
      return pvc.getMetadata().getOwnerReferences() != null && pvc.getMetadata().getOwnerReferences().stream()
          .anyMatch(o -> uid.equals(o.getUid()));
    });

    assertThat(PASSES.get()).isGreaterThan(passesBefore);
    List<String> requests = ServedApiVersions.takeRequests(server).stream().map(InformerTriggersTest::line).toList();
    assertThat(requests).as("no pass reads Nodes or lists claims from the API server")
        .noneMatch(r -> r.startsWith("GET /api/v1/nodes") && !r.contains("watch=true"))
        .noneMatch(r -> r.matches("GET /api/v1/namespaces/db/persistentvolumeclaims(\\?.*)?") && !r.contains("watch=true"));
  }

  /** Until no pass has run for two seconds (the creation's events are all handled). */
  private static void awaitQuiet() {
    AtomicInteger seen = new AtomicInteger(-1);
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> seen.getAndSet(PASSES.get()) == PASSES.get());
  }

  private CowsqlClusterStatus.Member member(String cluster) {
    CowsqlCluster r = client.resources(CowsqlCluster.class).inNamespace(NS).withName(cluster).get();
    return r.getStatus() == null || r.getStatus().members == null ? null : r.getStatus().members.stream()
        .filter(m -> (cluster + "-0").equals(m.pod)).findFirst().orElse(null);
  }

  private static String line(RecordedRequest r) {
    return r.getMethod() + " " + r.getPath();
  }
}
