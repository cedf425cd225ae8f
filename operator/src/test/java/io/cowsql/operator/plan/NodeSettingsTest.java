package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {

  @Test
  void clusterIdIsNamespaceAndNameSoAReappliedClusterAdoptsItsVolumes() {
    CowsqlCluster first = cluster("orders");
    CowsqlCluster again = cluster("orders");
    again.getMetadata().setUid("another-uid");
    assertThat(NodeSettings.of(first, Duration.ofSeconds(20)).all())
        .containsEntry("COWSQL_CLUSTER_ID", "db/orders");
    assertThat(NodeSettings.of(again, Duration.ofSeconds(20)).all())
        .containsEntry("COWSQL_CLUSTER_ID", "db/orders");
  }

  @Test
  void anExplicitClusterIdWins() {
    CowsqlCluster c = cluster("orders-restored");
    c.getSpec().clusterId = "db/orders";
    assertThat(NodeSettings.of(c, Duration.ofSeconds(20)).all())
        .containsEntry("COWSQL_CLUSTER_ID", "db/orders");
  }
}
