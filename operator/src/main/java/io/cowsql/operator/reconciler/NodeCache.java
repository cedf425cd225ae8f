package io.cowsql.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The Nodes the cluster pods run on (zone label, Ready condition), read with a GET and kept a few seconds: every
 * cluster on a Node asks for it each pass, and a Node's readiness is only reported every few seconds anyway.
 */
@ApplicationScoped
public class NodeCache {
  private static final Logger LOG = Logger.getLogger(NodeCache.class);
  static final Duration FRESH_FOR = Duration.ofSeconds(5);

  private record Entry(Optional<Node> node, long readAtNanos) {}

  private final Map<String, Entry> nodes = new ConcurrentHashMap<>();

  /** The Node, empty when it does not exist or cannot be read now. */
  public Optional<Node> get(KubernetesClient client, String name) {
    Entry e = nodes.get(name);
    if (e != null && System.nanoTime() - e.readAtNanos() < FRESH_FOR.toNanos()) {
      return e.node();
    }
    try {
      Optional<Node> node = Optional.ofNullable(client.nodes().withName(name).get());
      nodes.put(name, new Entry(node, System.nanoTime()));
      return node;
    } catch (KubernetesClientException ex) {
      LOG.warnf("cannot read node %s: %s", name, ex.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Ready=True: true; False or Unknown (the node-lifecycle controller's mark of a silent kubelet): false; empty when
   * the Node reports no Ready condition at all (not yet registered by its kubelet).
   */
  public static Optional<Boolean> ready(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
        .map(c -> "True".equals(c.getStatus()));
  }
}
