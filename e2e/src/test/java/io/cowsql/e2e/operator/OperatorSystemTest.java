package io.cowsql.e2e.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.e2e.testbed.ImageTable;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.e2e.testbed.TestbedFixture;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator on the real Kubernetes 1.20 testbed, installed the plain-kubectl way
 * ({@code crds/} then {@code deploy/operator.yaml}, the Helm chart rendered) runs as a pod with the chart's
 * ServiceAccount and RBAC; {@code examples/cluster.yaml} becomes a Ready 3-node cluster over three zones; scale
 * to 5 through the scale subresource; a shrink below the voter target is refused; 5 -> 3 under writes and back; the leader's loss shows in status (a new leader);
 * deleting the resource removes everything it owned. Needs the operator built ({@code
 * operator/target/quarkus-app}); e2e depends on the operator module, so the reactor builds it first, and without
 * it the tests fail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SystemTier
class OperatorSystemTest {
  static final Path REPO = repositoryRoot();
  static final Path OPERATOR_JAR = REPO.resolve("operator/target/quarkus-app/quarkus-run.jar");
  static final String NS = "demo";
  static final String OPERATOR_NS = "cowsql-system";
  static final String SA = "system:serviceaccount:cowsql-system:cowsql-operator";
  static final Duration HEALTH_GRACE = Duration.ofSeconds(45);

  static Testbed tb;
  static KubernetesClient c;
  static CowsqlClusterApi api;

