package io.cowsql.operator.plan;

import static io.cowsql.operator.Fixtures.cluster;
import static io.cowsql.operator.Fixtures.led;
import static io.cowsql.operator.Fixtures.noAnswer;
import static io.cowsql.operator.Fixtures.observed;
import static io.cowsql.operator.Fixtures.pendingPod;
import static io.cowsql.operator.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.Annotations;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.StorageSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterPlannerTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void newClusterBootstrapsOnlyOrdinalZero() {
    CowsqlCluster c = cluster("a");
    ClusterPlan plan = ClusterPlanner.decide(c, observed(3,
        List.of(pod("a", 0, "zone-a", false, Map.of()), pod("a", 1, "zone-b", false, Map.of()), pendingPod("a", 2)),
        noAnswer()), NOW);
    assertThat(plan.valid()).isTrue();
    assertThat(plan.statefulSetReplicas()).isEqualTo(3);
    assertThat(plan.bootstrapped()).isFalse();
    assertThat(plan.failureDomains()).containsExactlyInAnyOrderEntriesOf(Map.of("zone-a", 1L, "zone-b", 2L));
    assertThat(plan.podAnnotations()).containsOnlyKeys("a-0", "a-1", "a-2");
    assertThat(plan.podAnnotations().get("a-2")).as("a pending pod gets the live settings only")
        .containsExactlyInAnyOrderEntriesOf(withLiveTargets(Map.of()));
    assertThat(plan.podAnnotations().get("a-0")).containsExactlyInAnyOrderEntriesOf(withLiveTargets(Map.of(
        ClusterNames.ANNOTATION_ZONE, "zone-a", ClusterNames.ANNOTATION_FAILURE_DOMAIN, "1",
        ClusterNames.ANNOTATION_BOOTSTRAP, "true", ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED, NOW.toString())));
    assertThat(plan.podsToRestart()).isEmpty();

    // the permission goes on ordinal 0 as soon as it exists, before it is scheduled
    ClusterPlan early = ClusterPlanner.decide(c, observed(3, List.of(pendingPod("a", 0)), noAnswer()), NOW);
    assertThat(early.podAnnotations().get("a-0")).containsExactlyInAnyOrderEntriesOf(withLiveTargets(Map.of(
        ClusterNames.ANNOTATION_BOOTSTRAP, "true", ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED, NOW.toString())));
    assertThat(plan.podAnnotations().get("a-1")).containsExactlyInAnyOrderEntriesOf(withLiveTargets(Map.of(
        ClusterNames.ANNOTATION_ZONE, "zone-b", ClusterNames.ANNOTATION_FAILURE_DOMAIN, "2")));
  }

  @Test
  void aFormedClusterNeverBootstrapsAgainAndTheBootstrapAnnotationIsWithdrawn() {
    CowsqlCluster c = cluster("a");
    Map<String, String> annotated = withLiveTargets(Map.of(ClusterNames.ANNOTATION_ZONE, "zone-a",
        ClusterNames.ANNOTATION_FAILURE_DOMAIN, "1", ClusterNames.ANNOTATION_BOOTSTRAP, "true"));
    ClusterPlan plan = ClusterPlanner.decide(c, observed(1, List.of(pod("a", 0, "zone-a", true, annotated)),
        led(c, 0, "voter")));
    assertThat(plan.bootstrapped()).isTrue();
    Map<String, String> expected = new HashMap<>();
    expected.put(ClusterNames.ANNOTATION_BOOTSTRAP, null);
    assertThat(plan.podAnnotations()).containsOnlyKeys("a-0");
    assertThat(plan.podAnnotations().get("a-0")).isEqualTo(expected);

    // pod 0 replaced with an empty volume later: status remembers, no bootstrap permission
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    c.getStatus().failureDomains.put("zone-a", 1L);
    ClusterPlan later = ClusterPlanner.decide(c, observed(1, List.of(pod("a", 0, "zone-a", false, Map.of())),
        noAnswer()));
    assertThat(later.podAnnotations().get("a-0")).doesNotContainKey(ClusterNames.ANNOTATION_BOOTSTRAP)
        .containsEntry(ClusterNames.ANNOTATION_FAILURE_DOMAIN, "1");
  }

  @Test
  void ordinalZeroStartedBeforeItsPermissionIsRestartedOnce() {
    CowsqlCluster c = cluster("a");
    Map<String, String> granted = Map.of(ClusterNames.ANNOTATION_ZONE, "zone-a",
        ClusterNames.ANNOTATION_FAILURE_DOMAIN, "1", ClusterNames.ANNOTATION_BOOTSTRAP, "true",
        ClusterNames.ANNOTATION_BOOTSTRAP_GRANTED, NOW.toString());
    ObservedPod startedEarly = new ObservedPod("a-0", 0, Optional.of("n"), Optional.of("zone-a"), Optional.of("198.18.0.1"),
        false, granted, Optional.of(NOW.minusSeconds(1)));
    // not before the grace period
    assertThat(ClusterPlanner.decide(c, observed(3, List.of(startedEarly), noAnswer()), NOW.plusSeconds(5))
        .podsToRestart()).isEmpty();
    assertThat(ClusterPlanner.decide(c, observed(3, List.of(startedEarly), noAnswer()), NOW.plusSeconds(30))
        .podsToRestart()).containsOnlyKeys("a-0");
    // started after the grant: it saw the permission, leave it alone
    ObservedPod startedLate = new ObservedPod("a-0", 0, Optional.of("n"), Optional.of("zone-a"), Optional.of("198.18.0.1"),
        false, granted, Optional.of(NOW.plusSeconds(1)));
    assertThat(ClusterPlanner.decide(c, observed(3, List.of(startedLate), noAnswer()), NOW.plusSeconds(30))
        .podsToRestart()).isEmpty();
    // a formed cluster never restarts anything for this
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    assertThat(ClusterPlanner.decide(c, observed(3, List.of(startedEarly), noAnswer()), NOW.plusSeconds(30))
        .podsToRestart()).isEmpty();
  }

  @Test
  void settledPodsNeedNoWrites() {
    CowsqlCluster c = formedInZoneA();
    Map<String, String> annotated = settledInZoneA();
    ClusterPlan plan = ClusterPlanner.decide(c, observed(1, List.of(pod("a", 0, "zone-a", true, annotated)),
        led(c, 0, "voter")));
    assertThat(plan.writesNothingExtra()).isTrue();
  }

  @Test
  void aRoleTargetChangeReachesEveryRunningPodAsAnnotations() {
    CowsqlCluster c = formedInZoneA();
    Map<String, String> annotated = settledInZoneA();
    c.getSpec().replicas = 5;
    c.getSpec().roles = new io.cowsql.operator.model.RolesSpec();
    c.getSpec().roles.voters = 5;
    ClusterPlan plan = ClusterPlanner.decide(c, observed(5, List.of(pod("a", 0, "zone-a", true, annotated),
        pod("a", 1, "zone-a", true, annotated)), led(c, 0, "voter", "voter")));
    assertThat(plan.podAnnotations()).containsOnlyKeys("a-0", "a-1");
    assertThat(plan.podAnnotations().get("a-1")).containsExactlyEntriesOf(Map.of(Annotations.VOTERS, "5"));
    assertThat(plan.podsToRestart()).isEmpty();
  }

  /** Cluster "a", formed, zone-a known as failure domain 1. */
  static CowsqlCluster formedInZoneA() {
    CowsqlCluster c = cluster("a");
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    c.getStatus().failureDomains.put("zone-a", 1L);
    return c;
  }

  /** A pod's annotations once the operator has nothing more to write on it (in zone-a, defaults). */
  static Map<String, String> settledInZoneA() {
    return withLiveTargets(Map.of(ClusterNames.ANNOTATION_ZONE, "zone-a", ClusterNames.ANNOTATION_FAILURE_DOMAIN, "1"));
  }

  /** The annotations with the live role targets at their defaults, as the operator keeps them on every pod. */
  static Map<String, String> withLiveTargets(Map<String, String> annotations) {
    Map<String, String> all = new HashMap<>(annotations);
    all.put(Annotations.VOTERS, "3");
    all.put(Annotations.STANDBYS, "3");
    return all;
  }

  /** replicas: 1 with the default role targets (as the API server stores it): one node, which bootstraps. */
  @Test
  void aSingleReplicaWithTheDefaultRoleTargetsIsPlannedAsOneNode() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 1;
    ClusterPlan plan = ClusterPlanner.decide(c, observed(null, List.of(), noAnswer()), NOW);
    assertThat(plan.specErrors()).isEmpty();
    assertThat(plan.specWarnings()).isEmpty();
    assertThat(plan.statefulSetReplicas()).isEqualTo(1);
    ClusterPlan scheduled = ClusterPlanner.decide(c, observed(1, List.of(pod("a", 0, "zone-a", false, Map.of())),
        noAnswer()), NOW);
    assertThat(scheduled.podAnnotations()).containsOnlyKeys("a-0");
    assertThat(scheduled.podAnnotations().get("a-0")).containsEntry(ClusterNames.ANNOTATION_BOOTSTRAP, "true");
  }

  @Test
  void shrinkWithoutALeaderKeepsTheStatefulSet() {
    CowsqlCluster c = cluster("a");
    c.getSpec().replicas = 3;
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    ClusterPlan plan = ClusterPlanner.decide(c, observed(5, List.of(), noAnswer()));
    assertThat(plan.statefulSetReplicas()).isEqualTo(5);
    assertThat(plan.scaleDownRefused()).get().asString().contains("Waiting to take out a-4")
        .contains("no leader answers");
    c.getSpec().replicas = 7;
    ClusterPlan grow = ClusterPlanner.decide(c, observed(5, List.of(), noAnswer()));
    assertThat(grow.statefulSetReplicas()).isEqualTo(7);
    assertThat(grow.scaleDownRefused()).isEmpty();
  }

  @Test
  void invalidSpecPlansNoChange() {
    CowsqlCluster c = cluster("a");
    c.getSpec().roles.voters = 2;
    ClusterPlan plan = ClusterPlanner.decide(c, observed(3, List.of(pod("a", 0, "zone-a", false, Map.of())),
        noAnswer()));
    assertThat(plan.valid()).isFalse();
    assertThat(plan.statefulSetReplicas()).isEqualTo(3);
    assertThat(plan.podAnnotations()).isEmpty();
    assertThat(plan.claimsToOwn()).isEmpty();
  }

  @Test
  void codesLostFromStatusAreRecoveredFromPodAnnotations() {
    CowsqlCluster c = cluster("a");
    Map<String, String> annotated = withLiveTargets(Map.of(ClusterNames.ANNOTATION_ZONE, "zone-b",
        ClusterNames.ANNOTATION_FAILURE_DOMAIN, "4"));
    ClusterPlan plan = ClusterPlanner.decide(c, observed(2, List.of(pod("a", 0, "zone-b", true, annotated),
        pod("a", 1, "zone-c", false, Map.of())), noAnswer()));
    assertThat(plan.failureDomains()).containsExactlyInAnyOrderEntriesOf(Map.of("zone-b", 4L, "zone-c", 5L));
    assertThat(plan.podAnnotations()).containsOnlyKeys("a-1");
  }

  @Test
  void claimRetentionFollowsTheSpec() {
    CowsqlCluster c = cluster("a");
    c.getSpec().storage.retention.whenDeleted = StorageSpec.RetentionPolicy.Delete;
    ObservedCluster o = new ObservedCluster(java.util.Optional.of(2), java.util.Optional.of(0), List.of(),
        List.of(new ObservedCluster.ObservedClaim("data-a-0", false), new ObservedCluster.ObservedClaim("data-a-1", true)),
        noAnswer());
    assertThat(ClusterPlanner.decide(c, o).claimsToOwn()).containsExactly("data-a-0");
    c.getSpec().storage.retention.whenDeleted = StorageSpec.RetentionPolicy.Retain;
    assertThat(ClusterPlanner.decide(c, o).claimsToRelease()).containsExactly("data-a-1");
  }

  @Test
  void aFormedClustersIdentityCannotChange() {
    CowsqlCluster c = cluster("a");
    c.setStatus(new CowsqlClusterStatus());
    c.getStatus().bootstrapped = true;
    c.getStatus().clusterId = "db/a";
    ObservedCluster o = observed(1, List.of(pod("a", 0, "zone-a", true, Map.of())), led(c, 0, "voter"));
    assertThat(ClusterPlanner.decide(c, o).valid()).isTrue();
    c.getSpec().clusterId = "db/b";
    ClusterPlan plan = ClusterPlanner.decide(c, o);
    assertThat(plan.valid()).isFalse();
    assertThat(plan.specErrors()).singleElement().asString().startsWith("spec.clusterId: the cluster formed as 'db/a'");
  }
}
