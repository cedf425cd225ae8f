package io.cowsql.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class CowsqlClusterStatusTest {

  @Test
  void conditionsAreFoundByType() {
    CowsqlClusterStatus s = new CowsqlClusterStatus();
    s.conditions.add(new ConditionBuilder().withType("Ready").withStatus("True").withReason("ClusterReady").build());
    s.conditions.add(new ConditionBuilder().withType("Progressing").withStatus("False").withReason("Reconciled").build());
    assertThat(s.condition("Progressing")).get().extracting(c -> c.getReason()).isEqualTo("Reconciled");
    assertThat(s.condition("QuorumLost")).isEmpty();
    assertThat(s.isTrue("Ready")).isTrue();
    assertThat(s.isTrue("Progressing")).isFalse();
    assertThat(s.isTrue("QuorumLost")).isFalse();
    s.conditions = null;
    assertThat(s.condition("Ready")).isEmpty();
  }

  /** The helpers are not properties: the status written and read back has only the model's fields. */
  @Test
  void theHelpersAreNotSerialized() {
    KubernetesSerialization json = new KubernetesSerialization();
    CowsqlClusterStatus s = new CowsqlClusterStatus();
    s.phase = "Running";
    assertThat(json.asJson(s)).isEqualTo("{\"phase\":\"Running\",\"conditions\":[],\"members\":[],\"failureDomains\":{}}");
    assertThat(json.asJson(new CowsqlClusterSpec())).doesNotContain("defaulted");
  }
}
