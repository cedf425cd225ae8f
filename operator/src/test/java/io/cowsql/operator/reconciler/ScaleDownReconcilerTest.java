package io.cowsql.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cowsql.client.CowsqlException;
import io.cowsql.contract.Annotations;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlMembership;
import io.cowsql.operator.cluster.CowsqlStateProbe;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.StorageSpec;
import io.cowsql.operator.plan.StatusAggregator;
import io.cowsql.testing.ApiTier;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mock-API tier: the operator scaling a cluster down against the Fabric8 mock API server. The test plays the
 * StatefulSet controller (it creates the pods and claims, and deletes the pods the StatefulSet no longer has) and
 * cowsql's configuration (a stand-in that keeps the members, their roles and the leader, and applies the changes the
 * operator sends to the leader).
 */
@ApiTier
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = ServedApiVersions.PolicyV1Only.class)
class ScaleDownReconcilerTest {
  static final String NS = "shrink";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String[] ZONES = {"z1", "z2", "z3", "z1", "z2"};

  @Inject
  KubernetesClient client;

  /** A raft configuration per cluster name: what the leader would list. */
  static final class StandInConfiguration {
    record Node(long id, String address, String role) {}

    final List<Node> members = new ArrayList<>();
    long leader;
    final List<String> changes = new CopyOnWriteArrayList<>();
    volatile int fewestVoters = Integer.MAX_VALUE;
    /** Removed id -> the id its pod joins again under at once, as an agent restarted right after the removal. */
    final Map<Long, Long> rejoinsAs = new ConcurrentHashMap<>();

    synchronized CowsqlView view() {
      String leaderAddress = members.stream().filter(n -> n.id() == leader).findFirst().orElseThrow().address();
      return new CowsqlView(true, Optional.of(leaderAddress), members.stream()
          .map(n -> new CowsqlView.Member(Long.toHexString(n.id()), n.address(), n.role())).toList(), Optional.empty());
    }

    synchronized List<Long> ids() {
      return members.stream().map(Node::id).toList();
    }

    synchronized void apply(String leaderAddress, CowsqlMembership.Change change) throws CowsqlException {
      Node at = members.stream().filter(n -> n.address().equals(leaderAddress)).findFirst().orElseThrow();
      if (at.id() != leader) {
        throw new CowsqlException("not leader (stand-in)", CowsqlException.NOT_LEADER);
      }
      int i = indexOf(change.nodeId());
      switch (change.kind()) {
        case TRANSFER_LEADERSHIP -> leader = change.nodeId();
        case PROMOTE_TO_VOTER -> members.set(i, new Node(change.nodeId(), members.get(i).address(), "voter"));
        case DEMOTE_TO_SPARE -> members.set(i, new Node(change.nodeId(), members.get(i).address(), "spare"));
        case REMOVE -> {
          Node removed = members.remove(i);
          Optional.ofNullable(rejoinsAs.remove(removed.id()))
              .ifPresent(id -> members.add(new Node(id, removed.address(), "spare")));
        }
        default -> throw new IllegalArgumentException(change.toString());
      }
      changes.add(change.toString());
      fewestVoters = Math.min(fewestVoters, (int) members.stream().filter(n -> "voter".equals(n.role())).count());
    }

    private int indexOf(long id) throws CowsqlException {
      for (int i = 0; i < members.size(); i++) {
        if (members.get(i).id() == id) {
          return i;
        }
      }
      throw new CowsqlException("no such node " + Long.toHexString(id) + " (stand-in)", CowsqlException.SQLITE_NOTFOUND);
    }
  }

  static final Map<String, StandInConfiguration> COWSQL = new ConcurrentHashMap<>();

  /** The cluster name in a cluster address: {@code <pod>.<cluster>-peers.<ns>.svc...}. */
  static String clusterOf(String address) {
    String peers = address.split("\\.")[1];
    return peers.substring(0, peers.length() - "-peers".length());
  }

  @BeforeEach
  void standInForCowsql() {
    AgentsStandIn.install();
    QuarkusMock.installMockForType(new CowsqlStateProbe(Duration.ofMillis(100)) {
      @Override
      public CowsqlView probe(Map<String, String> dialable) {
        for (String address : dialable.keySet()) {
          StandInConfiguration config = COWSQL.get(clusterOf(address));
          if (config != null) {
            return config.view();
          }
        }
        return CowsqlView.unreachable("no answer (test)");
      }
    }, CowsqlStateProbe.class);
    QuarkusMock.installMockForType(new CowsqlMembership(Duration.ofMillis(100)) {
      @Override
      public void apply(String leader, Map<String, String> dialable, Change change) throws CowsqlException {
        assertThat(dialable).as("the leader is dialled at its pod IP").containsKey(leader);
        COWSQL.get(clusterOf(leader)).apply(leader, change);
      }
    }, CowsqlMembership.class);
  }

