package io.cowsql.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD generated from the model in this build (Fabric8 crd-generator, process-classes) must equal,
 * byte for byte, the copies checked in under crds/ and the Helm chart's crds/.
 */
class CrdUpToDateTest {
  static final String FILE = "cowsqlclusters.cowsql.io-v1.yml";
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8", FILE);
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void checkedInCrdMatchesTheModel() throws IOException {
    assertSame(REPO.resolve("crds").resolve(FILE));
  }

  @Test
  void chartCrdMatchesTheModel() throws IOException {
    assertSame(REPO.resolve("helm/cowsql-operator/crds").resolve(FILE));
  }

  @Test
  void crdHasScaleSubresourceAndPrinterColumns() throws IOException {
    String crd = Files.readString(GENERATED);
    assertThat(crd).contains("specReplicasPath: \".spec.replicas\"", "statusReplicasPath: \".status.replicas\"",
        "labelSelectorPath: \".status.selector\"", "status: {}");
    assertThat(crd).contains("- \"csql\"", "scope: \"Namespaced\"");
    // kubectl shows the columns in file order: the build step src/build/PrinterColumnOrder.java puts them in the
    // order CowsqlCluster declares them (the generator sorts them by JSON path)
    List<String> declared = Arrays.stream(CowsqlCluster.class.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    assertThat(declared).containsExactly("Replicas", "Ready", "Updated", "Voters", "Standbys", "Leader", "Phase", "Reason", "Age");
    assertThat(crd.lines().filter(l -> l.matches("^      name: \"[A-Za-z]+\"$")).map(l -> l.trim().substring(7, l.trim()
        .length() - 1)).toList()).isEqualTo(declared);
    assertThat(crd).contains(".status.conditions[?(@.type==\\\"Ready\\\")].reason");
  }

  /**
   * Unknown fields are pruned because the schema is structural and does not preserve them; stating
   * {@code x-kubernetes-preserve-unknown-fields: false} is refused by Kubernetes 1.20 ("must be true or undefined").
   */
  @Test
  void crdNeverStatesPreserveUnknownFieldsFalseWhich120Refuses() throws IOException {
    assertThat(Files.readString(GENERATED)).doesNotContain("x-kubernetes-preserve-unknown-fields: false")
        .doesNotContain("x-kubernetes-preserve-unknown-fields: true");
  }

  private static void assertSame(Path checkedIn) throws IOException {
    assertThat(GENERATED).as("generated CRD (run mvn -pl operator-api -am process-classes)").exists();
    assertThat(checkedIn).exists();
    assertThat(Files.readString(checkedIn))
        .as(checkedIn + " is stale: copy " + GENERATED.toAbsolutePath() + " over it")
        .isEqualTo(Files.readString(GENERATED));
  }
}
