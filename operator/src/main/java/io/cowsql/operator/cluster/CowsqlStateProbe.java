package io.cowsql.operator.cluster;

import io.cowsql.client.AddressResolver;
import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks the cowsql nodes who leads and who is a member. Nodes know each other by DNS name; the operator
 * dials the pod IPs it read from the API (an {@link AddressResolver} maps one to the other), with short
 * timeouts so one unreachable cluster cannot stall the reconcile loop.
 */
@ApplicationScoped
public class CowsqlStateProbe {

  private final Duration timeout;

  public CowsqlStateProbe(@ConfigProperty(name = "cowsql.operator.probe-timeout", defaultValue = "2s") Duration timeout) {
    this.timeout = timeout;
  }

  /** Nodes are asked one after the other until one knows the leader, within this many timeouts in all. */
  static final int PROBE_BUDGET_TIMEOUTS = 3;

  /**
   * @param dialable cluster address (DNS name:port) -> dialable address (pod IP:port), for pods that have an IP
   */
  public CowsqlView probe(Map<String, String> dialable) {
    if (dialable.isEmpty()) {
      return CowsqlView.unreachable("no pod has an IP yet");
    }
    ClientOptions options = ClientOptions.defaults()
        .withConnectTimeout(timeout)
        .withRequestTimeout(timeout)
        .withRetryTimeout(timeout)
        .withResolver(address -> dialable.getOrDefault(address, address));
    List<String> problems = new ArrayList<>();
    Set<String> answered = new HashSet<>();
    // Bound the whole probe, not just each node: a partitioned cluster must not hold a reconcile thread for
    // (nodes x timeout). The caller puts ready pods first. Without a leader every node is asked (within the
    // budget), so that status can name the voters that do not answer.
    long deadline = System.nanoTime() + timeout.multipliedBy(PROBE_BUDGET_TIMEOUTS).toNanos();
    for (String address : dialable.keySet()) {
      if (System.nanoTime() > deadline) {
        problems.add("gave up after " + PROBE_BUDGET_TIMEOUTS + " x " + timeout.toMillis() + " ms");
        break;
      }
      try (CowsqlClient node = CowsqlClient.connect(address, options)) {
        NodeInfo leader = node.leader();
        answered.add(address);
        if (!leader.isKnown()) {
          problems.add(address + " knows no leader");
          continue;
        }
        try (CowsqlClient leaderClient = leader.address().equals(address) ? null
            : CowsqlClient.connect(leader.address(), options)) {
          CowsqlClient asked = leaderClient == null ? node : leaderClient;
          List<CowsqlView.Member> members = new ArrayList<>();
          for (NodeInfo n : asked.cluster()) {
            members.add(new CowsqlView.Member(Long.toHexString(n.id()), n.address(), roleName(n.role())));
          }
          return new CowsqlView(true, Optional.of(leader.address()), members, Optional.empty());
        } catch (CowsqlException e) {
          // The leader is known but did not list the members: still report it.
          return new CowsqlView(true, Optional.of(leader.address()), List.of(),
              Optional.of("leader " + leader.address() + " did not list members: " + e.getMessage()));
        }
      } catch (CowsqlException | RuntimeException e) {
        problems.add(address + ": " + e.getMessage());
      }
    }
    return new CowsqlView(!answered.isEmpty(), Optional.empty(), List.of(), Optional.of(String.join("; ", problems)),
        answered);
  }

  static String roleName(Role role) {
    return switch (role) {
      case VOTER -> "voter";
      case STANDBY -> "standby";
      case SPARE -> "spare";
    };
  }
}
