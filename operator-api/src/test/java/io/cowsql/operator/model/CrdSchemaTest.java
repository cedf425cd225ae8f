package io.cowsql.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.RoleTargets;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** What the generated CRD's schema lets the API server accept (checked on the file this build generated). */
class CrdSchemaTest {

  private static JSONSchemaProps spec() throws IOException {
    CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(Files.readString(CrdUpToDateTest.GENERATED),
        CustomResourceDefinition.class);
    assertThat(crd.getSpec().getVersions()).singleElement();
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  /**
   * replicas: 1 with the default role targets is valid (the role policy makes the single node the voter): the schema
   * allows one replica, defaults the voter target to 3, and ties the two together by no rule (Kubernetes 1.20 has no
   * cross-field validation); its description says what a small cluster does with the target.
   */
  @Test
  void oneReplicaWithTheDefaultVoterTargetPassesTheSchemaAndTheDescriptionSaysWhy() throws IOException {
    JSONSchemaProps spec = spec();
    JSONSchemaProps replicas = spec.getProperties().get("replicas");
    assertThat(replicas.getMinimum()).isEqualTo(1.0);
    assertThat(replicas.getDefault().asInt()).isEqualTo(CowsqlClusterSpec.DEFAULT_REPLICAS);
    JSONSchemaProps voters = spec.getProperties().get("roles").getProperties().get("voters");
    assertThat(voters.getDefault().asInt()).isEqualTo(RoleTargets.DEFAULT_VOTERS);
    assertThat(voters.getMinimum()).isEqualTo((double) RoleTargets.MIN_VOTERS);
    assertThat(voters.getDescription()).contains("A cluster of 1 or 2 nodes has one voter, its leader",
        "replicas: 1 with the default targets is valid");
    assertThat(spec.getXKubernetesValidations()).isNullOrEmpty();
    assertThat(spec.getProperties().get("roles").getXKubernetesValidations()).isNullOrEmpty();
  }
}
