package io.cowsql.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlStateProbe;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.UserAnnotations;
import io.cowsql.operator.plan.StatusAggregator;
import io.cowsql.testing.ApiTier;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mock-API tier: the operator running in Quarkus against the Fabric8 mock API server (CRUD mode, no SSA, no
 * controllers), which serves PodDisruptionBudgets as policy/v1 only (as Kubernetes 1.25 and later). Pods and Nodes
 * are created by the test where a StatefulSet controller and a scheduler would; cowsql's answers come from a
 * stand-in probe.
 */
@ApiTier
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = ServedApiVersions.PolicyV1Only.class)
class CowsqlClusterReconcilerTest {
  static final String NS = "db";
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject
  KubernetesClient client;

  @KubernetesTestServer
  KubernetesServer server;

  /** What the stand-in cowsql nodes answer, per cluster name (unreachable when absent). */
  static final Map<String, Function<CowsqlCluster, CowsqlView>> COWSQL = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeEach
  void standInForCowsql() {
    AgentsStandIn.install();
    QuarkusMock.installMockForType(new CowsqlStateProbe(Duration.ofMillis(100)) {
      @Override
      public CowsqlView probe(Map<String, String> dialable) {
        // The addresses name the cluster: <pod>.<cluster>-peers.<ns>.svc...
        for (String address : dialable.keySet()) {
          String peers = address.split("\\.")[1];
          String cluster = peers.substring(0, peers.length() - "-peers".length());
          Function<CowsqlCluster, CowsqlView> answer = COWSQL.get(cluster);
          if (answer != null) {
            return answer.apply(client.resources(CowsqlCluster.class).inNamespace(NS).withName(cluster).get());
          }
        }
        return CowsqlView.unreachable("no answer (test)");
      }
    }, CowsqlStateProbe.class);
  }

  @Test
  void createsEveryDependentWithItsSpec() throws InterruptedException {
    CowsqlCluster c = create("alpha", spec -> { });
    StatefulSet sts = await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("alpha").get(),
        s -> s != null);
    await().atMost(WAIT).until(() -> client.services().inNamespace(NS).withName("alpha").get() != null
        && client.resources(PodDisruptionBudget.class).inNamespace(NS).withName("alpha").get() != null);
    String uid = c.getMetadata().getUid();

