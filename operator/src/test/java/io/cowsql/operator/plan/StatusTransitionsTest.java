package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static io.cowsql.operator.Fixtures.led;
import static io.cowsql.operator.Fixtures.noAnswer;
import static io.cowsql.operator.Fixtures.observed;
import static io.cowsql.operator.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTransitionsTest {

  @Test
  void eachChangeIsOneEventAndAnUnchangedStatusNone() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 1;
    c.getSpec().roles.voters = 1;
    ObservedCluster ready = observed(1, List.of(pod("a", 0, "z", true, Map.of())), led(c, 0, "voter"));
    CowsqlClusterStatus s1 = StatusAggregator.aggregate(c, ready, ClusterPlanner.decide(c, ready), "t1");
    assertThat(ConditionTransitions.between(null, s1)).extracting(ConditionTransitions.Transition::reason)
        .containsExactly("ClusterReady", "LeaderElected");
    c.setStatus(s1);
    CowsqlClusterStatus same = StatusAggregator.aggregate(c, ready, ClusterPlanner.decide(c, ready), "t2");
    assertThat(ConditionTransitions.between(s1, same)).isEmpty();

    ObservedCluster lost = observed(1, List.of(pod("a", 0, "z", false, Map.of())), noAnswer());
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, lost, ClusterPlanner.decide(c, lost), "t3");
    List<ConditionTransitions.Transition> t = ConditionTransitions.between(s1, s2);
    assertThat(t).extracting(ConditionTransitions.Transition::reason)
        .containsExactly("NodesNotReady", "NoLeader", "Scaling");
    assertThat(t).filteredOn(ConditionTransitions.Transition::warning).extracting(x -> x.condition().getType())
        .containsExactly("Available");
  }

  @Test
  void invalidSpecIsAWarning() {
    CowsqlCluster c = cluster("a");
    c.getSpec().roles.voters = 2;
    ObservedCluster o = observed(null, List.of(), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(ConditionTransitions.between(null, s)).filteredOn(x -> x.reason().equals("InvalidSpec"))
        .singleElement().satisfies(x -> {
          assertThat(x.warning()).isTrue();
          assertThat(x.message()).startsWith("Ready=False: spec.roles.voters: 2 is even");
        });
  }
}
