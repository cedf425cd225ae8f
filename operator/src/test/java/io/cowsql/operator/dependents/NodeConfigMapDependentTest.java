package io.cowsql.operator.dependents;

import static io.cowsql.operator.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlCluster;
import org.junit.jupiter.api.Test;

class NodeConfigMapDependentTest {

  @Test
  void clusterIdIsNamespaceAndNameSoAReappliedClusterAdoptsItsVolumes() {
    CowsqlCluster first = cluster("orders");
    CowsqlCluster again = cluster("orders");
    again.getMetadata().setUid("another-uid");
    assertThat(NodeConfigMapDependent.engineSettings(first, NodeDefaults.standard()))
        .containsEntry("COWSQL_CLUSTER_ID", "db/orders");
    assertThat(NodeConfigMapDependent.engineSettings(again, NodeDefaults.standard()))
        .containsEntry("COWSQL_CLUSTER_ID", "db/orders");
  }

  @Test
  void anExplicitClusterIdWins() {
    CowsqlCluster c = cluster("orders-restored");
    c.getSpec().clusterId = "db/orders";
    assertThat(NodeConfigMapDependent.engineSettings(c, NodeDefaults.standard()))
        .containsEntry("COWSQL_CLUSTER_ID", "db/orders");
  }
}
