package io.cowsql.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart: strict lint, and what it renders in both watch scopes (helm-java, Helm's own engine). */
class HelmChartTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path CHART = REPO.resolve("helm/cowsql-operator");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Every (apiGroup, resource) -> verbs the operator uses (dependents, pod annotations, claims, status). */
  static final Map<String, List<String>> NEEDED = Map.of(
      "cowsql.io/cowsqlclusters", List.of("get", "list", "watch"),
      "cowsql.io/cowsqlclusters/status", List.of("patch", "update"),
      "apps/statefulsets", List.of("get", "list", "watch", "create", "update", "patch", "delete"),
      "/services", List.of("get", "list", "watch", "create", "update", "patch", "delete"),
      "/configmaps", List.of("get", "list", "watch", "create", "update", "patch", "delete"),
      "/serviceaccounts", List.of("get", "list", "watch", "create", "update", "patch", "delete"),
      // policy/v1 or policy/v1beta1, whichever the server serves: RBAC rules name no version
      "policy/poddisruptionbudgets", List.of("get", "list", "watch", "create", "update", "patch", "delete"),
      "/pods", List.of("get", "list", "watch", "patch", "delete"),
      "/persistentvolumeclaims", List.of("get", "list", "watch", "patch", "delete"),
      "/events", List.of("create"));

  @Test
  void lintStrictPasses() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void clusterScopeRendersDeploymentRbacAndMetricsService() {
    List<HasMetadata> objects = render(new Helm(CHART).template().withName("cowsql").withNamespace("cowsql-system")
        .call());
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("cowsql-system");
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("cowsql-cowsql-operator");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    Container operator = pod.getContainers().get(0);
    assertThat(operator.getImage()).isEqualTo("ghcr.io/cowsql/cowsql-operator:0.1.0");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(env(operator)).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "JOSDK_ALL_NAMESPACES")
        .containsEntry("COWSQL_OPERATOR_NODE_IMAGE", "ghcr.io/cowsql/cowsql-node:0.1.0")
        .containsEntry("QUARKUS_HTTP_HOST", "$(POD_IP)");
    assertThat(operator.getEnv().get(0).getName()).isEqualTo("POD_IP");

    assertThat(one(objects, ServiceAccount.class).getMetadata().getName()).isEqualTo("cowsql-cowsql-operator");
    Service metrics = one(objects, Service.class);
    assertThat(metrics.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(9090));

    List<ClusterRole> clusterRoles = all(objects, ClusterRole.class);
    assertThat(clusterRoles).extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("cowsql-cowsql-operator", "cowsql-cowsql-operator-nodes");
    assertThat(all(objects, ClusterRoleBinding.class)).hasSize(2).allSatisfy(b -> assertThat(b.getSubjects())
        .singleElement().satisfies(s -> assertThat(s.getNamespace()).isEqualTo("cowsql-system")));
    ClusterRole main = clusterRoles.stream().filter(r -> r.getMetadata().getName().equals("cowsql-cowsql-operator"))
        .findFirst().orElseThrow();
    assertCovers(main.getRules());
    ClusterRole nodes = clusterRoles.stream().filter(r -> r.getMetadata().getName().endsWith("-nodes"))
        .findFirst().orElseThrow();
    assertThat(nodes.getRules()).singleElement().satisfies(r -> {
      assertThat(r.getResources()).containsExactly("nodes");
      assertThat(r.getVerbs()).containsExactly("list", "watch"); // the Node informer, cluster-wide
    });
    assertThat(all(objects, Role.class)).isEmpty();
  }

  @Test
  void namespacesScopeRendersARolePerNamespace(@TempDir Path tmp) throws Exception {
    Path values = tmp.resolve("values.yaml");
    Files.writeString(values, "watch:\n  scope: namespaces\n  namespaces: [team-a, team-b]\n");
    List<HasMetadata> objects = render(new Helm(CHART).template().withName("cowsql").withNamespace("ops")
        .withValuesFile(values).call());
    assertThat(all(objects, Role.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    all(objects, Role.class).forEach(r -> assertCovers(r.getRules()));
    assertThat(all(objects, RoleBinding.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(all(objects, ClusterRole.class)).extracting(r -> r.getMetadata().getName())
        .containsExactly("cowsql-cowsql-operator-nodes");
    assertThat(env(one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b");

    List<HasMetadata> own = render(new Helm(CHART).template().withName("cowsql").withNamespace("ops")
        .set("watch.scope", "namespaces").call());
    assertThat(all(own, Role.class)).extracting(r -> r.getMetadata().getNamespace()).containsExactly("ops");
  }

  @Test
  void valuesSchemaRejectsUnknownScope() {
    assertThatThrownBy(() -> new Helm(CHART).template().withName("cowsql").set("watch.scope", "everything").call())
        .hasMessageContaining("/watch/scope").hasMessageContaining("must be one of");
  }

  @Test
  void crdShipsWithTheChart() throws Exception {
    String rendered = Files.readString(CHART.resolve("crds/cowsqlclusters.cowsql.io-v1.yml"));
    assertThat(rendered).contains("kind: \"CustomResourceDefinition\"", "name: \"cowsqlclusters.cowsql.io\"");
  }

  static void assertCovers(List<PolicyRule> rules) {
    NEEDED.forEach((groupResource, verbs) -> {
      int slash = groupResource.indexOf('/');
      String group = groupResource.substring(0, slash);
      String resource = groupResource.substring(slash + 1);
      List<String> granted = new ArrayList<>();
      for (PolicyRule r : rules) {
        if (r.getApiGroups().contains(group) && r.getResources().contains(resource)) {
          granted.addAll(r.getVerbs());
        }
      }
      assertThat(granted).as(groupResource).containsAll(verbs).doesNotContain("*");
    });
    assertThat(rules).allSatisfy(r -> {
      assertThat(r.getResources()).doesNotContain("*", "secrets");
      assertThat(r.getApiGroups()).doesNotContain("*");
    });
  }

  static Map<String, String> env(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static List<HasMetadata> render(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
      }
    }
    return out;
  }

  static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T> T one(List<HasMetadata> objects, Class<T> type) {
    assertThat(all(objects, type)).as(type.getSimpleName()).hasSize(1);
    return all(objects, type).get(0);
  }
}
