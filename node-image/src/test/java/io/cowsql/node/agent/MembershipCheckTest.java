package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule of {@link MembershipCheck}: only a leader with a quorum behind it can say a node was removed. */
class MembershipCheckTest {
  private static final NodeInfo LEADER = new NodeInfo(0x1, "db-0:9000", Role.VOTER);
  private static final List<NodeInfo> WITHOUT_3 = List.of(LEADER, new NodeInfo(0x2, "db-1:9000", Role.VOTER),
      new NodeInfo(0x4, "db-3:9000", Role.VOTER), new NodeInfo(0x5, "db-4:9000", Role.SPARE));

  @Test
  void aNodeTheLeaderListsInAnyRoleIsAMember() {
    assertThat(MembershipCheck.decide(0x5, LEADER, WITHOUT_3, 1, null)).isEqualTo(new MembershipCheck.Listed(LEADER));
  }

  @Test
  void aLeaderWithAQuorumThatDoesNotListTheNodeSaysItWasRemoved() {
    MembershipCheck.Verdict v = MembershipCheck.decide(0x3, LEADER, WITHOUT_3, 2, null);
    assertThat(v).isInstanceOf(MembershipCheck.Removed.class);
    assertThat(((MembershipCheck.Removed) v).why()).contains("leader 1 (db-0:9000)", "2 of its 3 voters", "does not list node 3");
  }

  @Test
  void aLeaderWithoutAQuorumOrNoLeaderIsNoEvidence() {
    MembershipCheck.Verdict minority = MembershipCheck.decide(0x3, LEADER, WITHOUT_3, 1, null);
    assertThat(minority).isInstanceOf(MembershipCheck.Unknown.class);
    assertThat(((MembershipCheck.Unknown) minority).why()).contains("only 1 of its 3 voters answer", "may have lost its quorum");
    MembershipCheck.Verdict none = MembershipCheck.decide(0x3, null, List.of(), 0, "connection refused");
    assertThat(none).isEqualTo(new MembershipCheck.Unknown("no leader answered (connection refused)"));
  }
}
