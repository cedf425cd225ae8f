package io.cowsql.operator.cluster;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.Role;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Changes the raft configuration through the leader: one request per call, on a connection of its own, dialled at
 * the leader's pod IP as {@link CowsqlStateProbe} dials (the nodes know each other by DNS name). A node that is no
 * longer the leader refuses the request; the caller plans again from a fresh observation.
 */
@ApplicationScoped
public class CowsqlMembership {

  /** One change of the configuration; the node id as the engine numbers it. */
  public record Change(Kind kind, long nodeId) {
    public static Change of(Kind kind, String hexId) {
      return new Change(kind, Long.parseUnsignedLong(hexId, 16));
    }

    @Override
    public String toString() {
      return kind + " " + Long.toHexString(nodeId);
    }
  }

  public enum Kind {
    /** Leadership goes to the node (the engine waits for it to catch up first). */
    TRANSFER_LEADERSHIP,
    /** The node becomes a voter. */
    PROMOTE_TO_VOTER,
    /** The node becomes a spare. */
    DEMOTE_TO_SPARE,
    /** The node leaves the configuration. */
    REMOVE
  }

  private final Duration timeout;

  public CowsqlMembership(
      @ConfigProperty(name = "cowsql.operator.membership-timeout", defaultValue = "10s") Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * @param leader   the leader's cluster address (DNS name:port)
   * @param dialable cluster address -> dialable address (pod IP:port)
   */
  public void apply(String leader, Map<String, String> dialable, Change change) throws CowsqlException {
    ClientOptions options = ClientOptions.defaults()
        .withConnectTimeout(timeout)
        .withRequestTimeout(timeout)
        .withRetryTimeout(timeout)
        .withResolver(address -> dialable.getOrDefault(address, address));
    try (CowsqlClient client = CowsqlClient.connect(leader, options)) {
      switch (change.kind()) {
        case TRANSFER_LEADERSHIP -> client.transfer(change.nodeId());
        case PROMOTE_TO_VOTER -> client.assign(change.nodeId(), Role.VOTER);
        case DEMOTE_TO_SPARE -> client.assign(change.nodeId(), Role.SPARE);
        case REMOVE -> client.remove(change.nodeId());
        default -> throw new IllegalArgumentException(change.toString());
      }
    }
  }
}
