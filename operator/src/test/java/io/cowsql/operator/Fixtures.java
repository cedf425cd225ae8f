package io.cowsql.operator;

import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static CowsqlCluster cluster(String name) {
    CowsqlCluster c = new CowsqlCluster();
    c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("db").withUid("uid-" + name).withGeneration(1L)
        .build());
    c.setSpec(new CowsqlClusterSpec());
    return c;
  }

  public static ObservedPod pod(String cluster, int ordinal, String zone, boolean ready, Map<String, String> annotations) {
    return new ObservedPod(cluster + "-" + ordinal, ordinal, Optional.ofNullable(zone == null ? null : "node-" + zone),
        Optional.ofNullable(zone), Optional.of("198.18.0." + (ordinal + 1)), ready, annotations, Optional.empty());
  }

  public static ObservedPod pendingPod(String cluster, int ordinal) {
    return new ObservedPod(cluster + "-" + ordinal, ordinal, Optional.empty(), Optional.empty(), Optional.empty(), false,
        Map.of(), Optional.empty());
  }

  public static ObservedCluster observed(Integer stsReplicas, List<ObservedPod> pods, CowsqlView view) {
    return new ObservedCluster(Optional.ofNullable(stsReplicas), Optional.ofNullable(stsReplicas), pods, List.of(), view);
  }

  public static CowsqlView noAnswer() {
    return CowsqlView.unreachable("no pod has an IP yet");
  }

  public static CowsqlView led(CowsqlCluster c, int leaderOrdinal, String... roles) {
    List<CowsqlView.Member> members = new java.util.ArrayList<>();
    for (int i = 0; i < roles.length; i++) {
      members.add(new CowsqlView.Member(Long.toString(1000 + i), ClusterNames.podAddress(c, ClusterNames.pod(c, i)),
          roles[i]));
    }
    return new CowsqlView(true, Optional.of(ClusterNames.podAddress(c, ClusterNames.pod(c, leaderOrdinal))), members,
        Optional.empty());
  }
}
