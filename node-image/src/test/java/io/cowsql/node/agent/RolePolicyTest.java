package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import io.cowsql.client.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The role policy's decisions on hand-made cluster states. */
class RolePolicyTest {
  final RolePolicy policy = new RolePolicy(3, 3);
  final List<NodeInfo> members = new ArrayList<>();
  final Map<Long, NodeMetadata> online = new HashMap<>();

  void node(long id, Role role, Long domain, long weight) {
    members.add(new NodeInfo(id, "n" + id + ":9001", role));
    if (domain != null) {
      online.put(id, new NodeMetadata(domain, weight));
    }
  }

  @Test
  void smallClusterKeepsOnlyTheLeaderVoting() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 1L, 0);
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.SPARE);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(2L);
  }

  @Test
  void aWipedNodesFormerSelfAndItsNewIdAtTheSameAddressAreNeitherPromoted() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    // node 3 was wiped and started again empty: it joined as 7 at the same address; 3 is a spare now
    members.add(new NodeInfo(3, "n7:9001", Role.SPARE));
    online.put(3L, new NodeMetadata(3L, 0));
    node(7, Role.SPARE, 3L, 0);
    // the answer at n7:9001 is the new node's: neither id counts as online, so nothing is promoted
    assertThat(policy.adjust(members, online, 1)).isNull();
    // once the former self is removed, the new node is promoted
    members.removeIf(m -> m.id() == 3);
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(7L);
  }

  @Test
  void aFormerSelfStillAVoterCountsAsOfflineAndIsDemoted() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    members.add(new NodeInfo(3, "n7:9001", Role.VOTER));
    online.put(3L, new NodeMetadata(3L, 0));
    node(7, Role.SPARE, 3L, 0);
    node(8, Role.SPARE, 1L, 0);
    // two attributable voters and a spare elsewhere: the spare is promoted, never 3 or 7
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(8L);
  }

  @Test
  void aFreshClusterJoiningOneByOneIsPromotedAsProbedWhileEveryMemberHasItsOwnAddress() {
    // ShutdownTest's bootstrap on libdqlite: the leader, a spare probed, a spare joined but not probed yet
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.SPARE, 1L, 0);
    node(3, Role.SPARE, null, 0);
    assertThat(RolePolicy.attributable(members, online, 1)).isEqualTo(online);
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(2L);
    members.set(1, new NodeInfo(2, "n2:9001", Role.VOTER));
    online.put(3L, new NodeMetadata(1L, 0));
    RolePolicy.Decision e = policy.adjust(members, online, 1);
    assertThat(e.candidates()).extracting(NodeInfo::id).containsExactly(3L);
  }

  @Test
  void membersWithNoAddressKnownShareNone() {
    node(1, Role.VOTER, 1L, 0);
    members.add(new NodeInfo(2, "", Role.SPARE));
    online.put(2L, new NodeMetadata(2L, 0));
    members.add(new NodeInfo(3, "", Role.SPARE));
    online.put(3L, new NodeMetadata(3L, 0));
    assertThat(RolePolicy.attributable(members, online, 1)).isEqualTo(online);
    assertThat(policy.adjust(members, online, 1).candidates()).extracting(NodeInfo::id).containsExactly(2L, 3L);
  }

  @Test
  void promotesFromAnUnusedDomainFirstThenLowerWeight() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.SPARE, 1L, 0);
    node(3, Role.SPARE, 2L, 5);
    node(4, Role.SPARE, 2L, 1);
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(4L, 3L, 2L);
  }

  @Test
  void standbysArePreferredOverSparesForVoting() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.SPARE, 3L, 0);
    node(5, Role.STANDBY, 3L, 0);
    online.remove(3L); // voter 3 died
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates().get(0).id()).isEqualTo(5L);
  }

  @Test
  void offlineVoterIsDemotedOnceVotersAreBackAtTarget() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.VOTER, null, 0);
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.SPARE);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(4L);
  }

  @Test
  void votersSharingADomainAreSpreadAndTheCrowdedDomainLosesOneButNeverTheLeader() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 1L, 0);
    node(3, Role.VOTER, 2L, 0);
    node(4, Role.STANDBY, 3L, 0);
    RolePolicy.Decision d = policy.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(4L);
    // Next round: four voters; demote from domain 1, not the leader (1).
    members.set(3, new NodeInfo(4, "n4:9001", Role.VOTER));
    RolePolicy.Decision e = policy.adjust(members, online, 1);
    assertThat(e.candidates().get(0).id()).isEqualTo(2L);
    assertThat(e.candidates()).extracting(NodeInfo::id).doesNotContain(1L);
    assertThat(e.role()).isEqualTo(Role.STANDBY);
  }

  @Test
  void balancedClusterNeedsNothing() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.STANDBY, 1L, 0);
    node(5, Role.STANDBY, 2L, 0);
    node(6, Role.STANDBY, 3L, 0);
    assertThat(policy.adjust(members, online, 2)).isNull();
  }

  @Test
  void handoverOfAVoterPrefersStandbysInOtherDomains() {
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.STANDBY, 2L, 0);
    node(5, Role.STANDBY, 1L, 0);
    node(6, Role.SPARE, 4L, 0);
    RolePolicy.Decision d = policy.handover(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    // Peers use domains 2 and 3: candidates in 1 or 4 first.
    assertThat(d.candidates().get(0).id()).isIn(5L, 6L);
    assertThat(policy.handover(members, online, 6)).isNull();
  }

  /** Applies the decision to the first candidate, as the leader does (assume every assignment succeeds). */
  private void apply(RolePolicy.Decision d) {
    long id = d.candidates().get(0).id();
    members.replaceAll(m -> m.id() == id ? new NodeInfo(m.id(), m.address(), d.role()) : m);
  }

  private Role role(long id) {
    return members.stream().filter(m -> m.id() == id).findFirst().orElseThrow().role();
  }

  private long voters() {
    return members.stream().filter(m -> m.role() == Role.VOTER).count();
  }

  @Test
  void aLeavingVoterIsReplacedInAnUnusedDomainFirstThenDemotedToSpareAndNeverPromotedAgain() {
    RolePolicy leaving = new RolePolicy(3, 0, Set.of(3L));
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.SPARE, 1L, 0);
    node(5, Role.SPARE, 3L, 0);
    RolePolicy.Decision d = leaving.adjust(members, online, 1);
    assertThat(d.role()).as(d.reason()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).as("the staying voters use domains 1 and 2").containsExactly(5L, 4L);
    apply(d);
    RolePolicy.Decision e = leaving.adjust(members, online, 1);
    assertThat(e.role()).as(e.reason()).isEqualTo(Role.SPARE);
    assertThat(e.candidates()).extracting(NodeInfo::id).containsExactly(3L);
    apply(e);
    assertThat(leaving.adjust(members, online, 1)).as("3 stays a spare: the voters are at target without it").isNull();
    // even with a voter gone, 3 is no candidate
    online.remove(2L);
    RolePolicy.Decision f = leaving.adjust(members, online, 1);
    assertThat(f.candidates()).extracting(NodeInfo::id).containsExactly(4L);
  }

  @Test
  void theVoterCountNeverDropsBelowTheTargetWhileTwoLeavingVotersAreReplaced() {
    RolePolicy leaving = new RolePolicy(3, 1, Set.of(4L, 5L));
    node(1, Role.VOTER, 1L, 0);
    node(4, Role.VOTER, 2L, 0);
    node(5, Role.VOTER, 3L, 0);
    node(2, Role.STANDBY, 2L, 0);
    node(3, Role.SPARE, 3L, 0);
    List<String> steps = new ArrayList<>();
    for (RolePolicy.Decision d = leaving.adjust(members, online, 1); d != null; d = leaving.adjust(members, online, 1)) {
      assertThat(steps).as("the changes settle").hasSizeLessThan(10);
      apply(d);
      steps.add(d.candidates().get(0).id() + "->" + RolePolicy.name(d.role()));
      assertThat(voters()).as("voters after " + steps).isGreaterThanOrEqualTo(3);
    }
    assertThat(role(4)).isEqualTo(Role.SPARE);
    assertThat(role(5)).isEqualTo(Role.SPARE);
    assertThat(role(2)).isEqualTo(Role.VOTER);
    assertThat(role(3)).isEqualTo(Role.VOTER);
    assertThat(steps).as("each leaving voter goes only after a replacement is in").containsExactly("2->voter", "3->voter", "4->spare", "5->spare");
  }

  @Test
  void aLeavingVoterKeepsItsVoteWhileNoReplacementIsOnline() {
    RolePolicy leaving = new RolePolicy(3, 0, Set.of(3L));
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.SPARE, null, 0);
    assertThat(leaving.adjust(members, online, 1)).isNull();
  }

  @Test
  void aLeavingLeaderNeverPromotesItselfOrDemotesItselfAndPromotesAStayingReplacement() {
    RolePolicy leaving = new RolePolicy(3, 0, Set.of(1L, 5L));
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.SPARE, 4L, 0);
    node(5, Role.SPARE, 5L, 0);
    RolePolicy.Decision d = leaving.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.VOTER);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(4L);
    apply(d);
    assertThat(leaving.adjust(members, online, 1)).as("the leader is never demoted; it waits for leadership to move").isNull();
    // once another voter leads, the former leader is demoted
    RolePolicy.Decision e = leaving.adjust(members, online, 2);
    assertThat(e.role()).isEqualTo(Role.SPARE);
    assertThat(e.candidates()).extracting(NodeInfo::id).containsExactly(1L);
  }

  @Test
  void leavingStandbysAreReplacedFirstAndLeavingSparesAreNeverPromoted() {
    RolePolicy leaving = new RolePolicy(3, 1, Set.of(4L, 6L));
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.STANDBY, 1L, 0);
    node(5, Role.SPARE, 2L, 0);
    node(6, Role.SPARE, 3L, 0);
    RolePolicy.Decision d = leaving.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.STANDBY);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(5L);
    apply(d);
    RolePolicy.Decision e = leaving.adjust(members, online, 1);
    assertThat(e.role()).isEqualTo(Role.SPARE);
    assertThat(e.candidates()).extracting(NodeInfo::id).containsExactly(4L);
    apply(e);
    assertThat(leaving.adjust(members, online, 1)).isNull();
  }

  @Test
  void aLeavingStandbyThatNoSpareCanReplaceGoesToSpare() {
    RolePolicy leaving = new RolePolicy(3, 1, Set.of(4L));
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.STANDBY, 1L, 0);
    RolePolicy.Decision d = leaving.adjust(members, online, 1);
    assertThat(d.role()).isEqualTo(Role.SPARE);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(4L);
  }

  @Test
  void aVoterStoppingHandsItsVoteToAStayingMemberOnly() {
    RolePolicy leaving = new RolePolicy(3, 1, Set.of(4L));
    node(1, Role.VOTER, 1L, 0);
    node(2, Role.VOTER, 2L, 0);
    node(3, Role.VOTER, 3L, 0);
    node(4, Role.STANDBY, 4L, 0);
    node(5, Role.SPARE, 2L, 0);
    RolePolicy.Decision d = leaving.handover(members, online, 3);
    assertThat(d.candidates()).extracting(NodeInfo::id).containsExactly(5L);
  }
}
