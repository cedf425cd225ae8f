package io.cowsql.operator.roll;

import static io.cowsql.operator.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.CowsqlException;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlMembership;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.dependents.StatefulSetDependent;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.cowsql.testing.ApiTier;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Mock-API tier: the rolling update's steps against the Fabric8 mock API server (CRUD). Leadership transfers go to
 * a stand-in for the leader that records the change it is sent.
 */
@ApiTier
@EnableKubernetesMockClient(crud = true)
class RolloutExecutorTest {
  KubernetesClient client;

  final CowsqlCluster cluster = cluster("a");
  final List<String> sent = new CopyOnWriteArrayList<>();
  final RolloutExecutor executor = new RolloutExecutor(new CowsqlMembership(Duration.ofSeconds(1)) {
    @Override
    public void apply(String leader, Map<String, String> dialable, Change change) throws CowsqlException {
      sent.add(leader + " -> " + dialable.get(leader) + ": " + change);
    }
  });

  Pod pod(int ordinal, String revision) {
    return client.pods().inNamespace("db").resource(new PodBuilder().withNewMetadata()
        .withName(ClusterNames.pod(cluster, ordinal)).withNamespace("db")
        .withLabels(Map.of(StatefulSetDependent.REVISION_LABEL, revision)).endMetadata().build()).create();
  }

  ObservedCluster observed() {
    List<ObservedPod> pods = List.of(0, 1, 2).stream().map(i -> new ObservedPod(ClusterNames.pod(cluster, i), i,
        Optional.of("n" + i), Optional.of("z" + i), Optional.of("198.18.0." + (i + 1)), true, Map.of(),
        Optional.empty())).toList();
    return new ObservedCluster(Optional.of(3), Optional.of(3), pods, List.of(), new CowsqlView(true,
        Optional.of(ClusterNames.podAddress(cluster, "a-0")), List.of(), Optional.empty()));
  }

  static RolloutPlan plan(RolloutPlan.Step step, String pod, Optional<String> target) {
    return new RolloutPlan(step, Optional.of(pod), target, "a-x runs revision old, the template is at new",
        Optional.of("new"), 1, 3, Map.of(), Optional.empty());
  }

  @Test
  void aRestartDeletesThePodThatRunsAnOldRevision() {
    pod(1, "old");
    pod(2, "new");
    Optional<RolloutExecutor.Outcome> outcome = executor.execute(client, cluster, observed(),
        plan(RolloutPlan.Step.RESTART, "a-1", Optional.empty()));
    assertThat(outcome).hasValueSatisfying(o -> {
      assertThat(o.failed()).isFalse();
      assertThat(o.reason()).isEqualTo(RolloutExecutor.POD_RESTARTED);
      assertThat(o.message()).startsWith("Restarted a-1");
    });
    assertThat(client.pods().inNamespace("db").withName("a-1").get()).isNull();
    assertThat(client.pods().inNamespace("db").withName("a-2").get()).isNotNull();
  }

  @Test
  void aPodThatAlreadyRunsTheUpdateRevisionIsNotDeletedOnAStaleCache() {
    // The cache said a-1 was old; the API server has its replacement already.
    Pod replacement = pod(1, "new");
    assertThat(executor.execute(client, cluster, observed(), plan(RolloutPlan.Step.RESTART, "a-1", Optional.empty())))
        .isEmpty();
    assertThat(client.pods().inNamespace("db").withName("a-1").get().getMetadata().getUid())
        .isEqualTo(replacement.getMetadata().getUid());
    assertThat(executor.execute(client, cluster, observed(), plan(RolloutPlan.Step.RESTART, "a-9", Optional.empty())))
        .as("a pod that is gone").isEmpty();
  }

  @Test
  void aHandoverGoesThroughTheLeaderAtItsPodIp() {
    Optional<RolloutExecutor.Outcome> outcome = executor.execute(client, cluster, observed(),
        plan(RolloutPlan.Step.TRANSFER_LEADERSHIP, "a-0", Optional.of("1001")));
    assertThat(sent).containsExactly(ClusterNames.podAddress(cluster, "a-0") + " -> 198.18.0.1:"
        + ClusterNames.COWSQL_PORT + ": TRANSFER_LEADERSHIP 1001");
    assertThat(outcome).hasValueSatisfying(o -> assertThat(o.reason())
        .isEqualTo(RolloutExecutor.LEADERSHIP_TRANSFERRED));
  }

  @Test
  void waitsAndStopsChangeNothing() {
    pod(1, "old");
    for (RolloutPlan.Step step : List.of(RolloutPlan.Step.WAIT, RolloutPlan.Step.STOPPED, RolloutPlan.Step.IDLE,
        RolloutPlan.Step.AWAIT_APPROVAL)) {
      assertThat(executor.execute(client, cluster, observed(), plan(step, "a-1", Optional.empty()))).isEmpty();
    }
    assertThat(client.pods().inNamespace("db").withName("a-1").get()).isNotNull();
    assertThat(sent).isEmpty();
  }
}