    Service peers = client.services().inNamespace(NS).withName("alpha-peers").get();
    assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(peers.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(peers.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly("cowsql:9000", "http:8080");
    assertOwned(peers, uid);

    Service clientSvc = client.services().inNamespace(NS).withName("alpha").get();
    assertThat(clientSvc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(clientSvc.getSpec().getSelector()).containsEntry(ClusterNames.LABEL_INSTANCE, "alpha");
    assertOwned(clientSvc, uid);

    ConfigMap config = client.configMaps().inNamespace(NS).withName("alpha-config").get();
    assertThat(config.getData()).containsEntry("COWSQL_JOIN", "alpha-0.alpha-peers.db.svc.cluster.local:9000,"
        + "alpha-1.alpha-peers.db.svc.cluster.local:9000,alpha-2.alpha-peers.db.svc.cluster.local:9000")
        .containsEntry("COWSQL_VOTERS", "3").containsEntry("COWSQL_STANDBYS", "3")
        .containsEntry("COWSQL_CLUSTER_ID", "db/alpha")
        .containsEntry("COWSQL_FAILURE_DOMAIN_FILE", "/etc/cowsql/podinfo/annotations")
        .containsEntry("COWSQL_DIR", "/var/lib/cowsql/data");
    assertOwned(config, uid);

    ServiceAccount sa = client.serviceAccounts().inNamespace(NS).withName("alpha").get();
    assertThat(sa.getAutomountServiceAccountToken()).isFalse();
    assertOwned(sa, uid);

    PodDisruptionBudget pdb = client.resources(PodDisruptionBudget.class).inNamespace(NS).withName("alpha").get();
    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(ClusterNames.selectorLabels(c));
    assertOwned(pdb, uid);
    // the server serves no policy/v1beta1: the operator asked its discovery document once and never used it
    assertThat(ServedApiVersions.takeRequests(server)).extracting(r -> r.getMethod() + " " + r.getPath())
        .noneMatch(r -> r.contains("/apis/policy/v1beta1/"));

    assertOwned(sts, uid);
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sts.getSpec().getServiceName()).isEqualTo("alpha-peers");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sts.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
      assertThat(pvc.getMetadata().getName()).isEqualTo("data");
      assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
    });
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("alpha");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(t -> {
      assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
      assertThat(t.getMaxSkew()).isEqualTo(1);
      assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
    });
    assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement().satisfies(w -> assertThat(w.getPodAffinityTerm().getTopologyKey())
            .isEqualTo("kubernetes.io/hostname"));
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("podinfo");
      assertThat(v.getDownwardAPI().getItems()).anySatisfy(i -> {
        assertThat(i.getPath()).isEqualTo("annotations");
        assertThat(i.getFieldRef().getFieldPath()).isEqualTo("metadata.annotations");
      });
    });
    Container node = pod.getContainers().get(0);
    assertThat(node.getImage()).isEqualTo("ghcr.io/cowsql/cowsql-node:0.1.0");
    assertThat(node.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(node.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(node.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(node.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(node.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(node.getEnvFrom()).singleElement()
        .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("alpha-config"));
    Map<String, EnvVar> env = new LinkedHashMap<>();
    node.getEnv().forEach(e -> env.put(e.getName(), e));
    assertThat(env.get("COWSQL_ADDRESS").getValue()).isEqualTo("$(POD_NAME).alpha-peers.$(POD_NAMESPACE).svc.cluster.local:9000");
    assertThat(env.get("COWSQL_BIND").getValue()).isEqualTo("$(POD_IP):9000");
    assertThat(env.get("COWSQL_BOOTSTRAP").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['cowsql.io/bootstrap']");
    assertThat(new ArrayList<>(env.keySet())).startsWith("POD_NAME", "POD_NAMESPACE", "POD_IP");

    CowsqlClusterStatus status = awaitStatus("alpha", s -> s.selector != null && s.phase != null);
    assertThat(status.selector).isEqualTo("app.kubernetes.io/name=cowsql,app.kubernetes.io/instance=alpha");
    assertThat(status.phase).isEqualTo("Creating");
    assertThat(status.conditions).extracting(Condition::getType)
        .containsExactly("Ready", "Available", "Progressing", "QuorumLost", "Degraded", "SpecWarning");
  }

  @Test
  void scheduledPodsGetZoneCodesOrdinalZeroBootstrapsAndStatusShowsTheLeader() {
    for (String zone : List.of("zone-a", "zone-b", "zone-c")) {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-" + zone)
          .addToLabels("topology.kubernetes.io/zone", zone).endMetadata().build()).createOr(r -> r.update());
    }
    CowsqlCluster c = create("bravo", spec -> { });
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("bravo").get() != null);
    // the StatefulSet controller and the scheduler, by hand: ordinal 0 and 1 scheduled, 2 still Pending
    createPod(c, 0, "node-zone-b", false);
    createPod(c, 1, "node-zone-a", false);
    createPod(c, 2, null, false);

    Pod p0 = awaitPod("bravo-0", p -> p.getMetadata().getAnnotations() != null
        && p.getMetadata().getAnnotations().containsKey(ClusterNames.ANNOTATION_FAILURE_DOMAIN));
    assertThat(p0.getMetadata().getAnnotations()).containsEntry("cowsql.io/failure-domain", "1")
        .containsEntry("cowsql.io/zone", "zone-b").containsEntry("cowsql.io/bootstrap", "true");
    Pod p1 = awaitPod("bravo-1", p -> p.getMetadata().getAnnotations() != null
        && p.getMetadata().getAnnotations().containsKey(ClusterNames.ANNOTATION_FAILURE_DOMAIN));
    assertThat(p1.getMetadata().getAnnotations()).containsEntry("cowsql.io/failure-domain", "2")
        .doesNotContainKey("cowsql.io/bootstrap");
    assertThat(client.pods().inNamespace(NS).withName("bravo-2").get().getMetadata().getAnnotations())
        .doesNotContainKey("cowsql.io/failure-domain");
    CowsqlClusterStatus creating = awaitStatus("bravo", s -> s.failureDomains != null && s.failureDomains.size() == 2);
    assertThat(creating.failureDomains).containsExactlyInAnyOrderEntriesOf(Map.of("zone-b", 1L, "zone-a", 2L));
    assertThat(creating.phase).isEqualTo("Creating");

    // pod 2 lands in zone-c, all three become Ready, and the nodes elect bravo-1
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      client.pods().inNamespace(NS).withName("bravo-2").edit(p -> new PodBuilder(p).editSpec()
          .withNodeName("node-zone-c").endSpec().build());
      return true;
    });
    for (int i = 0; i < 3; i++) {
      markReady("bravo-" + i);
    }
    COWSQL.put("bravo", cluster -> {
      List<CowsqlView.Member> members = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        members.add(new CowsqlView.Member(Long.toString(100 + i),
            ClusterNames.podAddress(cluster, "bravo-" + i), "voter"));
      }
      return new CowsqlView(true, Optional.of(ClusterNames.podAddress(cluster, "bravo-1")), members, Optional.empty());
    });
    CowsqlClusterStatus ready = awaitStatus("bravo", s -> "Running".equals(s.phase));
    assertThat(ready.leader).isEqualTo("bravo-1");
    assertThat(ready.readyReplicas).isEqualTo(3);
    assertThat(ready.bootstrapped).isTrue();
    assertThat(ready.failureDomains).containsExactlyInAnyOrderEntriesOf(Map.of("zone-b", 1L, "zone-a", 2L, "zone-c", 3L));
    assertThat(ready.members).extracting(m -> m.pod + "/" + m.nodeId + "/" + m.role + "/" + m.zone + "/" + m.failureDomain)
        .containsExactly("bravo-0/100/voter/zone-b/1", "bravo-1/101/voter/zone-a/2", "bravo-2/102/voter/zone-c/3");
    assertThat(condition(ready, "Ready").getStatus()).isEqualTo("True");
    // once formed, the bootstrap permission is withdrawn
    awaitPod("bravo-0", p -> p.getMetadata().getAnnotations().get("cowsql.io/bootstrap") == null);
    assertThat(client.pods().inNamespace(NS).withName("bravo-2").get().getMetadata().getAnnotations())
        .containsEntry("cowsql.io/failure-domain", "3");
  }

  @Test
  void aNotReadyMembersStatusCarriesItsAgentsReason() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-zone-r")
        .addToLabels("topology.kubernetes.io/zone", "zone-r").endMetadata().build()).createOr(r -> r.update());
    CowsqlCluster c = create("romeo", spec -> spec.replicas = 1);
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("romeo").get() != null);
    String why = "not a member of the configuration: leader 64 does not list node 65";
    AgentsStandIn.REASONS.put("romeo-0", why);
    createPod(c, 0, "node-zone-r", false);
    CowsqlClusterStatus s = awaitStatus("romeo", x -> x.members != null && x.members.stream()
        .anyMatch(m -> why.equals(m.notReadyReason)));
    assertThat(s.members).singleElement().satisfies(m -> {
      assertThat(m.pod).isEqualTo("romeo-0");
      assertThat(m.ready).isFalse();
    });
  }

  @Test
  void invalidSpecIsReportedAndNothingIsCreated() {
    create("charlie", spec -> spec.roles.voters = 2);
    CowsqlClusterStatus status = awaitStatus("charlie", s -> s.phase != null);
    Condition ready = condition(status, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.roles.voters: 2 is even");
    assertThat(status.phase).isEqualTo("Invalid");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("charlie").get()).isNull();
    assertThat(client.services().inNamespace(NS).withName("charlie-peers").get()).isNull();
    assertThat(client.configMaps().inNamespace(NS).withName("charlie-config").get()).isNull();
    // and `kubectl describe` shows it as a Warning event
    await().atMost(WAIT).until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> "charlie".equals(e.getInvolvedObject().getName()) && "InvalidSpec".equals(e.getReason())
            && "Warning".equals(e.getType()) && e.getMessage().contains("spec.roles.voters: 2 is even")));
  }

  @Test
  void invalidChangeToARunningClusterChangesNothing() {
    create("delta", spec -> { });
    StatefulSet before = await().atMost(WAIT)
        .until(() -> client.apps().statefulSets().inNamespace(NS).withName("delta").get(), s -> s != null);
    ConfigMap configBefore = client.configMaps().inNamespace(NS).withName("delta-config").get();
    editSpec("delta", r -> {
      r.getSpec().replicas = 5;
      r.getSpec().storage.size = "a lot";
      return r;
    });
    CowsqlClusterStatus status = awaitStatus("delta", s -> "Invalid".equals(s.phase));
    assertThat(condition(status, "Ready").getMessage()).contains("spec.storage.size: 'a lot' is not a quantity");
    StatefulSet after = client.apps().statefulSets().inNamespace(NS).withName("delta").get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec().getReplicas()).isEqualTo(3);
    assertThat(client.configMaps().inNamespace(NS).withName("delta-config").get().getMetadata().getResourceVersion())
        .isEqualTo(configBefore.getMetadata().getResourceVersion());
  }

  @Test
  void aClusterThatNeverFormedShrinksAtOnceAndGrowsThroughTheSpec() {
    create("echo", spec -> spec.replicas = 5);
    await().atMost(WAIT).until(() -> {
      StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("echo").get();
      return s != null && s.getSpec().getReplicas() == 5;
    });
    // no member ever stored anything: no one to take out one at a time (ScaleDownReconcilerTest has formed clusters)
    editSpec("echo", r -> {
      r.getSpec().replicas = 3;
      return r;
    });
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("echo").get().getSpec()
        .getReplicas() == 3);
    assertThat(client.configMaps().inNamespace(NS).withName("echo-config").get().getData().get("COWSQL_JOIN"))
        .doesNotContain("echo-3.echo-peers");

    // scaling up works through the spec (kubectl scale writes the same field through the scale subresource)
    editSpec("echo", r -> {
      r.getSpec().replicas = 7;
      return r;
    });
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("echo").get().getSpec()
        .getReplicas() == 7);
  }

  @Test
  void aPausedClusterIsReportedButNotChangedUntilTheAnnotationGoes() {
    create("papa", spec -> spec.replicas = 3);
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("papa").get() != null);
    // read, change, write, again on a 409: the operator writes status meanwhile
    editSpec("papa", r -> {
      r.getMetadata().getAnnotations().put(UserAnnotations.PAUSE_RECONCILE, "true");
      return r;
    });
    editSpec("papa", r -> {
      r.getSpec().replicas = 5;
      return r;
    });
    long generation = client.resources(CowsqlCluster.class).inNamespace(NS).withName("papa").get().getMetadata()
        .getGeneration();
    // A pass on the new spec wrote this status after the point where it would have resized the StatefulSet.
    CowsqlClusterStatus paused = awaitStatus("papa", st -> Long.valueOf(generation).equals(st.observedGeneration)
        && st.condition("Progressing").map(x -> "ReconcilePaused".equals(x.getReason())).orElse(false));
    assertThat(condition(paused, "Progressing").getStatus()).isEqualTo("False");
    assertThat(condition(paused, "Progressing").getMessage())
        .contains("kubectl annotate -n " + NS + " cowsqlcluster/papa cowsql.io/pause-reconcile-");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("papa").get().getSpec().getReplicas())
        .isEqualTo(3);
    await().atMost(WAIT).until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> "papa".equals(e.getInvolvedObject().getName()) && "ReconcilePaused".equals(e.getReason())));

    editSpec("papa", r -> {
      r.getMetadata().getAnnotations().remove(UserAnnotations.PAUSE_RECONCILE);
      return r;
    });
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName("papa").get().getSpec()
        .getReplicas() == 5);
  }

  @Test
  void aFailedPassSaysSoOnReadyAndTheRetryRecovers() {
    // the API server refuses the first two creations of the cluster's ServiceAccount
    server.expect().post().withPath("/api/v1/namespaces/broken/serviceaccounts")
        .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withStatus("Failure").withReason("Forbidden")
            .withCode(403).withMessage("serviceaccounts is forbidden: quota exceeded (test)").build())
        .times(2);
    CowsqlCluster c = new CowsqlCluster();
    c.setMetadata(new ObjectMetaBuilder().withName("hotel").withNamespace("broken").build());
    c.setSpec(new CowsqlClusterSpec());
    client.resources(CowsqlCluster.class).inNamespace("broken").resource(c).create();

    AtomicReference<Condition> failed = new AtomicReference<>();
    await().atMost(WAIT).until(() -> {
      CowsqlCluster r = client.resources(CowsqlCluster.class).inNamespace("broken").withName("hotel").get();
      StatusAggregator.find(r.getStatus(), "Ready").filter(x -> "ReconcileError".equals(x.getReason()))
          .ifPresent(failed::set);
      return failed.get() != null;
    });
    assertThat(failed.get().getStatus()).isEqualTo("False");
    assertThat(failed.get().getMessage()).startsWith("Reconcile failed, retrying with backoff: ")
        .contains("quota exceeded (test)");
    await().atMost(WAIT).until(() -> client.v1().events().inNamespace("broken").list().getItems().stream()
        .anyMatch(e -> "hotel".equals(e.getInvolvedObject().getName()) && "ReconcileError".equals(e.getReason())
            && "Warning".equals(e.getType())));

    // the third attempt goes through: every dependent is there and Ready says what the cluster is waiting for
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace("broken").withName("hotel").get() != null);
    CowsqlCluster recovered = await().atMost(WAIT).until(
        () -> client.resources(CowsqlCluster.class).inNamespace("broken").withName("hotel").get(),
        r -> StatusAggregator.find(r.getStatus(), "Ready").map(x -> "NodesNotReady".equals(x.getReason())).orElse(false));
    assertThat(recovered.getStatus().phase).isEqualTo("Creating");
    assertThat(client.serviceAccounts().inNamespace("broken").withName("hotel").get()).isNotNull();
  }

  @Test
  void examplesApplyAndGetTheirStatefulSets() throws java.io.IOException {
    for (String file : List.of("cluster.yaml", "cluster-5-zones.yaml")) {
      CowsqlCluster c = client.getKubernetesSerialization().unmarshal(
          java.nio.file.Files.readString(java.nio.file.Path.of("../examples", file)), CowsqlCluster.class);
      client.resources(CowsqlCluster.class).inNamespace("examples").resource(c).create();
      StatefulSet sts = await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace("examples")
          .withName(c.getMetadata().getName()).get(), s -> s != null);
      assertThat(sts.getSpec().getReplicas()).as(file).isEqualTo(c.getSpec().replicas);
      assertThat(sts.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
          .satisfies(t -> assertThat(t.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule"));
    }
  }

  @Test
  void reconcilingAgainWritesNothing() throws InterruptedException {
    create("foxtrot", spec -> { });
    awaitStatus("foxtrot", s -> s.phase != null);
    // let the first passes settle, then take a snapshot of every resourceVersion
    Thread.sleep(1500);
    Map<String, String> before = versions("foxtrot");
    // resync-busy is 1s in tests: several full passes happen while we wait
    Thread.sleep(3500);
    assertThat(versions("foxtrot")).isEqualTo(before);
  }

  private Map<String, String> versions(String name) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("cluster", client.resources(CowsqlCluster.class).inNamespace(NS).withName(name).get().getMetadata()
        .getResourceVersion());
    v.put("sts", client.apps().statefulSets().inNamespace(NS).withName(name).get().getMetadata().getResourceVersion());
    v.put("peers", client.services().inNamespace(NS).withName(name + "-peers").get().getMetadata().getResourceVersion());
    v.put("client", client.services().inNamespace(NS).withName(name).get().getMetadata().getResourceVersion());
    v.put("config", client.configMaps().inNamespace(NS).withName(name + "-config").get().getMetadata()
        .getResourceVersion());
    v.put("sa", client.serviceAccounts().inNamespace(NS).withName(name).get().getMetadata().getResourceVersion());
    v.put("pdb", client.resources(PodDisruptionBudget.class).inNamespace(NS).withName(name).get().getMetadata()
        .getResourceVersion());
    return v;
  }

  private void editSpec(String name, java.util.function.UnaryOperator<CowsqlCluster> change) {
    new ClusterEdits(client, NS, WAIT).editSpec(name, change);
  }

  private CowsqlCluster create(String name, java.util.function.Consumer<CowsqlClusterSpec> customize) {
    CowsqlCluster c = new CowsqlCluster();
    c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    c.setSpec(new CowsqlClusterSpec());
    customize.accept(c.getSpec());
    return client.resources(CowsqlCluster.class).inNamespace(NS).resource(c).create();
  }

  private void createPod(CowsqlCluster c, int ordinal, String node, boolean ready) {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(ClusterNames.pod(c, ordinal)).withNamespace(NS).withLabels(ClusterNames.labels(c))
        .endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("cowsql").withImage("x").endContainer().endSpec()
        .withNewStatus().withPodIP(node == null ? null : "198.18.1." + (ordinal + 1)).endStatus()
        .build();
    client.pods().inNamespace(NS).resource(pod).create();
    if (ready) {
      markReady(pod.getMetadata().getName());
    }
  }

  /** Like the kubelet: the operator may be annotating the pod at the same moment, so retry on conflicts. */
  private void markReady(String pod) {
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      client.pods().inNamespace(NS).withName(pod).editStatus(p -> new PodBuilder(p).editStatus()
          .withPodIP(p.getStatus().getPodIP() == null ? "198.18.1.1" : p.getStatus().getPodIP())
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
      return true;
    });
  }

  private Pod awaitPod(String name, java.util.function.Predicate<Pod> test) {
    AtomicReference<Pod> last = new AtomicReference<>();
    await().atMost(WAIT).until(() -> {
      last.set(client.pods().inNamespace(NS).withName(name).get());
      return last.get() != null && test.test(last.get());
    });
    return last.get();
  }

  private CowsqlClusterStatus awaitStatus(String name, java.util.function.Predicate<CowsqlClusterStatus> test) {
    return new ClusterEdits(client, NS, WAIT).awaitStatus(name, test);
  }

  private static Condition condition(CowsqlClusterStatus s, String type) {
    return StatusAggregator.find(s, type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static void assertOwned(HasMetadata resource, String uid) {
    assertThat(resource.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo(uid);
      assertThat(o.getKind()).isEqualTo("CowsqlCluster");
      assertThat(o.getController()).isTrue();
    });
    assertThat(resource.getMetadata().getLabels()).containsEntry(ClusterNames.LABEL_MANAGED_BY, "cowsql-operator");
  }
}
