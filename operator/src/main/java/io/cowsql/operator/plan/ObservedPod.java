package io.cowsql.operator.plan;

import java.util.Map;
import java.util.Optional;

/**
 * A pod of the cluster as the API shows it.
 *
 * @param name        pod name
 * @param ordinal     StatefulSet ordinal
 * @param nodeName    node it is scheduled on, empty while Pending
 * @param zone        the node's topology value; empty when unscheduled or the node has no such label
 * @param podIp       its IP, empty until it runs
 * @param ready       the Ready condition
 * @param annotations its annotations (the operator's failure-domain, zone and bootstrap keys among them)
 * @param startedAt   when its node container last started, empty when it is not running
 * @param nodeReady   its Node's Ready condition (false also for Unknown), empty when unscheduled or not read
 */
public record ObservedPod(String name, int ordinal, Optional<String> nodeName, Optional<String> zone,
    Optional<String> podIp, boolean ready, Map<String, String> annotations, Optional<java.time.Instant> startedAt,
    Optional<Boolean> nodeReady) {

  public ObservedPod(String name, int ordinal, Optional<String> nodeName, Optional<String> zone, Optional<String> podIp,
      boolean ready, Map<String, String> annotations, Optional<java.time.Instant> startedAt) {
    this(name, ordinal, nodeName, zone, podIp, ready, annotations, startedAt, Optional.empty());
  }

  public ObservedPod {
    Map<String, String> copy = new java.util.LinkedHashMap<>();
    annotations.forEach((k, v) -> {
      if (k != null && v != null) {
        copy.put(k, v);
      }
    });
    annotations = java.util.Collections.unmodifiableMap(copy);
  }

  public boolean scheduled() {
    return nodeName.isPresent();
  }
}
