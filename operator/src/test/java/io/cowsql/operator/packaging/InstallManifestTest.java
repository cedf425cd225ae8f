package io.cowsql.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.SpecValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plain-kubectl install path: {@code kubectl apply -f crds/} then {@code kubectl apply -f deploy/operator.yaml},
 * a manifest rendered from the chart (namespace cowsql-system, cluster-wide watch). It must equal a fresh render;
 * regenerate with {@code mvn -pl operator test -Dtest=InstallManifestTest -Dcowsql.updateManifests=true}.
 * The examples must be valid CowsqlClusters.
 */
class InstallManifestTest {
  static final Path MANIFEST = HelmChartTest.REPO.resolve("deploy/operator.yaml");
  static final String NAMESPACE = "cowsql-system";

  static String expectedManifest() {
    String header = """
        # Generated from helm/cowsql-operator (release cowsql-operator, namespace cowsql-system, default values).
        # Install: kubectl apply -f crds/ && kubectl apply -f deploy/operator.yaml
        # Regenerate: mvn -pl operator test -Dtest=InstallManifestTest -Dcowsql.updateManifests=true
        apiVersion: v1
        kind: Namespace
        metadata:
          name: cowsql-system
        """;
    String body = new Helm(HelmChartTest.CHART).template().withName("cowsql-operator").withNamespace(NAMESPACE).call();
    return header + (body.startsWith("---") ? "" : "---\n") + body;
  }

  @Test
  void installManifestIsTheRenderedChart() throws IOException {
    String expected = expectedManifest();
    if (Boolean.getBoolean("cowsql.updateManifests")) {
      Files.createDirectories(MANIFEST.getParent());
      Files.writeString(MANIFEST, expected);
    }
    assertThat(MANIFEST).exists();
    assertThat(Files.readString(MANIFEST)).as(MANIFEST + " is stale; see the class comment to regenerate")
        .isEqualTo(expected);
    List<HasMetadata> objects = HelmChartTest.render(expected);
    assertThat(HelmChartTest.one(objects, Namespace.class).getMetadata().getName()).isEqualTo(NAMESPACE);
    assertThat(HelmChartTest.one(objects, Deployment.class).getMetadata().getNamespace()).isEqualTo(NAMESPACE);
  }

  @Test
  void examplesAreValidClusters() throws IOException {
    for (String name : List.of("cluster.yaml", "cluster-5-zones.yaml")) {
      CowsqlCluster c = HelmChartTest.SERIALIZATION.unmarshal(
          Files.readString(HelmChartTest.REPO.resolve("examples").resolve(name)), CowsqlCluster.class);
      assertThat(SpecValidator.validate(c.getSpec())).as(name).isEmpty();
      assertThat(c.getSpec().failureDomains.spreading.name()).as(name).isEqualTo("Required");
    }
  }
}
