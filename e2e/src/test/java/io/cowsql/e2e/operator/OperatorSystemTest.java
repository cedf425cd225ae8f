package io.cowsql.e2e.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cowsql.e2e.testbed.ImageTable;
import io.cowsql.e2e.testbed.Testbed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5 on the real Kubernetes 1.20 testbed: the operator installed the plain-kubectl way
 * ({@code crds/} then {@code deploy/operator.yaml}, the Helm chart rendered) runs as a pod with the chart's
 * ServiceAccount and RBAC; {@code examples/cluster.yaml} becomes a Ready 3-node cluster over three zones; scale
 * to 5 through the scale subresource; a shrink is refused; the leader's loss shows in status within 10 s;
 * deleting the resource removes everything it owned. Needs {@code mvn -pl operator package} first (the reactor
 * build does it: the operator module comes before e2e).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorSystemTest {
  static final Path REPO = repositoryRoot();
  static final Path OPERATOR_JAR = REPO.resolve("operator/target/quarkus-app/quarkus-run.jar");
  static final String NS = "demo";
  static final String OPERATOR_NS = "cowsql-system";
  static final String SA = "system:serviceaccount:cowsql-system:cowsql-operator";

  static Testbed tb;
  static KubernetesClient c;

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

  @BeforeAll
  static void up() throws IOException {
    assumeFalse(Boolean.getBoolean("skipSystemTests"), "system tests skipped by -DskipSystemTests=true");
    assumeTrue(Files.exists(OPERATOR_JAR), "build the operator first: mvn -pl operator -am package -DskipTests");
    ImageTable images = ImageTable.defaults();
    images.put("ghcr.io/cowsql/cowsql-operator", ImageTable.ImageCommand.of(ImageTable.javaExecutable(), "-jar",
        OPERATOR_JAR.toString()));
    Path work = Path.of(System.getProperty("cowsql.e2e.workDir", "target/testbed")).resolve("operator");
    tb = Testbed.start(Testbed.Options.defaults(work, Path.of(System.getProperty("cowsql.e2e.scriptsDir", "scripts")))
        .withImages(images));
    c = tb.client();
  }

  @AfterAll
  static void down() {
    if (tb != null) {
      tb.close();
    }
  }

  static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> clusters() {
    return c.genericKubernetesResources("cowsql.io/v1alpha1", "CowsqlCluster").inNamespace(NS);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(String name) {
    GenericKubernetesResource r = clusters().withName(name).get();
    Object s = r == null ? null : r.getAdditionalProperties().get("status");
    return s == null ? Map.of() : (Map<String, Object>) s;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> status, String key) {
    Object v = status.get(key);
    return v == null ? List.of() : (List<Map<String, Object>>) v;
  }

  static Map<String, Object> awaitStatus(String name, Duration timeout, Predicate<Map<String, Object>> test)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> last = Map.of();
    while (System.nanoTime() < deadline) {
      last = status(name);
      if (test.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("status of " + name + " never matched within " + timeout + "; last: " + last
        + "\n" + tb.describe(30));
  }

  static void apply(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      for (HasMetadata item : c.load(in).items()) {
        c.resource(item).serverSideApply();
      }
    }
  }

  static String kubectl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", tb.kubeconfig().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  @Test
  @Order(1)
  void operatorInstallsFromCrdsAndTheRenderedChart() throws Exception {
    for (Path crd : Files.list(REPO.resolve("crds")).filter(p -> p.toString().endsWith(".yml")).toList()) {
      apply(crd);
    }
    c.apiextensions().v1().customResourceDefinitions().withName("cowsqlclusters.cowsql.io")
        .waitUntilCondition(d -> d != null && d.getStatus() != null && d.getStatus().getConditions().stream()
            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    apply(REPO.resolve("deploy/operator.yaml"));
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
    clusters().resource(example).create();
    Map<String, Object> s = awaitStatus("example", Duration.ofMinutes(4),
        st -> "Running".equals(st.get("phase")) && Integer.valueOf(3).equals(st.get("readyReplicas")));
    assertThat((String) s.get("leader")).startsWith("example-");
    List<Map<String, Object>> members = list(s, "members");
    assertThat(members).hasSize(3);
    assertThat(members).extracting(m -> m.get("role")).containsOnly("voter");
    assertThat(members.stream().map(m -> m.get("zone")).collect(java.util.stream.Collectors.toSet())).hasSize(3);
    @SuppressWarnings("unchecked")
    Map<String, Object> codes = (Map<String, Object>) s.get("failureDomains");
    assertThat(codes).hasSize(3);
    for (Map<String, Object> m : members) {
      assertThat(((Number) m.get("failureDomain")).longValue()).isEqualTo(((Number) codes.get(m.get("zone"))).longValue());
    }
    String table = kubectl("get", "cowsqlclusters", "-n", NS);
    assertThat(table.lines().filter(l -> l.startsWith("NAME")).findFirst().orElseThrow())
        .contains("REPLICAS", "READY", "LEADER", "PHASE", "AGE");
    assertThat(table).contains("Running");
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
    kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=5");
    Map<String, Object> s = awaitStatus("example", Duration.ofMinutes(3), st -> Integer.valueOf(5)
        .equals(st.get("readyReplicas")) && list(st, "members").stream()
        .filter(m -> "voter".equals(m.get("role"))).map(m -> m.get("zone")).distinct().count() == 3
        && list(st, "members").stream().allMatch(m -> m.get("role") != null));
    assertThat(list(s, "members")).hasSize(5);
  }

  @Test
  @Order(5)
  void shrinkIsRefusedAndNothingIsRemoved() throws Exception {
    kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=3");
    Map<String, Object> s = awaitStatus("example", Duration.ofSeconds(60), st -> list(st, "conditions").stream()
        .anyMatch(x -> "Progressing".equals(x.get("type")) && "ScaleDownRefused".equals(x.get("reason"))));
    assertThat(s.get("readyReplicas")).isEqualTo(5);
    assertThat(c.apps().statefulSets().inNamespace(NS).withName("example").get().getSpec().getReplicas()).isEqualTo(5);
    kubectl("scale", "-n", NS, "cowsqlcluster/example", "--replicas=5");
    awaitStatus("example", Duration.ofSeconds(60), st -> list(st, "conditions").stream()
        .noneMatch(x -> "ScaleDownRefused".equals(x.get("reason"))));
  }

  /** The role targets are live settings: the agents take them from their pod annotations, no pod restarts. */
  @Test
  @Order(6)
  void changingTheVoterTargetRestartsNoPod() throws Exception {
    Map<String, String> before = podIncarnations();
    assertThat(before).hasSize(5);
    kubectl("patch", "-n", NS, "cowsqlcluster/example", "--type=merge", "-p", "{\"spec\":{\"roles\":{\"voters\":5}}}");
    awaitStatus("example", Duration.ofMinutes(2), st -> voters(st) == 5 && Integer.valueOf(5).equals(st.get("readyReplicas")));
    assertThat(podIncarnations()).as("pod UIDs, start times and restart counts").isEqualTo(before);
    kubectl("patch", "-n", NS, "cowsqlcluster/example", "--type=merge", "-p", "{\"spec\":{\"roles\":{\"voters\":3}}}");
    awaitStatus("example", Duration.ofMinutes(2), st -> voters(st) == 3 && Integer.valueOf(5).equals(st.get("readyReplicas")));
    assertThat(podIncarnations()).isEqualTo(before);
  }

  static long voters(Map<String, Object> status) {
    return list(status, "members").stream().filter(m -> "voter".equals(m.get("role"))).count();
  }

  /** pod name -> its UID, start time, and each container's start time and restart count. */
  static Map<String, String> podIncarnations() {
    Map<String, String> m = new java.util.TreeMap<>();
    for (Pod p : c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", "example").list().getItems()) {
      StringBuilder sb = new StringBuilder(p.getMetadata().getUid()).append(' ').append(p.getStatus().getStartTime());
      p.getStatus().getContainerStatuses().forEach(cs -> sb.append(' ').append(cs.getRestartCount()).append('@')
          .append(cs.getState().getRunning() == null ? "not-running" : cs.getState().getRunning().getStartedAt()));
      m.put(p.getMetadata().getName(), sb.toString());
    }
    return m;
  }

  @Test
  @Order(7)
  void leaderLossShowsInStatusWithinTenSecondsAndTheKeyValueApiKeepsAnswering() throws Exception {
    String leader = (String) status("example").get("leader");
    assertThat(leader).isNotBlank();
    String follower = list(status("example"), "members").stream().map(m -> (String) m.get("pod"))
        .filter(p -> !p.equals(leader)).findFirst().orElseThrow();
    String api = "http://" + c.pods().inNamespace(NS).withName(follower).get().getStatus().getPodIP() + ":8080/";
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "before-failover"))
        .timeout(Duration.ofSeconds(10)).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v1")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    long t0 = System.nanoTime();
    c.pods().inNamespace(NS).withName(leader).delete();
    Map<String, Object> s = awaitStatus("example", Duration.ofSeconds(30),
        st -> st.get("leader") != null && !leader.equals(st.get("leader")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).as("new leader " + s.get("leader") + " after " + ms + " ms").isLessThan(10_000);

    // the surviving nodes still read what was written and take new writes
    var get = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "before-failover"))
        .timeout(Duration.ofSeconds(10)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body().trim()).isEqualTo("v1");
    assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "after-failover"))
        .timeout(Duration.ofSeconds(10)).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("v2")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(8)
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
  @Order(9)
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
}
