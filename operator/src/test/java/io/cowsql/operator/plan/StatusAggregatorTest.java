package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static io.cowsql.operator.Fixtures.led;
import static io.cowsql.operator.Fixtures.noAnswer;
import static io.cowsql.operator.Fixtures.observed;
import static io.cowsql.operator.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  private static Condition cond(CowsqlClusterStatus s, String type) {
    return StatusAggregator.find(s, type).orElseThrow();
  }

  @Test
  void healthyClusterIsReadyWithLeaderMembersAndZones() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(3, List.of(pod("a", 0, "zone-a", true, Map.of()), pod("a", 1, "zone-b", true, Map.of()),
        pod("a", 2, "zone-c", true, Map.of())), led(c, 1, "voter", "voter", "voter"));
    ClusterPlan plan = ClusterPlanner.decide(c, o);
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, plan, "2026-01-01T00:00:00Z");
    assertThat(s.phase).isEqualTo("Running");
    assertThat(s.leader).isEqualTo("a-1");
    assertThat(s.replicas).isEqualTo(3);
    assertThat(s.readyReplicas).isEqualTo(3);
    assertThat(s.selector).isEqualTo("app.kubernetes.io/name=cowsql,app.kubernetes.io/instance=a");
    assertThat(s.observedGeneration).isEqualTo(1L);
    assertThat(s.failureDomains).containsExactlyInAnyOrderEntriesOf(Map.of("zone-a", 1L, "zone-b", 2L, "zone-c", 3L));
    assertThat(s.members).extracting(m -> m.pod + " " + m.nodeId + " " + m.role + " " + m.zone + " " + m.failureDomain
        + " " + m.ready).containsExactly("a-0 1000 voter zone-a 1 true", "a-1 1001 voter zone-b 2 true",
        "a-2 1002 voter zone-c 3 true");
    assertThat(s.members.get(0).address).isEqualTo("a-0.a-peers.db.svc.cluster.local:9000");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Available").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("False");
  }

  @Test
  void unchangedObservationGivesAnEqualStatusKeepingTransitionTimes() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(1, List.of(pod("a", 0, "zone-a", true, Map.of())), led(c, 0, "voter"));
    c.getSpec().replicas = 1;
    c.getSpec().roles.voters = 1;
    CowsqlClusterStatus first = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:00:00Z");
    c.setStatus(first);
    CowsqlClusterStatus second = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "2026-01-01T00:05:00Z");
    assertThat(second).usingRecursiveComparison().isEqualTo(first);
  }

  @Test
  void invalidSpecSaysWhatToFix() {
    CowsqlCluster c = cluster("a");
    c.getSpec().roles.voters = 4;
    c.getSpec().replicas = 5;
    ObservedCluster o = observed(null, List.of(), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(s.phase).isEqualTo("Invalid");
    Condition ready = cond(s, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.roles.voters: 4 is even").contains("Nothing was changed");
  }

  @Test
  void refusedShrinkIsAConditionAndTheClusterStaysReady() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 3;
    ObservedCluster o = observed(5, List.of(pod("a", 0, "z1", true, Map.of()), pod("a", 1, "z2", true, Map.of()),
        pod("a", 2, "z3", true, Map.of()), pod("a", 3, "z1", true, Map.of()), pod("a", 4, "z2", true, Map.of())),
        led(c, 0, "voter", "voter", "voter", "standby", "standby"));
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    Condition progressing = cond(s, "Progressing");
    assertThat(progressing.getStatus()).isEqualTo("False");
    assertThat(progressing.getReason()).isEqualTo("ScaleDownRefused");
    assertThat(progressing.getMessage()).contains("scale-down is not supported yet");
    assertThat(cond(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(s.replicas).isEqualTo(5);
  }

  @Test
  void formedClusterWithoutLeaderIsDegraded() {
    CowsqlCluster c = cluster("a");
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    ObservedCluster o = observed(3, List.of(pod("a", 0, "z1", false, Map.of()), pod("a", 1, "z2", false, Map.of()),
        pod("a", 2, "z3", false, Map.of())), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(s.phase).isEqualTo("Degraded");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Degraded").getReason()).isEqualTo("NoLeader");
    assertThat(cond(s, "Available").getStatus()).isEqualTo("False");
    assertThat(cond(s, "Ready").getMessage()).contains("0 of 3 nodes ready").contains("a-0, a-1, a-2");
  }

  @Test
  void newClusterIsCreatingUntilItHasALeader() {
    CowsqlCluster c = cluster("a");
    ObservedCluster o = observed(3, List.of(pod("a", 0, "z1", false, Map.of())), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(s.phase).isEqualTo("Creating");
    assertThat(cond(s, "Progressing").getStatus()).isEqualTo("True");
    assertThat(cond(s, "Progressing").getReason()).isEqualTo("Creating");
    assertThat(cond(s, "Degraded").getStatus()).isEqualTo("False");
    assertThat(s.bootstrapped).isNull();
  }
}
