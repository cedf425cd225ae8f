package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import java.time.Duration;
import java.util.List;

/**
 * Is the node whose data dir says "joined" still a member? Asked before its engine starts on the dir: a volume retained
 * by a scale-down comes back with a later scale-up holding the data of a member the cluster removed, and that data
 * must not start again as that member. The answer counts only when it comes from a leader with a quorum behind it
 * (the leader plus the other voters that answer DESCRIBE are a majority of its voters): a leader keeps leading for up
 * to an election timeout after it lost its quorum, and its configuration may then be one the cluster never committed.
 * Anything less is {@link Unknown}: the dir is kept as it is.
 */
public final class MembershipCheck {
  private MembershipCheck() {}

  /** What the leader's answer says about the node. */
  public sealed interface Verdict {}

  /** The leader lists the node (in any role): start on the dir. */
  public record Listed(NodeInfo leader) implements Verdict {}

  /** A leader with a quorum does not list the node: the dir is a removed member's. */
  public record Removed(NodeInfo leader, String why) implements Verdict {}

  /** Nobody but this node to ask (a one-node cluster, no --join): nobody else can have removed it. */
  public record Alone() implements Verdict {}

  /** No answer that can be trusted either way. */
  public record Unknown(String why) implements Verdict {}

  /**
   * The rule, pure.
   *
   * @param self      the dir's node id
   * @param leader    the leader that answered, null when none did
   * @param members   its configuration
   * @param answering the voters that answered, the leader included (see {@link #votersAnswering})
   * @param noLeader  why no leader answered, when {@code leader} is null
   */
  public static Verdict decide(long self, NodeInfo leader, List<NodeInfo> members, int answering, String noLeader) {
    if (leader == null) {
      return new Unknown("no leader answered (" + noLeader + ")");
    }
    for (NodeInfo m : members) {
      if (m.id() == self) {
        return new Listed(leader);
      }
    }
    long voters = members.stream().filter(m -> m.role() == Role.VOTER).count();
    String who = "leader " + Identity.hex(leader.id()) + " (" + leader.address() + ")";
    if (answering * 2L <= voters) {
      return new Unknown(who + " does not list node " + Identity.hex(self) + ", but only " + answering + " of its "
          + voters + " voters answer: it may have lost its quorum");
    }
    return new Removed(leader, who + ", with " + answering + " of its " + voters + " voters answering, does not list node "
        + Identity.hex(self) + ": the cluster removed it");
  }

  /**
   * The voters of {@code members} that answer DESCRIBE within {@link RoleManager#PROBE_TIMEOUT}, counting the leader
   * (which answered already) and not counting {@code skipId} nor a member at {@code skipAddress} (this node's own
   * address: whatever answers there is not another voter).
   */
  static int votersAnswering(String leaderAddress, List<NodeInfo> members, long skipId, String skipAddress, ClientOptions options) {
    int online = 0;
    for (NodeInfo v : members) {
      if (v.role() != Role.VOTER || v.id() == skipId || v.address().equals(skipAddress)) {
        continue;
      }
      if (v.address().equals(leaderAddress)) {
        online++;
        continue;
      }
      try (CowsqlClient c = CowsqlClient.connect(v.address(), options.withRequestTimeout(RoleManager.PROBE_TIMEOUT))) {
        c.describe(RoleManager.PROBE_TIMEOUT);
        online++;
      } catch (CowsqlException | RuntimeException e) {
        // offline
      }
    }
    return online;
  }

  /** Asks the leader found through {@code addresses} (not this node's own address, whose engine is not running). */
  static Verdict ask(long self, String selfAddress, List<String> addresses, ClientOptions options) {
    List<String> others = addresses.stream().filter(a -> !a.equals(selfAddress)).distinct().toList();
    if (others.isEmpty()) {
      return new Alone();
    }
    ClientOptions quick = options.withRetryTimeout(Duration.ofSeconds(2));
    try (CowsqlClient c = CowsqlClient.findLeader(others, quick)) {
      NodeInfo leader = c.leader();
      List<NodeInfo> members = c.cluster();
      if (leader == null) {
        return decide(self, null, List.of(), 0, c.address() + " knows no leader");
      }
      return decide(self, leader, members, votersAnswering(leader.address(), members, self, selfAddress, options), null);
    } catch (CowsqlException | RuntimeException e) {
      return decide(self, null, List.of(), 0, "asked " + others + ": " + e.getMessage());
    }
  }

  /**
   * {@link #ask}, and a {@link Removed} only when a second answer {@code confirmAfter} later says the same (a leader
   * that was deposed just after it answered has not committed what it answered).
   */
  static Verdict askConfirmed(long self, String selfAddress, List<String> addresses, ClientOptions options, Duration confirmAfter)
      throws InterruptedException {
    Verdict first = ask(self, selfAddress, addresses, options);
    if (!(first instanceof Removed)) {
      return first;
    }
    Thread.sleep(confirmAfter.toMillis());
    Verdict second = ask(self, selfAddress, addresses, options);
    if (second instanceof Unknown u) {
      return new Unknown("a first answer said: " + ((Removed) first).why() + "; a second did not confirm it: " + u.why());
    }
    return second;
  }
}