  @Test
  void fiveToThreeTakesOutTheHighestMembersOneAtATimeAndDeletesTheirClaims() throws Exception {
    CowsqlCluster c = formed("golf", 5, StorageSpec.RetentionPolicy.Delete,
        // a-4 leads and votes, a-2 is a standby in the one zone no staying voter uses, a-3 a spare
        List.of("voter", "voter", "standby", "spare", "voter"), 4);
    StandInConfiguration config = COWSQL.get("golf");
    AtomicReference<String> violation = new AtomicReference<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(NS).withName("golf").get();
        List<Long> members = config.ids();
        int replicas = sts.getSpec().getReplicas();
        for (int ordinal = replicas; ordinal < 5; ordinal++) {
          if (members.contains(0x100L + ordinal)) {
            violation.compareAndSet(null, "StatefulSet at " + replicas + " while member " + ordinal + " is listed");
          }
        }
      }
    });
    sampler.start();
    try {
      editSpec("golf", r -> {
        r.getSpec().replicas = 3;
        return r;
      });
      actAsTheStatefulSetControllerUntil("golf", 3);
      CowsqlClusterStatus s = awaitStatus("golf", st -> st.scaleDown == null
          && "Reconciled".equals(StatusAggregator.find(st, "Progressing").map(x -> x.getReason()).orElse("")));
      assertThat(s.members).extracting(m -> m.pod).containsExactly("golf-0", "golf-1", "golf-2");
    } finally {
      sampling.set(false);
      sampler.join();
    }
    assertThat(violation.get()).as("the StatefulSet shrank only after the leader stopped listing the member").isNull();
    assertThat(config.changes).as("each member taken out once: leadership first, the replacement before the demotion")
        .containsExactly("TRANSFER_LEADERSHIP 100", "PROMOTE_TO_VOTER 102", "DEMOTE_TO_SPARE 104", "REMOVE 104",
            "REMOVE 103");
    assertThat(config.fewestVoters).as("voters never below the target").isGreaterThanOrEqualTo(3);
    assertThat(config.ids()).containsExactly(0x100L, 0x101L, 0x102L);
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("golf").get().getSpec().getReplicas()).isEqualTo(3);
    await().atMost(WAIT).until(() -> claims("golf").equals(List.of("data-golf-0", "data-golf-1", "data-golf-2")));
    await().atMost(WAIT).until(() -> client.pods().inNamespace(NS).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith("golf-"))
        .allMatch(p -> p.getMetadata().getAnnotations().get(Annotations.LEAVING) == null));
  }

  @Test
  void withWhenScaledRetainTheRemovedMembersClaimStays() throws Exception {
    formed("india", 4, StorageSpec.RetentionPolicy.Retain, List.of("voter", "voter", "voter", "standby"), 0);
    editSpec("india", r -> {
      r.getSpec().replicas = 3;
      return r;
    });
    CowsqlClusterStatus during = awaitStatus("india", st -> st.scaleDown != null);
    assertThat(during.scaleDown.member).isEqualTo("india-3");
    assertThat(during.scaleDown.targetReplicas).isEqualTo(3);
    actAsTheStatefulSetControllerUntil("india", 3);
    CowsqlClusterStatus done = awaitStatus("india", st -> st.scaleDown == null);
    assertThat(done.replicas).isEqualTo(3);
    assertThat(COWSQL.get("india").changes).containsExactly("DEMOTE_TO_SPARE 103", "REMOVE 103");
    // several passes after the scale-down finished: the claim is still there
    Thread.sleep(3000);
    assertThat(claims("india")).containsExactly("data-india-0", "data-india-1", "data-india-2", "data-india-3");
  }

  @Test
  void aPodThatJoinsAsANewSpareAfterItsRemovalIsRemovedTooBeforeTheScaleDownIsDone() throws Exception {
    formed("kilo", 4, StorageSpec.RetentionPolicy.Retain, List.of("voter", "voter", "voter", "standby"), 0);
    StandInConfiguration config = COWSQL.get("kilo");
    // kilo-3's container restarts right after 103's removal: its agent sets the data aside and joins as 5eed
    config.rejoinsAs.put(0x103L, 0x5eedL);
    editSpec("kilo", r -> {
      r.getSpec().replicas = 3;
      return r;
    });
    CowsqlClusterStatus awaiting = awaitStatus("kilo", st -> st.scaleDown != null
        && "AwaitPodGone".equals(st.scaleDown.step));
    assertThat(awaiting.scaleDown.member).as("the StatefulSet is at 3, kilo-3 still runs").isEqualTo("kilo-3");
    assertThat(config.changes).containsExactly("DEMOTE_TO_SPARE 103", "REMOVE 103", "REMOVE 5eed");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("kilo").get().getSpec().getReplicas()).isEqualTo(3);
    actAsTheStatefulSetControllerUntil("kilo", 3);
    awaitStatus("kilo", st -> st.scaleDown == null);
    assertThat(config.ids()).as("no member at ordinal 3 or above is left").containsExactly(0x100L, 0x101L, 0x102L);
  }

  @Test
  void aTargetBelowTheVotersIsRefusedAndNothingChanges() {
    formed("juliet", 3, StorageSpec.RetentionPolicy.Delete, List.of("voter", "voter", "voter"), 0);
    editSpec("juliet", r -> {
      r.getSpec().replicas = 2;
      return r;
    });
    CowsqlClusterStatus s = awaitStatus("juliet", st -> StatusAggregator.find(st, "Progressing")
        .map(x -> "ScaleDownRefused".equals(x.getReason())).orElse(false));
    assertThat(StatusAggregator.find(s, "Progressing").orElseThrow().getMessage())
        .contains("set spec.roles.voters to 2 or less first");
    assertThat(s.scaleDown.step).isEqualTo("Refused");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("juliet").get().getSpec().getReplicas())
        .isEqualTo(3);
    assertThat(COWSQL.get("juliet").changes).isEmpty();
    assertThat(claims("juliet")).hasSize(3);
  }

  /**
   * A cluster of {@code n} Ready pods (with Nodes in ZONES and claims) whose stand-in configuration lists member
   * {@code 0x100 + ordinal} with the given roles and leader.
   */
  private CowsqlCluster formed(String name, int n, StorageSpec.RetentionPolicy whenScaled, List<String> roles,
      int leader) {
    CowsqlCluster c = new CowsqlCluster();
    c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    c.setSpec(new CowsqlClusterSpec());
    c.getSpec().replicas = n;
    c.getSpec().storage.retention.whenScaled = whenScaled;
    c = client.resources(CowsqlCluster.class).inNamespace(NS).resource(c).create();
    StandInConfiguration config = new StandInConfiguration();
    for (int i = 0; i < n; i++) {
      config.members.add(new StandInConfiguration.Node(0x100 + i, ClusterNames.podAddress(c, ClusterNames.pod(c, i)),
          roles.get(i)));
    }
    config.leader = 0x100 + leader;
    COWSQL.put(name, config);
    for (String zone : List.of("z1", "z2", "z3")) {
      if (client.nodes().withName("node-" + zone).get() == null) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-" + zone)
            .addToLabels("topology.kubernetes.io/zone", zone).endMetadata().build()).create();
      }
    }
    CowsqlCluster created = c;
    await().atMost(WAIT).until(() -> client.apps().statefulSets().inNamespace(NS).withName(name).get() != null);
    for (int i = 0; i < n; i++) {
      String pod = ClusterNames.pod(created, i);
      client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
          .withNewMetadata().withName(ClusterNames.DATA_VOLUME + "-" + pod).withNamespace(NS)
          .withLabels(ClusterNames.labels(created)).endMetadata()
          .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
          .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
      client.pods().inNamespace(NS).resource(new PodBuilder()
          .withNewMetadata().withName(pod).withNamespace(NS).withLabels(ClusterNames.labels(created)).endMetadata()
          .withNewSpec().withNodeName("node-" + ZONES[i]).addNewContainer().withName("cowsql").withImage("x")
          .endContainer().endSpec()
          .build()).create();
      String ip = "198.18.7." + (i + 1);
      // like the kubelet: the operator may be annotating the pod at the same moment, so retry on conflicts
      await().atMost(WAIT).ignoreExceptions().until(() -> {
        client.pods().inNamespace(NS).withName(pod).editStatus(p -> new PodBuilder(p).editOrNewStatus().withPodIP(ip)
            .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
        return true;
      });
    }
    awaitStatus(name, st -> st.readyReplicas != null && st.readyReplicas == n && st.leader != null);
    return created;
  }

  /** Deletes the pods above the StatefulSet's replicas, as its controller would, until it has {@code replicas}. */
  private void actAsTheStatefulSetControllerUntil(String name, int replicas) {
    await().atMost(WAIT).until(() -> {
      int now = client.apps().statefulSets().inNamespace(NS).withName(name).get().getSpec().getReplicas();
      for (Pod pod : client.pods().inNamespace(NS).list().getItems()) {
        String podName = pod.getMetadata().getName();
        if (podName.startsWith(name + "-") && Integer.parseInt(podName.substring(name.length() + 1)) >= now) {
          client.pods().inNamespace(NS).withName(podName).delete();
        }
      }
      return now == replicas && client.pods().inNamespace(NS).list().getItems().stream()
          .filter(p -> p.getMetadata().getName().startsWith(name + "-")).count() == replicas;
    });
  }

  private List<String> claims(String name) {
    return client.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
        .map(p -> p.getMetadata().getName()).filter(n -> n.startsWith("data-" + name + "-")).sorted().toList();
  }

  private void editSpec(String name, java.util.function.UnaryOperator<CowsqlCluster> change) {
    new ClusterEdits(client, NS, WAIT).editSpec(name, change);
  }

  private CowsqlClusterStatus awaitStatus(String name, java.util.function.Predicate<CowsqlClusterStatus> test) {
    return new ClusterEdits(client, NS, WAIT).awaitStatus(name, test);
  }
}
