package io.cowsql.operator.roll;

import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.recovery.LogPosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a rolling-update decision reads: the StatefulSet's revisions, each pod's revision and state, each agent's log
 * position as its {@code /status} reported it, and the leader's configuration.
 *
 * @param updateRevision      the StatefulSet's update revision; empty when there is no StatefulSet, or its controller
 *                            has not observed the latest template yet (then the revision may be the previous one)
 * @param statefulSetReplicas the StatefulSet's replicas (pods it keeps)
 * @param pods                the cluster's pods
 * @param positions           pod name -> the last entry of its log, for the agents that answered {@code /status}
 * @param cowsql              the leader and the configuration, as the operator's probe saw them
 */
public record RolloutObservation(Optional<String> updateRevision, int statefulSetReplicas, List<PodRevision> pods,
    Map<String, LogPosition> positions, CowsqlView cowsql) {

  /**
   * One pod.
   *
   * @param revision    its {@code controller-revision-hash} label, empty before the controller set it
   * @param ready       its Ready condition
   * @param terminating it has a deletion timestamp
   * @param approved    it carries {@code cowsql.io/update} (spec.updateStrategy Manual)
   */
  public record PodRevision(String name, int ordinal, Optional<String> revision, boolean ready, boolean terminating,
      boolean approved) {}

  public RolloutObservation {
    pods = List.copyOf(pods);
    positions = Map.copyOf(positions);
  }
}
