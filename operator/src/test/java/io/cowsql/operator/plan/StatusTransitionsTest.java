package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static io.cowsql.operator.Fixtures.led;
import static io.cowsql.operator.Fixtures.noAnswer;
import static io.cowsql.operator.Fixtures.observed;
import static io.cowsql.operator.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.plan.StatusTransitions.Transition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusTransitionsTest {

  @Test
  void eachChangeIsOneEventAndAnUnchangedStatusNone() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 1;
    c.getSpec().roles.voters = 1;
    ObservedCluster ready = observed(1, List.of(pod("a", 0, "z", true, Map.of())), led(c, 0, "voter"));
    CowsqlClusterStatus s1 = StatusAggregator.aggregate(c, ready, ClusterPlanner.decide(c, ready), "t1");
    assertThat(StatusTransitions.between(null, s1)).extracting(Transition::reason)
        .containsExactly("ClusterReady", "LeaderElected", "LeaderChanged");
    c.setStatus(s1);
    CowsqlClusterStatus same = StatusAggregator.aggregate(c, ready, ClusterPlanner.decide(c, ready), "t2");
    assertThat(StatusTransitions.between(s1, same)).isEmpty();

    ObservedCluster lost = observed(1, List.of(pod("a", 0, "z", false, Map.of())), noAnswer());
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, lost, ClusterPlanner.decide(c, lost), "t3");
    List<Transition> t = StatusTransitions.between(s1, s2);
    assertThat(t).extracting(Transition::reason).containsExactly("NodesNotReady", "NoLeader", "QuorumLost");
    assertThat(t).filteredOn(Transition::warning).extracting(Transition::reason).containsExactly("NoLeader", "QuorumLost");
    assertThat(t.get(2).message()).startsWith("QuorumLost=True: Since t3: voters a-0 (not ready since t3) do not answer")
        .contains("spec.recovery says what the operator does if they do not (see status.recovery)");
  }

  @Test
  void invalidSpecIsAWarning() {
    CowsqlCluster c = cluster("a");
    c.getSpec().roles.voters = 2;
    ObservedCluster o = observed(null, List.of(), noAnswer());
    CowsqlClusterStatus s = StatusAggregator.aggregate(c, o, ClusterPlanner.decide(c, o), "t");
    assertThat(StatusTransitions.between(null, s)).filteredOn(x -> x.reason().equals("InvalidSpec"))
        .singleElement().satisfies(x -> {
          assertThat(x.warning()).isTrue();
          assertThat(x.message()).startsWith("Ready=False: spec.roles.voters: 2 is even");
        });
  }

  @Test
  void aLeaderChangeIsOneEventNamingBothLeaders() {
    CowsqlCluster c = cluster("a");
    List<ObservedPod> pods = List.of(pod("a", 0, "z1", true, Map.of()), pod("a", 1, "z2", true, Map.of()),
        pod("a", 2, "z3", true, Map.of()));
    ObservedCluster first = observed(3, pods, led(c, 0, "voter", "voter", "voter"));
    CowsqlClusterStatus s1 = StatusAggregator.aggregate(c, first, ClusterPlanner.decide(c, first), "t1");
    c.setStatus(s1);
    ObservedCluster moved = observed(3, pods, led(c, 2, "voter", "voter", "voter"));
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, moved, ClusterPlanner.decide(c, moved), "t2");
    assertThat(StatusTransitions.between(s1, s2)).singleElement()
        .isEqualTo(new Transition("LeaderChanged", "Leader changed from a-0 to a-2", false));
    c.setStatus(s2);
    assertThat(StatusTransitions.between(s2, StatusAggregator.aggregate(c, moved, ClusterPlanner.decide(c, moved), "t3")))
        .isEmpty();
  }

  @Test
  void aMembersNodeGoingNotReadyIsOneWarningAndItsReturnOneNormalEvent() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 1;
    c.getSpec().roles.voters = 1;
    ObservedPod up = new ObservedPod("a-0", 0, Optional.of("node-z"), Optional.of("z"), Optional.of("198.18.0.1"), true,
        Map.of(), Optional.empty(), Optional.of(true));
    ObservedPod cutOff = new ObservedPod("a-0", 0, Optional.of("node-z"), Optional.of("z"), Optional.of("198.18.0.1"), true,
        Map.of(), Optional.empty(), Optional.of(false));
    ObservedCluster o1 = observed(1, List.of(up), led(c, 0, "voter"));
    CowsqlClusterStatus s1 = StatusAggregator.aggregate(c, o1, ClusterPlanner.decide(c, o1), "t1");
    c.setStatus(s1);
    ObservedCluster o2 = observed(1, List.of(cutOff), led(c, 0, "voter"));
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, o2, ClusterPlanner.decide(c, o2), "t2");
    // Degraded turns True for it (a condition change), and one NodeNotReady Event names the Node and its members
    assertThat(StatusTransitions.between(s1, s2)).extracting(Transition::reason)
        .containsExactly("MemberNodeNotReady", "NodeNotReady");
    assertThat(StatusTransitions.between(s1, s2)).filteredOn(t -> t.reason().equals("NodeNotReady")).singleElement()
        .isEqualTo(new Transition("NodeNotReady", "Node node-z is NotReady (its kubelet stopped reporting or reports a"
            + " problem); members on it: a-0 (voter)", true));
    c.setStatus(s2);
    CowsqlClusterStatus s3 = StatusAggregator.aggregate(c, o2, ClusterPlanner.decide(c, o2), "t3");
    assertThat(StatusTransitions.between(s2, s3)).isEmpty();
    c.setStatus(s3);
    CowsqlClusterStatus s4 = StatusAggregator.aggregate(c, o1, ClusterPlanner.decide(c, o1), "t4");
    assertThat(StatusTransitions.between(s3, s4)).extracting(Transition::reason).containsExactly("AsExpected", "NodeReady");
  }

  @Test
  void twoMembersOnOneNodeGiveOneEventPerNode() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 2;
    c.getSpec().roles.voters = 1;
    java.util.function.BiFunction<Integer, Boolean, ObservedPod> onNode = (i, ready) -> new ObservedPod("a-" + i, i,
        Optional.of("shared"), Optional.of("z"), Optional.of("198.18.0." + (i + 1)), true, Map.of(), Optional.empty(),
        Optional.of(ready));
    ObservedCluster ok = observed(2, List.of(onNode.apply(0, true), onNode.apply(1, true)), led(c, 0, "voter", "standby"));
    CowsqlClusterStatus s1 = StatusAggregator.aggregate(c, ok, ClusterPlanner.decide(c, ok), "t1");
    c.setStatus(s1);
    ObservedCluster down = observed(2, List.of(onNode.apply(0, false), onNode.apply(1, false)),
        led(c, 0, "voter", "standby"));
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, down, ClusterPlanner.decide(c, down), "t2");
    assertThat(StatusTransitions.between(s1, s2)).filteredOn(t -> t.reason().equals("NodeNotReady")).singleElement()
        .extracting(Transition::message).asString().endsWith("members on it: a-0 (voter), a-1 (standby)");
    c.setStatus(s2);
    CowsqlClusterStatus s3 = StatusAggregator.aggregate(c, ok, ClusterPlanner.decide(c, ok), "t3");
    assertThat(StatusTransitions.between(s2, s3)).filteredOn(t -> t.reason().equals("NodeReady")).singleElement()
        .isEqualTo(new Transition("NodeReady", "Node shared is Ready again; members on it: a-0, a-1", false));
  }

  @Test
  void aSecondMembersNodeGoingNotReadyWhileDegradedHasItsOwnEvent() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 2;
    c.getSpec().roles.voters = 1;
    c.getSpec().roles.standbys = 1;
    ObservedPod downPod = pod("a", 0, "z1", false, Map.of());
    ObservedPod b = new ObservedPod("a-1", 1, Optional.of("node-z2"), Optional.of("z2"), Optional.of("198.18.0.2"), true,
        Map.of(), Optional.empty(), Optional.of(true));
    ObservedPod bCutOff = new ObservedPod("a-1", 1, Optional.of("node-z2"), Optional.of("z2"), Optional.of("198.18.0.2"),
        true, Map.of(), Optional.empty(), Optional.of(false));
    ObservedCluster ok = observed(2, List.of(pod("a", 0, "z1", true, Map.of()), b), led(c, 1, "standby", "voter"));
    c.setStatus(StatusAggregator.aggregate(c, ok, ClusterPlanner.decide(c, ok), "t1"));
    ObservedCluster oneDown = observed(2, List.of(downPod, b), led(c, 1, "standby", "voter"));
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, oneDown, ClusterPlanner.decide(c, oneDown), "t2");
    assertThat(StatusAggregator.find(s2, "Degraded").orElseThrow().getReason()).isEqualTo("NodesNotReady");
    c.setStatus(s2);
    ObservedCluster nodeToo = observed(2, List.of(downPod, bCutOff), led(c, 1, "standby", "voter"));
    CowsqlClusterStatus s3 = StatusAggregator.aggregate(c, nodeToo, ClusterPlanner.decide(c, nodeToo), "t3");
    assertThat(StatusTransitions.between(s2, s3)).singleElement().isEqualTo(new Transition("NodeNotReady",
        "Node node-z2 is NotReady (its kubelet stopped reporting or reports a problem); members on it: a-1 (voter)",
        true));
  }

  @Test
  void eachScaleDownStepIsOneEvent() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 3;
    List<io.cowsql.operator.plan.ObservedPod> pods = java.util.stream.IntStream.range(0, 4)
        .mapToObj(i -> pod("a", i, "z" + i, true, Map.of(io.cowsql.contract.Annotations.LEAVING, "1003"))).toList();
    ObservedCluster standby = observed(4, pods, led(c, 0, "voter", "voter", "voter", "standby"));
    CowsqlClusterStatus s1 = StatusAggregator.aggregate(c, standby, ClusterPlanner.decide(c, standby), "t1");
    c.setStatus(s1);
    CowsqlClusterStatus again = StatusAggregator.aggregate(c, standby, ClusterPlanner.decide(c, standby), "t2");
    assertThat(StatusTransitions.between(s1, again)).as("the same step twice is one Event").isEmpty();
    ObservedCluster spare = observed(4, pods, led(c, 0, "voter", "voter", "voter", "spare"));
    CowsqlClusterStatus s2 = StatusAggregator.aggregate(c, spare, ClusterPlanner.decide(c, spare), "t3");
    assertThat(StatusTransitions.between(s1, s2)).singleElement().satisfies(t -> {
      assertThat(t.reason()).isEqualTo("ScaleDownStep");
      assertThat(t.message()).startsWith("RemoveMember: ").contains("a-3");
      assertThat(t.warning()).isFalse();
    });
  }
}
