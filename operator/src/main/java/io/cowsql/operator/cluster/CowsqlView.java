package io.cowsql.operator.cluster;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the cowsql cluster itself says, as seen by the operator in one probe.
 *
 * @param reachable   whether some node answered
 * @param leader      the leader's cluster address (its DNS name), empty when no leader is known
 * @param members     the raft configuration as the leader reports it (empty when unknown)
 * @param problem     why the view is partial, for status messages; empty when all went well
 * @param answered    cluster addresses of the nodes that answered this probe (empty when a leader answered first:
 *                    then the question who is unreachable does not arise)
 */
public record CowsqlView(boolean reachable, Optional<String> leader, List<Member> members, Optional<String> problem,
    Set<String> answered) {

  /** One entry of the raft configuration. Role is voter, standby or spare; the id in hex, as the cowsql shell prints it. */
  public record Member(String nodeId, String address, String role) {}

  public CowsqlView {
    members = List.copyOf(members);
    answered = Set.copyOf(answered);
  }

  public CowsqlView(boolean reachable, Optional<String> leader, List<Member> members, Optional<String> problem) {
    this(reachable, leader, members, problem, Set.of());
  }

  public static CowsqlView unreachable(String why) {
    return new CowsqlView(false, Optional.empty(), List.of(), Optional.of(why));
  }

  public Optional<Member> member(String address) {
    return members.stream().filter(m -> m.address().equals(address)).findFirst();
  }
}
