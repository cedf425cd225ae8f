package io.cowsql.operator.dependents;

import static io.cowsql.operator.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.AgentEnvironment;
import io.cowsql.contract.AgentOption;
import io.cowsql.contract.DurationFormat;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.EngineSpec;
import io.cowsql.operator.model.RecoverySpec;
import io.cowsql.operator.model.RolesSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Everything the operator tells a node agent is something the agent knows: every {@code COWSQL_*} key the operator
 * can write (the node ConfigMap and the pod's own env) is an option of the contract the agent parses with, its value
 * passes the agent's check, and the defaults the CRD applies are the agent's own.
 */
class AgentContractTest {

  /** A spec with every field that reaches the agent set. */
  private static CowsqlCluster everythingSet() {
    CowsqlCluster c = cluster("full");
    c.getSpec().roles = new RolesSpec();
    c.getSpec().roles.voters = 5;
    c.getSpec().roles.standbys = 1;
    c.getSpec().engine = new EngineSpec();
    c.getSpec().engine.networkLatency = "20ms";
    c.getSpec().engine.snapshotThreshold = 512;
    c.getSpec().engine.snapshotTrailing = 1024;
    c.getSpec().engine.autoRecovery = false;
    c.getSpec().engine.blockSize = 4096;
    return c;
  }

  private static Map<String, String> everyAgentVariable(CowsqlCluster c) {
    Map<String, String> written = new LinkedHashMap<>(NodeConfigMapDependent.build(c, 5, NodeDefaults.standard()).getData());
    StatefulSet sts = StatefulSetDependent.build(c, 5, NodeDefaults.standard(), Optional.empty());
    for (EnvVar e : sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      written.put(e.getName(), e.getValue());
    }
    return written;
  }

  @Test
  void everyKeyTheOperatorWritesIsAnOptionTheAgentKnows() {
    Map<String, String> written = everyAgentVariable(everythingSet());
    written.keySet().removeIf(k -> !k.startsWith(AgentEnvironment.PREFIX));
    assertThat(written).containsKeys(AgentOption.VOTERS.env(), AgentOption.BLOCK_SIZE.env(), AgentOption.JOIN.env(),
        AgentOption.ADDRESS.env(), AgentOption.BOOTSTRAP.env());
    assertThat(AgentEnvironment.unknownVariables(written)).isEmpty();
    written.forEach((k, v) -> {
      if (v != null && !v.contains("$(")) { // $(VAR) is expanded by the kubelet
        AgentOption.byEnv(k).check(v);
      }
    });
  }

  @Test
  void theDefaultsTheSchemaAppliesAreTheAgentsDefaults() {
    RolesSpec roles = new RolesSpec();
    assertThat(roles.voters.toString()).isEqualTo(AgentOption.VOTERS.defaultValue());
    assertThat(roles.standbys.toString()).isEqualTo(AgentOption.STANDBYS.defaultValue());
    CowsqlCluster defaults = cluster("d");
    defaults.getSpec().roles = roles;
    Map<String, String> written = everyAgentVariable(defaults);
    assertThat(written).containsEntry(AgentOption.VOTERS.env(), AgentOption.VOTERS.defaultValue())
        .containsEntry(AgentOption.STANDBYS.env(), AgentOption.STANDBYS.defaultValue())
        .containsEntry(AgentOption.FAILURE_DOMAIN_KEY.env(), AgentOption.FAILURE_DOMAIN_KEY.defaultValue());
  }

  @Test
  void theSchemasDurationsAreTheAgentsDurations() {
    assertThat(DurationFormat.tryParse(new RecoverySpec().quorumLossTimeout)).isPresent();
    assertThat(DurationFormat.tryParse(everythingSet().getSpec().engine.networkLatency)).isPresent();
  }
}
