package io.cowsql.node.agent;

import io.cowsql.client.NodeInfo;
import io.cowsql.client.NodeMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this node last saw of the cluster (refreshed every roles interval by {@link RoleManager}).
 *
 * @param members the configuration as this node knows it (empty before it joined)
 * @param leader the leader, or null when unknown
 * @param self this node's DESCRIBE answer, or null
 * @param online metadata per online member (only filled while this node leads)
 * @param leaving the ids of the members a scale-down takes out, as this node read them last
 * @param atNanos when it was taken (System.nanoTime)
 */
public record ClusterView(List<NodeInfo> members, NodeInfo leader, NodeMetadata self, Map<Long, NodeMetadata> online, Set<Long> leaving,
    long atNanos) {
  public static final ClusterView EMPTY = new ClusterView(List.of(), null, null, Map.of(), Set.of(), 0);

  public NodeInfo member(long id) {
    for (NodeInfo m : members) {
      if (m.id() == id) {
        return m;
      }
    }
    return null;
  }
}