  /** The checkout: the first directory up from e2e's scripts dir (or the working dir) holding crds/ and deploy/. */
  static Path repositoryRoot() {
    Path p = Path.of(System.getProperty("cowsql.e2e.scriptsDir", "scripts")).toAbsolutePath();
    for (Path d = p; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("crds")) && Files.isDirectory(d.resolve("deploy"))) {
        return d;
      }
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("crds")) && Files.isDirectory(d.resolve("deploy"))) {
        return d;
      }
    }
    throw new IllegalStateException("cannot find the repository root (crds/ and deploy/) from " + p);
  }

  /** The operator's image runs this build's operator jar; a missing jar fails the tests, never a silent skip. */
  static ImageTable operatorImages() {
    // The reactor builds the operator before e2e (e2e depends on it).
    assertThat(OPERATOR_JAR).as("the operator's jar: build it first, mvn -pl operator -am package -DskipTests").exists();
    ImageTable images = ImageTable.defaults();
    images.put("ghcr.io/cowsql/cowsql-operator", ImageTable.ImageCommand.of(ImageTable.javaExecutable(), "-jar",
        OPERATOR_JAR.toString()));
    return images;
  }

  @RegisterExtension
  static final TestbedFixture TESTBED = TestbedFixture.withOptions(o -> o.withImages(operatorImages()))
      .inSubdirectory("operator");

  @BeforeAll
  static void up() {
    tb = TESTBED.testbed();
    c = tb.client();
    api = new CowsqlClusterApi(tb, NS);
  }

  static NonNamespaceOperation<CowsqlCluster, io.fabric8.kubernetes.api.model.KubernetesResourceList<CowsqlCluster>,
      Resource<CowsqlCluster>> clusters() {
    return api.clusters();
  }

  /**
   * The resources untyped, for what the typed model cannot show: a manifest created exactly as written (no
   * default filled in by the client) and the fields the API server stored (an unknown one would be dropped by the
   * model, not by the API server).
   */
  static NonNamespaceOperation<GenericKubernetesResource, io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> rawClusters() {
    return c.genericKubernetesResources(CowsqlCluster.GROUP + "/" + CowsqlCluster.VERSION, CowsqlCluster.KIND)
        .inNamespace(NS);
  }

  /** The cluster's status as the operator last wrote it; an empty one while there is none. */
  static CowsqlClusterStatus status(String name) {
    return api.status(name);
  }

  static CowsqlClusterStatus awaitStatus(String name, Duration timeout, Predicate<CowsqlClusterStatus> test)
      throws InterruptedException {
    return api.awaitStatus(name, timeout, test);
  }

  /** Statuses of a cluster sampled every 300 ms in the background, to check rules that must hold at every moment. */
  static final class StatusSampler implements AutoCloseable {
    final List<CowsqlClusterStatus> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    StatusSampler(String name) {
      thread = new Thread(() -> {
        while (running) {
          try {
            CowsqlClusterStatus st = status(name);
            if (st.phase != null) { // the operator has written a status
              samples.add(st);
            }
            Thread.sleep(300);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            // the API answered nothing this time; the next sample counts
          }
        }
      }, "status-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(5000);
    }
  }

  /** The condition of a type; an empty one (no status, no reason) when the status has none. */
  static Condition condition(CowsqlClusterStatus status, String type) {
    return CowsqlClusterApi.condition(status, type);
  }

  /** The phase rule, as the operator documents it, checked on every sample. */
  static void assertPhaseFollowsTheConditions(List<CowsqlClusterStatus> samples) {
    assertThat(samples).isNotEmpty();
    for (CowsqlClusterStatus st : samples) {
      String phase = st.phase;
      boolean degraded = st.isTrue("Degraded");
      assertThat(phase.equals("Degraded")).as("phase %s with Degraded=%s in %s", phase,
          condition(st, "Degraded").getStatus(), c.getKubernetesSerialization().asJson(st)).isEqualTo(degraded);
      if (!degraded && st.isTrue("Ready")) {
        assertThat(phase).as("%s", c.getKubernetesSerialization().asJson(st)).isEqualTo("Running");
      }
    }
  }

  /** A client of the leader, found through {@code pod}'s node (names resolved as the testbed's pods resolve them). */
  static io.cowsql.client.CowsqlClient leaderClient(String pod) throws io.cowsql.client.CowsqlException {
    io.cowsql.client.ClientOptions opts = io.cowsql.client.ClientOptions.defaults()
        .withRetryTimeout(Duration.ofSeconds(20))
        .withResolver(io.cowsql.e2e.testbed.HostsFile.addressResolver(tb.kubelet().hostsFile()));
    String address = c.pods().inNamespace(NS).withName(pod).get().getStatus().getPodIP() + ":9000";
    return io.cowsql.client.CowsqlClient.findLeader(List.of(address), opts);
  }

  static long countRole(CowsqlClusterStatus status, String role) {
    return status.members.stream().filter(m -> role.equals(m.role)).count();
  }

  /** The operator's Events on a cluster. */
  static List<io.fabric8.kubernetes.api.model.Event> operatorEvents(String name) {
    return api.operatorEvents(name);
  }

  static java.net.http.HttpResponse<String> kv(String method, String pod, String key, String value) throws Exception {
    String api = "http://" + c.pods().inNamespace(NS).withName(pod).get().getStatus().getPodIP() + ":8080/" + key;
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api))
        .timeout(Duration.ofSeconds(15));
    b = value == null ? b.GET() : b.method(method, java.net.http.HttpRequest.BodyPublishers.ofString(value));
    return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  static void apply(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      for (HasMetadata item : c.load(in).items()) {
        c.resource(item).serverSideApply();
      }
    }
  }

  static CowsqlClusterApi.Kubectl kubectlMayFail(String... args) throws IOException, InterruptedException {
    return api.kubectlMayFail(args);
  }

  static String kubectl(String... args) throws IOException, InterruptedException {
    return api.kubectl(args);
  }

  @Test
  @Order(1)
  void operatorInstallsFromCrdsAndTheRenderedChart() throws Exception {
    for (Path crd : Files.list(REPO.resolve("crds")).filter(p -> p.toString().endsWith(".yml")).toList()) {
      apply(crd);
    }
    c.apiextensions().v1().customResourceDefinitions().withName("cowsqlclusters.cowsql.io")
        .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getConditions() != null
            && d.getStatus().getConditions().stream()
            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    // as shipped, but with a shorter readiness grace, so that the last test can outlast it
    try (InputStream in = Files.newInputStream(REPO.resolve("deploy/operator.yaml"))) {
      for (HasMetadata item : c.load(in).items()) {
        if (item instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
          d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
              .add(new io.fabric8.kubernetes.api.model.EnvVar("COWSQL_OPERATOR_HEALTH_GRACE", HEALTH_GRACE.toSeconds() + "s",
                  null));
        }
        c.resource(item).serverSideApply();
      }
    }
    c.apps().deployments().inNamespace(OPERATOR_NS).withName("cowsql-operator")
        .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null
            && d.getStatus().getReadyReplicas() == 1, 180, TimeUnit.SECONDS);
    Pod operator = c.pods().inNamespace(OPERATOR_NS).withLabel("app.kubernetes.io/name", "cowsql-operator").list()
        .getItems().get(0);
    assertThat(operator.getSpec().getServiceAccountName()).isEqualTo("cowsql-operator");
  }

  @Test
  @Order(2)
  void exampleClusterBecomesReadyOverThreeZones() throws Exception {
    c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    GenericKubernetesResource example = c.getKubernetesSerialization().unmarshal(
        Files.readString(REPO.resolve("examples/cluster.yaml")), GenericKubernetesResource.class);
    CowsqlClusterStatus s;
    try (StatusSampler creation = new StatusSampler("example")) {
      rawClusters().resource(example).create();
      s = awaitStatus("example", Duration.ofMinutes(4),
          st -> "Running".equals(st.phase) && Integer.valueOf(3).equals(st.readyReplicas)
              && "Reconciled".equals(condition(st, "Progressing").getReason()));
      creation.close();
      assertPhaseFollowsTheConditions(creation.samples);
      // nothing scales while a cluster is created
      assertThat(creation.samples).extracting(st -> condition(st, "Progressing").getReason()).doesNotContain("Scaling");
      assertThat(creation.samples).extracting(st -> st.phase).contains("Creating").doesNotContain("Degraded");
    }
    assertThat(s.leader).startsWith("example-");
    List<CowsqlClusterStatus.Member> members = s.members;
    assertThat(members).hasSize(3);
    assertThat(members).extracting(m -> m.role).containsOnly("voter");
    assertThat(members.stream().map(m -> m.zone).collect(java.util.stream.Collectors.toSet())).hasSize(3);
    Map<String, Long> codes = s.failureDomains;
    assertThat(codes).hasSize(3);
    for (CowsqlClusterStatus.Member m : members) {
      assertThat(m.failureDomain).isEqualTo(codes.get(m.zone));
    }
    // Kubernetes 1.20 serves PodDisruptionBudgets only as policy/v1beta1: the operator discovered it and wrote that.
    assertThat(c.supports(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)).isFalse();
    io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget pdb = c.policy().v1beta1().podDisruptionBudget()
        .inNamespace(NS).withName("example").get();
    assertThat(pdb).as("the policy/v1beta1 budget").isNotNull();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("CowsqlCluster");
      assertThat(o.getController()).isTrue();
      assertThat(o.getUid()).isEqualTo(clusters().withName("example").get().getMetadata().getUid());
    });
    String table = kubectl("get", "cowsqlclusters", "-n", NS);
    assertThat(table.lines().filter(l -> l.startsWith("NAME")).findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "REPLICAS", "READY", "UPDATED", "VOTERS", "STANDBYS", "LEADER", "PHASE", "REASON",
            "AGE");
    // UPDATED (status.rollout.updated) is blank until a rollout was decided, so only the columns before it and
    // the named values are checked by position.
    assertThat(table.lines().filter(l -> l.startsWith("example")).findFirst().orElseThrow().split("\\s+"))
        .startsWith("example", "3", "3").contains("Running", "ClusterReady");
    assertThat(s.clusterId).isEqualTo(NS + "/example");
    // node ids in hex, as the cowsql shell's .cluster prints them
    try (io.cowsql.client.CowsqlClient client = leaderClient("example-0")) {
      Map<String, String> hexByAddress = new java.util.TreeMap<>();
      client.cluster().forEach(n -> hexByAddress.put(n.address(), Long.toHexString(n.id())));
      for (CowsqlClusterStatus.Member m : members) {
        assertThat(m.nodeId).matches("[0-9a-f]+").isEqualTo(hexByAddress.get(m.address));
      }
    }
  }

  /** Server-side apply on 1.20 bumps resourceVersion for fields it defaults or prunes: the operator must not. */
  @Test
  @Order(3)
  void reconcilingASteadyClusterWritesNothing() throws Exception {
    Map<String, String> before = ownedVersions();
    Thread.sleep(25_000); // more than two resyncs of a ready cluster (10 s)
    assertThat(ownedVersions()).isEqualTo(before);
  }

  static Map<String, String> ownedVersions() {
    Map<String, String> v = new java.util.TreeMap<>();
    v.put("cluster", clusters().withName("example").get().getMetadata().getResourceVersion());
    v.put("statefulset", c.apps().statefulSets().inNamespace(NS).withName("example").get().getMetadata()
        .getResourceVersion());
    v.put("service", c.services().inNamespace(NS).withName("example").get().getMetadata().getResourceVersion());
    v.put("peers", c.services().inNamespace(NS).withName("example-peers").get().getMetadata().getResourceVersion());
    v.put("configmap", c.configMaps().inNamespace(NS).withName("example-config").get().getMetadata()
        .getResourceVersion());
    v.put("serviceaccount", c.serviceAccounts().inNamespace(NS).withName("example").get().getMetadata()
        .getResourceVersion());
    v.put("pdb", c.policy().v1beta1().podDisruptionBudget().inNamespace(NS).withName("example").get().getMetadata()
        .getResourceVersion());
    return v;
  }

  @Test
  @Order(4)
  void scaleToFiveKeepsVotersInThreeZones() throws Exception {
    CowsqlClusterStatus s;
    try (StatusSampler scaling = new StatusSampler("example")) {
      kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=5");
      s = awaitStatus("example", Duration.ofMinutes(3), st -> Integer.valueOf(5).equals(st.readyReplicas)
          && st.members.stream().filter(m -> "voter".equals(m.role)).map(m -> m.zone).distinct().count() == 3
          && st.members.stream().allMatch(m -> m.role != null) && "Running".equals(st.phase)
          && "Reconciled".equals(condition(st, "Progressing").getReason()));
      scaling.close();
      assertPhaseFollowsTheConditions(scaling.samples);
      assertThat(scaling.samples).extracting(st -> st.phase).contains("Scaling").doesNotContain("Degraded");
    }
    assertThat(s.members).hasSize(5);
    assertThat(s.voters).isEqualTo(3);
    assertThat(s.standbys).isEqualTo(2);
    assertThat(condition(s, "Progressing").getReason()).isEqualTo("Reconciled");
  }

  @Test
  @Order(5)
  void shrinkBelowTheVoterTargetIsRefusedAndNothingIsRemoved() throws Exception {
    kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=2");
    CowsqlClusterStatus s = awaitStatus("example", Duration.ofSeconds(60),
        st -> "ScaleDownRefused".equals(condition(st, "Progressing").getReason()));
    assertThat(s.readyReplicas).isEqualTo(5);
    assertThat(c.apps().statefulSets().inNamespace(NS).withName("example").get().getSpec().getReplicas()).isEqualTo(5);
    awaitStatus("example", Duration.ofSeconds(30), st -> "ScaleDownRefused".equals(condition(st, "Ready").getReason()));
    String row = kubectl("get", "cowsqlclusters", "-n", NS).lines().filter(l -> l.startsWith("example")).findFirst()
        .orElseThrow();
    assertThat(row.split("\\s+")).startsWith("example", "2", "5").contains("ScaleDownRefused");
    kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=5");
    awaitStatus("example", Duration.ofSeconds(60), st -> st.conditions.stream()
        .noneMatch(x -> "ScaleDownRefused".equals(x.getReason())));
  }

  /**
   * 5 -> 3 with writes running through the members that stay: the operator takes out the highest two one at a
   * time; no acknowledged write is lost, the voters never drop below three nor out of three zones, and with
   * whenScaled: Delete the removed members' claims go. Then back to 5 for the tests after this one: the claims are
   * gone, so the new pods join empty, as new nodes.
   */
  @Test
  @Order(6)
  void scaleDownToThreeLosesNoAcknowledgedWriteAndKeepsThreeVotersInThreeZones() throws Exception {
    kubectl("patch", "-n", NS, "cowsqlcluster/example", "--type", "merge", "-p",
        "{\"spec\":{\"storage\":{\"retention\":{\"whenScaled\":\"Delete\"}}}}");
    Map<String, String> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger unacknowledged = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      for (int i = 0; writing.get(); i++) {
        String key = "scale-down-" + i;
        try {
          java.net.http.HttpResponse<String> r = kv("PUT", "example-" + (i % 3), key, "v" + i);
          if (r.statusCode() == 200 && r.body().startsWith("done")) {
            acknowledged.put(key, "v" + i);
          } else {
            unacknowledged.incrementAndGet();
          }
        } catch (Exception e) {
          unacknowledged.incrementAndGet();
        }
      }
    }, "writer");
    CowsqlClusterStatus s;
    try (StatusSampler sampler = new StatusSampler("example")) {
      writer.start();
      kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=3");
      s = awaitStatus("example", Duration.ofMinutes(6), st -> st.scaleDown == null && Integer.valueOf(3).equals(st.replicas)
          && "Running".equals(st.phase) && "Reconciled".equals(condition(st, "Progressing").getReason()));
      sampler.close();
      writing.set(false);
      writer.join(30_000);
      assertThat(sampler.samples).extracting(st -> st.scaleDown == null ? "" : st.scaleDown.step)
          .doesNotContain("Refused");
      for (CowsqlClusterStatus st : sampler.samples) {
        List<CowsqlClusterStatus.Member> voters = st.members.stream().filter(m -> "voter".equals(m.role)).toList();
        assertThat(voters).as("voters in %s", c.getKubernetesSerialization().asJson(st)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(voters.stream().map(m -> m.zone).distinct().count()).as("zones of the voters in %s",
            c.getKubernetesSerialization().asJson(st)).isEqualTo(3);
      }
    }
    // each step is one Event (a step can last a single pass, shorter than the sampling interval)
    assertThat(operatorEvents("example")).filteredOn(e -> "ScaleDownStep".equals(e.getReason()))
        .extracting(e -> e.getMessage().substring(0, e.getMessage().indexOf(':')))
        .contains("MarkLeaving", "RemoveMember", "ShrinkStatefulSet", "DeleteClaim");
    // the leader lists exactly the three that stay
    try (io.cowsql.client.CowsqlClient client = leaderClient("example-0")) {
      assertThat(client.cluster()).extracting(n -> n.address().substring(0, n.address().indexOf('.')))
          .containsExactlyInAnyOrder("example-0", "example-1", "example-2");
    }
    assertThat(s.members).extracting(m -> m.pod).containsExactly("example-0", "example-1", "example-2");
    assertThat(s.members).extracting(m -> m.role).containsOnly("voter");
    assertThat(c.apps().statefulSets().inNamespace(NS).withName("example").get().getSpec().getReplicas()).isEqualTo(3);
    assertThat(c.persistentVolumeClaims().inNamespace(NS).list().getItems()).extracting(p -> p.getMetadata().getName())
        .contains("data-example-0", "data-example-1", "data-example-2")
        .doesNotContain("data-example-3", "data-example-4");
    assertThat(acknowledged).as("writes acknowledged during the scale-down (%s not)", unacknowledged.get()).isNotEmpty();
    for (Map.Entry<String, String> write : acknowledged.entrySet()) {
      assertThat(kv("GET", "example-0", write.getKey(), null).body().trim()).as(write.getKey())
          .isEqualTo(write.getValue());
    }
    System.out.printf("scale-down 5 -> 3: %d writes acknowledged, %d not%n", acknowledged.size(), unacknowledged.get());

    kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=5");
    CowsqlClusterStatus back = awaitStatus("example", Duration.ofMinutes(5), st -> "Running".equals(st.phase)
        && Integer.valueOf(5).equals(st.readyReplicas) && "Reconciled".equals(condition(st, "Progressing").getReason()));
    assertThat(back.voters).isEqualTo(3);
    assertThat(back.standbys).isEqualTo(2);
  }

  /** The role targets are live settings: the agents take them from their pod annotations, no pod restarts. */
  @Test
  @Order(7)
  void changingTheVoterTargetRestartsNoPod() throws Exception {
    Map<String, String> before = podIncarnations();
    assertThat(before).hasSize(5);
    kubectl("patch", "-n", NS, "cowsqlcluster/example", "--type=merge", "-p", "{\"spec\":{\"roles\":{\"voters\":5}}}");
    awaitStatus("example", Duration.ofMinutes(2), st -> countRole(st, "voter") == 5 && Integer.valueOf(5).equals(st.readyReplicas));
    assertThat(podIncarnations()).as("pod UIDs, start times and restart counts").isEqualTo(before);
    kubectl("patch", "-n", NS, "cowsqlcluster/example", "--type=merge", "-p", "{\"spec\":{\"roles\":{\"voters\":3}}}");
    awaitStatus("example", Duration.ofMinutes(2), st -> countRole(st, "voter") == 3 && Integer.valueOf(5).equals(st.readyReplicas));
    assertThat(podIncarnations()).isEqualTo(before);
  }

  /** pod name -> its UID, start time, and each container's start time and restart count. */
  static Map<String, String> podIncarnations() {
    return api.podIncarnations("example");
  }

  @Test
  @Order(8)
  void leaderLossShowsInStatusAndTheKeyValueApiKeepsAnswering() throws Exception {
    String leader = status("example").leader;
    assertThat(leader).isNotBlank();
    String follower = status("example").members.stream().map(m -> m.pod)
        .filter(p -> !p.equals(leader)).findFirst().orElseThrow();
    String api = "http://" + c.pods().inNamespace(NS).withName(follower).get().getStatus().getPodIP() + ":8080/";
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "before-failover"))
        .timeout(Duration.ofSeconds(10)).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v1")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    // How fast is a benchmark's question; the bounded wait only says the status follows at all.
    c.pods().inNamespace(NS).withName(leader).delete();
    CowsqlClusterStatus s = awaitStatus("example", Duration.ofSeconds(30),
        st -> st.leader != null && !leader.equals(st.leader));

    // the surviving nodes still read what was written and take new writes
    var get = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "before-failover"))
        .timeout(Duration.ofSeconds(10)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body().trim()).isEqualTo("v1");
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "after-failover"))
        .timeout(Duration.ofSeconds(10)).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v2")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    // one Event for this leader change, naming both
    String expected = "Leader changed from " + leader + " to " + s.leader;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (operatorEvents("example").stream().noneMatch(e -> expected.equals(e.getMessage())) && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(operatorEvents("example")).filteredOn(e -> expected.equals(e.getMessage())).hasSize(1)
        .allSatisfy(e -> assertThat(e.getReason()).isEqualTo("LeaderChanged"));
  }

  /**
   * Every Event the operator recorded so far, in the order it recorded them: no transition is recorded twice in a
   * row, and none is counted twice. (Counting by second would flag two real transitions with the same text, e.g.
   * Ready=True, then ScaleDownRefused, then Ready=True again within one second. A pass that re-recorded several
   * transitions at once would interleave them and escape this check; the unit tests of StatusTransitions cover
   * that the same two statuses give one list.)
   */
  @Test
  @Order(9)
  void noTransitionIsRecordedTwice() {
    List<io.fabric8.kubernetes.api.model.Event> events = new java.util.ArrayList<>(operatorEvents("example"));
    assertThat(events).extracting(io.fabric8.kubernetes.api.model.Event::getReason)
        .contains("ClusterReady", "LeaderChanged", "ScaleDownRefused");
    events.sort(java.util.Comparator.comparingLong(e -> Long.parseLong(e.getMetadata().getResourceVersion())));
    String previous = null;
    for (io.fabric8.kubernetes.api.model.Event e : events) {
      String text = e.getReason() + " " + e.getMessage();
      assertThat(text).as("the Event recorded before this one, at " + e.getLastTimestamp()).isNotEqualTo(previous);
      previous = text;
      assertThat(e.getCount()).as("times recorded: " + text).isIn(null, 1);
    }
  }

  @Test
  @Order(10)
  void aMembersNodeGoingNotReadyIsOneEventAndDegraded() throws Exception {
    String pod = status("example").members.get(1).pod;
    String node = c.pods().inNamespace(NS).withName(pod).get().getSpec().getNodeName();
    tb.kubelet().setNodeReady(node, false);
    try {
      CowsqlClusterStatus s = awaitStatus("example", Duration.ofSeconds(45),
          st -> "MemberNodeNotReady".equals(condition(st, "Degraded").getReason()));
      assertThat(s.phase).isEqualTo("Degraded");
      assertThat(condition(s, "Degraded").getMessage()).contains(pod + " on " + node);
      Thread.sleep(12_000); // more than a resync of a cluster that is not Ready: no second Event for it
      List<io.fabric8.kubernetes.api.model.Event> e = operatorEvents("example").stream()
          .filter(x -> "NodeNotReady".equals(x.getReason())).toList();
      assertThat(e).hasSize(1);
      assertThat(e.get(0).getType()).isEqualTo("Warning");
      assertThat(e.get(0).getMessage()).startsWith("Node " + node + " is NotReady").contains(pod);
    } finally {
      tb.kubelet().setNodeReady(node, true);
    }
    awaitStatus("example", Duration.ofSeconds(60), st -> "Running".equals(st.phase));
    assertThat(operatorEvents("example")).filteredOn(x -> "NodeReady".equals(x.getReason())).hasSize(1);
  }

  @Test
  @Order(11)
  void aQuorumLossShorterThanTheTimeoutWaitsSaysHowLongAndHealsByItself() throws Exception {
    CowsqlClusterStatus before = awaitStatus("example", Duration.ofSeconds(60),
        st -> "Running".equals(st.phase) && st.leader != null
            && "Reconciled".equals(condition(st, "Progressing").getReason()));
    List<String> voters = before.members.stream().filter(m -> "voter".equals(m.role)).map(m -> m.pod).toList();
    assertThat(voters).hasSize(3);
    Map<String, String> podUids = exampleUids(c.pods().inNamespace(NS).list().getItems());
    Map<String, String> claimUids = exampleUids(c.persistentVolumeClaims().inNamespace(NS).list().getItems());
    List<String> paused = voters.subList(0, 2);
    paused.forEach(p -> tb.kubelet().pause(NS, p));
    try {
      // the default spec.recovery: mode Manual, quorumLossTimeout 5m; paused for far less, nothing may happen
      CowsqlClusterStatus s = awaitStatus("example", Duration.ofSeconds(90), st -> st.isTrue("QuorumLost"));
      String message = condition(s, "QuorumLost").getMessage();
      assertThat(condition(s, "QuorumLost").getReason()).isEqualTo("Waiting");
      assertThat(message).contains(paused.get(0), paused.get(1), "1 of 3 answer, 2 needed",
          "recovery is considered after 5m, in ", "spec.recovery.mode Manual");
      assertThat(s.recovery.phase).hasToString("Waiting");
      assertThat(s.recovery.lost).extracting(m -> m.pod).containsExactlyInAnyOrderElementsOf(paused);
      assertThat(s.recovery.lost).allSatisfy(m -> assertThat(m.evidence).as("paused, volume intact").isNull());
      assertThat(s.phase).isEqualTo("Degraded");
      assertThat(condition(s, "Degraded").getReason()).isEqualTo("QuorumLost");
    } finally {
      paused.forEach(p -> tb.kubelet().resume(NS, p));
    }
    CowsqlClusterStatus back = awaitStatus("example", Duration.ofMinutes(2), st -> "Running".equals(st.phase));
    assertThat(condition(back, "QuorumLost").getStatus()).isEqualTo("False");
    assertThat(back.recovery == null || back.recovery.phase == null).as("the wait is over: " + back.recovery).isTrue();
    // nothing was fenced, restarted or replaced
    assertThat(exampleUids(c.pods().inNamespace(NS).list().getItems())).isEqualTo(podUids);
    assertThat(exampleUids(c.persistentVolumeClaims().inNamespace(NS).list().getItems())).isEqualTo(claimUids);
  }

  /** name -> uid of the objects of the cluster "example" (its pods example-N, its claims data-example-N). */
  private static Map<String, String> exampleUids(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
    Map<String, String> out = new java.util.TreeMap<>();
    objects.stream().filter(o -> o.getMetadata().getName().matches("(data-)?example-[0-9]+"))
        .forEach(o -> out.put(o.getMetadata().getName(), o.getMetadata().getUid()));
    return out;
  }

  /**
   * What 1.20 can validate: kubectl apply checks the manifest against the CRD's schema (published by the API server)
   * and refuses an unknown field; the API server itself has no unknown-field validation, so a patch with one is
   * accepted and the field is pruned (never stored).
   */
  @Test
  @Order(12)
  void kubectlApplyRefusesAnUnknownFieldAndAPatchedOneIsPruned() throws Exception {
    Path manifest = Files.createTempFile("unknown-field", ".yaml");
    try {
      Files.writeString(manifest, Files.readString(REPO.resolve("examples/cluster.yaml"))
          .replace("spec:\n", "spec:\n  replicaz: 7\n"));
      assertThat(Files.readString(manifest)).contains("replicaz");
      CowsqlClusterApi.Kubectl apply = kubectlMayFail("apply", "--dry-run=server", "-n", NS, "-f", manifest.toString());
      assertThat(apply.code()).as(apply.output()).isNotZero();
      assertThat(apply.output()).contains("replicaz");
    } finally {
      Files.delete(manifest);
    }
    CowsqlClusterApi.Kubectl patch = kubectlMayFail("patch", "-n", NS, "cowsqlcluster/example", "--type=merge", "-p",
        "{\"spec\":{\"replicaz\":7}}");
    assertThat(patch.code()).as(patch.output()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) rawClusters().withName("example").get().getAdditionalProperties()
        .get("spec");
    assertThat(spec).doesNotContainKey("replicaz").containsEntry("replicas", 5);
  }

  @Test
  @Order(13)
  void operatorIsNeverRefusedAndCannotReadSecrets() throws Exception {
    SubjectAccessReview review = c.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
        .withNewSpec().withUser(SA).withNewResourceAttributes().withNamespace(NS).withVerb("get")
        .withResource("secrets").endResourceAttributes().endSpec().build());
    assertThat(review.getStatus().getAllowed()).as("the operator may not read secrets").isFalse();
    Pod operator = c.pods().inNamespace(OPERATOR_NS).withLabel("app.kubernetes.io/name", "cowsql-operator").list()
        .getItems().get(0);
    String log = Files.readString(tb.kubelet().logFile(OPERATOR_NS, operator.getMetadata().getName(), "operator"));
    assertThat(log).doesNotContainIgnoringCase("forbidden");
  }

  @Test
  @Order(14)
  void deletingTheClusterRemovesWhatItOwned() throws Exception {
    clusters().withName("example").delete();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Set<String> left = new HashSet<>();
    while (System.nanoTime() < deadline) {
      left.clear();
      if (c.apps().statefulSets().inNamespace(NS).withName("example").get() != null) {
        left.add("statefulset");
      }
      if (c.services().inNamespace(NS).withName("example").get() != null) {
        left.add("service");
      }
      if (c.services().inNamespace(NS).withName("example-peers").get() != null) {
        left.add("peers service");
      }
      if (c.configMaps().inNamespace(NS).withName("example-config").get() != null) {
        left.add("configmap");
      }
      if (c.serviceAccounts().inNamespace(NS).withName("example").get() != null) {
        left.add("serviceaccount");
      }
      if (c.policy().v1beta1().podDisruptionBudget().inNamespace(NS).withName("example").get() != null) {
        left.add("pdb");
      }
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(left).as("objects left after deleting the cluster").isEmpty();
  }

  /** whenDeleted: Retain (the default) keeps the data; the same name in the same namespace adopts it. */
  @Test
  @Order(15)
  void applyingTheDeletedClusterAgainAdoptsItsRetainedData() throws Exception {
    awaitPodsGone("example");
    assertThat(c.persistentVolumeClaims().inNamespace(NS).list().getItems()).hasSize(5);
    CowsqlCluster again = c.getKubernetesSerialization().unmarshal(
        Files.readString(REPO.resolve("examples/cluster.yaml")), CowsqlCluster.class);
    again.getSpec().replicas = 5; // all five retained members come back
    clusters().resource(again).create();
    CowsqlClusterStatus s = awaitStatus("example", Duration.ofMinutes(4),
        st -> "Running".equals(st.phase) && Integer.valueOf(5).equals(st.readyReplicas));
    assertThat(s.clusterId).isEqualTo(NS + "/example");
    String pod = s.leader;
    var get = kv("GET", pod, "before-failover", null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body().trim()).isEqualTo("v1");
    assertThat(kv("GET", pod, "after-failover", null).body().trim()).isEqualTo("v2");
    for (Pod p : c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", "example").list().getItems()) {
      assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).as(p.getMetadata().getName()).isZero();
    }
  }

  /** One look at the operator's readiness endpoint: status code and body (code 0 when it did not answer). */
  record Readiness(long atMillis, int code, String body) {}

  /**
   * Every watch of the operator breaks when the API server goes away. While it is back within the grace, the
   * operator stays ready although its informers were not watching (the cause of the flapping: the SDK's check
   * said DOWN for every such moment); when the API server stays away longer than the grace, it goes DOWN, and UP
   * again once it is back.
   */
  @Test
  @Order(16)
  void operatorReadinessStaysUpAcrossWatchReconnectsAndGoesDownOnlyAfterTheGrace() throws Exception {
    Pod operator = c.pods().inNamespace(OPERATOR_NS).withLabel("app.kubernetes.io/name", "cowsql-operator").list()
        .getItems().get(0);
    java.net.URI ready = java.net.URI.create("http://" + operator.getStatus().getPodIP() + ":9090/q/health/ready");
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    List<Readiness> looks = new java.util.concurrent.CopyOnWriteArrayList<>();
    long t0 = System.currentTimeMillis();
    Thread poller = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        int code = 0;
        String body = "";
        try {
          var r = http.send(java.net.http.HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
          code = r.statusCode();
          body = r.body();
        } catch (java.io.IOException e) {
          body = e.toString();
        } catch (InterruptedException e) {
          return;
        }
        looks.add(new Readiness(System.currentTimeMillis() - t0, code, body));
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "readiness-poller");
    poller.setDaemon(true);
    poller.start();
    try {
      Thread.sleep(3000);
      assertThat(looks).isNotEmpty().allSatisfy(l -> assertThat(l.code()).as(l.body()).isEqualTo(200));

      // a short outage: every watch reconnects
      long shortFrom = System.currentTimeMillis() - t0;
      tb.controlPlane().restartApiServer(Duration.ZERO);
      long shortTo = System.currentTimeMillis() - t0;
      Thread.sleep(15_000);
      List<Readiness> around = looks.stream().filter(l -> l.atMillis() >= shortFrom).toList();
      assertThat(shortTo - shortFrom).as("API server away (ms)").isLessThan(HEALTH_GRACE.toMillis());
      assertThat(around).as("readiness across the reconnect").isNotEmpty()
          .allSatisfy(l -> assertThat(l.code()).as(l.atMillis() + " ms: " + l.body()).isEqualTo(200));
      assertThat(around).as("the informers were seen reconnecting while readiness stayed UP")
          .anySatisfy(l -> assertThat(l.body()).contains("reconnecting for"));

      // a long outage: down after the grace, up again once the API server is back
      long longFrom = System.currentTimeMillis() - t0;
      tb.controlPlane().restartApiServer(HEALTH_GRACE.plusSeconds(25));
      long longTo = System.currentTimeMillis() - t0;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline && looks.get(looks.size() - 1).code() != 200) {
        Thread.sleep(500);
      }
      List<Readiness> during = looks.stream().filter(l -> l.atMillis() >= longFrom && l.atMillis() <= longTo).toList();
      assertThat(during).as("readiness while the API server was away").anySatisfy(l -> {
        assertThat(l.code()).isEqualTo(503);
        assertThat(l.body()).contains("unhealthy for");
      });
      assertThat(during).filteredOn(l -> l.code() != 200)
          .allSatisfy(l -> assertThat(l.atMillis() - longFrom).as("DOWN before the grace ran out")
              .isGreaterThanOrEqualTo(HEALTH_GRACE.toMillis()));
      assertThat(looks.get(looks.size() - 1).code()).as("UP again after the API server came back").isEqualTo(200);
    } finally {
      poller.interrupt();
      poller.join(5000);
    }
  }

  /**
   * More replicas than voters + standbys: the extra node is a spare, a healthy member serving its role, so every
   * pod is Ready (the StatefulSet does not wait on it) and the cluster Running, with a warning that says what to
   * change; a roles change made afterwards (the spare becomes a standby) completes.
   */
  @Test
  @Order(17)
  void aSpareBeyondTheRoleTargetsIsReadyAndALaterRolesChangeCompletes() throws Exception {
    CowsqlCluster spares = c.getKubernetesSerialization().unmarshal("""
        apiVersion: cowsql.io/v1alpha1
        kind: CowsqlCluster
        metadata:
          name: spares
        spec:
          replicas: 3
          roles:
            voters: 1
            standbys: 1
          storage:
            size: 1Gi
        """, CowsqlCluster.class);
    createInNamespace(spares);
    try {
      CowsqlClusterStatus s = awaitStatus("spares", Duration.ofMinutes(4), st -> Integer.valueOf(3).equals(st.readyReplicas)
          && countRole(st, "voter") == 1 && countRole(st, "standby") == 1 && countRole(st, "spare") == 1
          && "Running".equals(st.phase));
      assertThat(s.members).hasSize(3).allSatisfy(m -> assertThat(m.ready).as(m.pod).isTrue());
      assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
      assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
      Condition warning = condition(s, "SpecWarning");
      assertThat(warning.getStatus()).isEqualTo("True");
      assertThat(warning.getMessage()).contains("Raise spec.roles.standbys to 2");

      kubectl("patch", "-n", NS, "cowsqlcluster/spares", "--type=merge", "-p", "{\"spec\":{\"roles\":{\"standbys\":2}}}");
      s = awaitStatus("spares", Duration.ofMinutes(2), st -> countRole(st, "standby") == 2 && countRole(st, "spare") == 0
          && Integer.valueOf(3).equals(st.readyReplicas) && "Reconciled".equals(condition(st, "Progressing").getReason()));
      assertThat(s.voters).isEqualTo(1);
      assertThat(s.condition("SpecWarning").map(Condition::getStatus).orElse("False")).isEqualTo("False");
    } finally {
      clusters().withName("spares").delete();
      awaitPodsGone("spares");
    }
  }

  /**
   * A node that is truly not a member (removed from the configuration behind the operator's back) is not Ready, and
   * status says why in its own words: the agent's {@code /readyz} reason, naming the leader and the node id in hex.
   */
  @Test
  @Order(18)
  void aNodeRemovedFromTheConfigurationIsNotReadyAndStatusSaysWhy() throws Exception {
    CowsqlCluster removed = c.getKubernetesSerialization().unmarshal("""
        apiVersion: cowsql.io/v1alpha1
        kind: CowsqlCluster
        metadata:
          name: removed
        spec:
          replicas: 2
          storage:
            size: 1Gi
        """, CowsqlCluster.class);
    createInNamespace(removed);
    try {
      CowsqlClusterStatus s = awaitStatus("removed", Duration.ofMinutes(4), st -> Integer.valueOf(2)
          .equals(st.readyReplicas) && countRole(st, "voter") == 1 && countRole(st, "spare") == 1
          && "Running".equals(st.phase));
      // Two members are one voter and a spare (a healthy member, Ready, serving its role).
      CowsqlClusterStatus.Member spare = s.members.stream().filter(m -> "spare".equals(m.role)).findFirst()
          .orElseThrow();
      assertThat(spare.notReadyReason).isNull();
      try (io.cowsql.client.CowsqlClient leader = leaderClient("removed-0")) {
        leader.remove(Long.parseUnsignedLong(spare.nodeId, 16));
        assertThat(leader.cluster()).extracting(n -> Long.toHexString(n.id())).doesNotContain(spare.nodeId);
      }
      CowsqlClusterStatus after = awaitStatus("removed", Duration.ofMinutes(2), st -> st.members.stream()
          .anyMatch(m -> m.pod.equals(spare.pod) && m.notReadyReason != null));
      CowsqlClusterStatus.Member out = after.members.stream().filter(m -> m.pod.equals(spare.pod)).findFirst()
          .orElseThrow();
      assertThat(out.ready).isFalse();
      assertThat(out.notReadyReason).startsWith("not a member of the configuration: leader ")
          .contains("does not list node " + spare.nodeId);
      assertThat(after.members).filteredOn(m -> !m.pod.equals(spare.pod))
          .allSatisfy(m -> assertThat(m.notReadyReason).as(m.pod).isNull());
    } finally {
      clusters().withName("removed").delete();
      awaitPodsGone("removed");
    }
  }

  /**
   * 3 -> 5 -> 3 -> 5 with whenScaled: Retain (the default): the members that come back find their old volumes, which
   * belong to members the scale-down removed from the configuration; they set that data aside (kept in the volume)
   * and join as new nodes. Every member then serves every key, the ones written while the two were out too, none of
   * them its stale data, and the leader's configuration no longer lists the removed ids.
   */
  @Test
  @Order(19)
  void membersReturningOntoRetainedVolumesJoinAsNewNodesAndServeNoStaleData() throws Exception {
    CowsqlCluster retained = c.getKubernetesSerialization().unmarshal("""
        apiVersion: cowsql.io/v1alpha1
        kind: CowsqlCluster
        metadata:
          name: retained
        spec:
          replicas: 3
          storage:
            size: 1Gi
        """, CowsqlCluster.class);
    createInNamespace(retained);
    try {
      awaitRetainedSettled(3);
      kubectl("scale", "-n", NS, "cowsqlcluster/retained", "--replicas=5");
      Map<String, String> idsAtFive = nodeIdsByPod(awaitRetainedSettled(5));
      assertThat(idsAtFive).containsOnlyKeys(RETAINED_PODS);
      assertThat(kv("PUT", "retained-0", "fruit", "apple").statusCode()).isEqualTo(200);

      kubectl("scale", "-n", NS, "cowsqlcluster/retained", "--replicas=3");
      awaitStatus("retained", Duration.ofMinutes(6), st -> st.scaleDown == null && Integer.valueOf(3).equals(st.replicas)
          && "Running".equals(st.phase) && "Reconciled".equals(condition(st, "Progressing").getReason()));
      assertThat(c.persistentVolumeClaims().inNamespace(NS).list().getItems()).extracting(x -> x.getMetadata().getName())
          .contains("data-retained-3", "data-retained-4");
      // written while the two are out: their old volumes have neither the new value nor the new key
      assertThat(kv("PUT", "retained-0", "fruit", "banana").statusCode()).isEqualTo(200);
      assertThat(kv("PUT", "retained-1", "vegetable", "leek").statusCode()).isEqualTo(200);

      kubectl("scale", "-n", NS, "cowsqlcluster/retained", "--replicas=5");
      CowsqlClusterStatus back = awaitRetainedSettled(5);
      Map<String, String> idsAfter = nodeIdsByPod(back);
      List<String> removedIds = List.of(idsAtFive.get("retained-3"), idsAtFive.get("retained-4"));
      for (String pod : List.of("retained-3", "retained-4")) {
        assertThat(idsAfter.get(pod)).as(pod + " joins as a new node").isNotNull().isNotIn(removedIds);
        String status = kv("GET", pod, "status", null).body();
        assertThat(status).as(pod + "'s /status names the data it set aside").contains("setAside")
            .contains("removed-" + idsAtFive.get(pod));
      }
      for (String pod : List.of("retained-0", "retained-1", "retained-2")) {
        assertThat(idsAfter.get(pod)).as(pod + " kept its id").isEqualTo(idsAtFive.get(pod));
      }
      for (String pod : RETAINED_PODS) {
        assertThat(kv("GET", pod, "fruit", null).body().trim()).as(pod + " serves the current value, not the stale one")
            .isEqualTo("banana");
        assertThat(kv("GET", pod, "vegetable", null).body().trim()).as(pod + " serves the key written while 3 and 4 were out")
            .isEqualTo("leek");
      }
      try (io.cowsql.client.CowsqlClient leader = leaderClient("retained-0")) {
        List<String> configuration = leader.cluster().stream().map(n -> Long.toHexString(n.id())).toList();
        assertThat(configuration).containsExactlyInAnyOrderElementsOf(idsAfter.values()).doesNotContainAnyElementsOf(
            removedIds);
      }
      assertThat(back.voters).isEqualTo(3);
    } finally {
      clusters().withName("retained").delete();
      awaitPodsGone("retained");
    }
  }

  private static final List<String> RETAINED_PODS = List.of("retained-0", "retained-1", "retained-2", "retained-3",
      "retained-4");

  /** The status once the retained cluster has {@code replicas} Ready members and nothing left to do. */
  private static CowsqlClusterStatus awaitRetainedSettled(int replicas) throws Exception {
    return awaitStatus("retained", Duration.ofMinutes(6), st -> Integer.valueOf(replicas).equals(st.readyReplicas)
        && st.members != null && st.members.size() == replicas && "Running".equals(st.phase)
        && "Reconciled".equals(condition(st, "Progressing").getReason()));
  }

  private static Map<String, String> nodeIdsByPod(CowsqlClusterStatus status) {
    Map<String, String> ids = new java.util.TreeMap<>();
    status.members.forEach(m -> ids.put(m.pod, m.nodeId));
    return ids;
  }

  /** Creates {@code cluster} in the test namespace, creating the namespace when the test runs alone. */
  static void createInNamespace(CowsqlCluster cluster) {
    if (c.namespaces().withName(NS).get() == null) {
      c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }
    clusters().resource(cluster).create();
  }

  static void awaitPodsGone(String instance) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", instance).list().getItems().isEmpty()) {
      assertThat(System.nanoTime()).as("pods of " + instance + " still there").isLessThan(deadline);
      Thread.sleep(500);
    }
  }
}
