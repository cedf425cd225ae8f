package io.cowsql.e2e.operator;

import static io.cowsql.e2e.operator.CowsqlClusterApi.condition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cowsql.e2e.chaos.OperatorTestbed;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.e2e.testbed.TestbedFixture;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.RecoverySpec;
import io.cowsql.operator.model.RecoveryStatus;
import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Automated quorum-loss recovery on the real Kubernetes 1.20 testbed, with the operator installed from {@code crds/}
 * and {@code deploy/operator.yaml} and a 3-node cluster of real node agents on the real engine
 * ({@code spec.recovery.mode: Automatic}, {@code quorumLossTimeout: 20s}). Two members frozen for longer than the
 * timeout with their volumes intact are no evidence: the operator waits, says so, and the cluster heals by itself
 * once they resume, nothing fenced or restarted. Then two of the three members lost for good
 * (their processes frozen, then their volumes wiped and claims and pods deleted, as when two machines and their disks
 * are gone) and the operator brings the cluster back from the survivor: writable, every acknowledged write there,
 * three voters again, the lost members' node ids gone from the configuration, one reconfigure. Then, in mode Manual,
 * the same loss again: the plan waits for its approval, a stale plan id is refused with a message and runs nothing,
 * the exact id runs it (epoch 2, who approved recorded). Timings are printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SystemTier
class QuorumRecoverySystemTest {
  static final Path REPO = OperatorTestbed.repository();
  static final String NS = "recovery";
  static final String NAME = "rec";
  static final Duration WRITE_PACE = Duration.ofMillis(20);

  @RegisterExtension
  static final TestbedFixture TESTBED = TestbedFixture.withDefaults().inSubdirectory("quorum-recovery");

  static Testbed tb;
  static KubernetesClient c;
  static CowsqlClusterApi api;

  @BeforeAll
  static void installTheOperatorAndCreateACluster() throws Exception {
    tb = TESTBED.testbed();
    c = tb.client();
    api = new CowsqlClusterApi(tb, NS);
    OperatorTestbed.install(tb, REPO);
    api.createCluster(NAME, 3, spec -> {
      spec.recovery.mode = RecoverySpec.Mode.Automatic;
      spec.recovery.quorumLossTimeout = "20s";
    });
    api.awaitStatus(NAME, Duration.ofMinutes(4), QuorumRecoverySystemTest::threeVotersReady);
  }

  static boolean threeVotersReady(CowsqlClusterStatus st) {
    return "Running".equals(st.phase) && st.leader != null && Integer.valueOf(3).equals(st.readyReplicas)
        && Integer.valueOf(3).equals(st.voters) && st.members.stream().allMatch(m -> Boolean.TRUE.equals(m.ready));
  }

  @Test
  @Order(1)
  void twoOfThreeFrozenLongerThanTheTimeoutWithTheirVolumesIntactAreNotEvidenceAndTheClusterHealsByItself()
      throws Exception {
    CowsqlClusterStatus before = api.status(NAME);
    Map<String, String> pods = podUids();
    List<String> frozen = before.members.stream().map(m -> m.pod).filter(p -> !p.equals(before.leader)).toList();
    ClientWriteLoop writes = new ClientWriteLoop(tb, ClientWriteLoop.addresses(NS, NAME, 3), "decoy", WRITE_PACE);
    Thread.sleep(2000);
    writes.stop();
    MajorityLoss.freeze(tb, NS, frozen);
    try {
      CowsqlClusterStatus awaiting = api.awaitStatus(NAME, Duration.ofMinutes(2), st -> st.recovery != null
          && st.recovery.phase == RecoveryStatus.Phase.AwaitingEvidence);
      assertThat(condition(awaiting, "QuorumLost").getReason()).isEqualTo("AwaitingEvidence");
      assertThat(condition(awaiting, "QuorumLost").getMessage()).contains(frozen.get(0), frozen.get(1), "is intact",
          "If they come back, the cluster heals by itself", "cowsql.io/approve-recovery=");
      assertThat(awaiting.recovery.epoch).as("no plan, no epoch").isNull();
      Thread.sleep(10_000); // several passes more: still only waiting
      assertThat(api.status(NAME).recovery.phase).isEqualTo(RecoveryStatus.Phase.AwaitingEvidence);
    } finally {
      frozen.forEach(p -> tb.kubelet().resume(NS, p));
    }
    CowsqlClusterStatus healed = api.awaitStatus(NAME, Duration.ofMinutes(2), st -> threeVotersReady(st)
        && st.recovery != null && st.recovery.phase == RecoveryStatus.Phase.Cancelled);
    assertThat(condition(healed, "QuorumLost").getStatus()).isEqualTo("False");
    assertThat(healed.recovery.publishedEpoch).isNull();
    // the kubelet may have restarted a frozen container (its liveness probe); no pod was deleted or replaced
    assertThat(podUids()).as("pods").isEqualTo(pods);
    assertThat(writes.missingAcknowledged()).isEmpty();
    writes.close();
  }

  @Test
  @Order(2)
  void twoOfThreeLostForGoodRecoverFromTheSurvivorWithEveryAcknowledgedWriteAndThreeVotersAgain() throws Exception {
    CowsqlClusterStatus before = api.status(NAME);
    // lose the leader and one follower: the survivor is a follower
    String survivor = before.members.stream().filter(m -> !m.pod.equals(before.leader)).map(m -> m.pod).findFirst()
        .orElseThrow();
    List<String> lost = before.members.stream().map(m -> m.pod).filter(p -> !p.equals(survivor)).toList();
    Set<String> lostIds = before.members.stream().filter(m -> lost.contains(m.pod)).map(m -> m.nodeId)
        .collect(Collectors.toSet());

    ClientWriteLoop writes = new ClientWriteLoop(tb, ClientWriteLoop.addresses(NS, NAME, 3), "before-loss", WRITE_PACE);
    Thread.sleep(3000);
    writes.stop();
    assertThat(writes.acknowledged()).as("writes acknowledged before the loss").isPositive();
    // every acknowledged write is on a majority; wait until the survivor has the leader's last entry too, so that
    // every one of them is on the survivor and must be there after the recovery
    MajorityLoss.awaitSameLastEntry(tb, NS, before.members.stream().map(m -> m.pod).toList(), Duration.ofSeconds(30));

    long t0 = System.nanoTime();
    MajorityLoss.freeze(tb, NS, lost);
    CowsqlClusterStatus waiting = api.awaitStatus(NAME, Duration.ofSeconds(60), st -> st.recovery != null
        && st.recovery.phase == RecoveryStatus.Phase.Waiting && st.recovery.lost.size() == 2);
    assertThat(waiting.recovery.lost).extracting(m -> m.pod).containsExactlyInAnyOrderElementsOf(lost);
    assertThat(condition(waiting, "QuorumLost").getReason()).isEqualTo("Waiting");
    // now the two machines' disks are gone for good
    MajorityLoss.destroy(tb, NS, lost);

    CowsqlClusterStatus recovered = api.awaitStatus(NAME, Duration.ofMinutes(6), st -> st.recovery != null
        && st.recovery.phase == RecoveryStatus.Phase.Recovered);
    double toRecovered = (System.nanoTime() - t0) / 1e9;
    CowsqlClusterStatus full = api.awaitStatus(NAME, Duration.ofMinutes(4), QuorumRecoverySystemTest::threeVotersReady);
    double toFull = (System.nanoTime() - t0) / 1e9;
    try (ClientWriteLoop probe = new ClientWriteLoop(tb, ClientWriteLoop.addresses(NS, NAME, 3), "after-recovery",
        WRITE_PACE)) {
      Thread.sleep(2000);
      probe.stop();
      System.out.printf("recovery of 2 lost of 3: Recovered after %.1f s, 3 voters ready after %.1f s (timeout 20 s);"
          + " template %s; writes after: %s%n", toRecovered, toFull, recovered.recovery.template, probe.summary());
      assertThat(probe.acknowledged()).as("writes acknowledged after the recovery").isPositive();
      assertThat(probe.missingAcknowledged()).isEmpty();

      RecoveryStatus r = full.recovery;
      assertThat(r.template).isEqualTo(survivor);
      assertThat(r.epoch).isEqualTo(1L);
      assertThat(r.publishedEpoch).isEqualTo(1L);
      assertThat(r.history).first().satisfies(h -> {
        assertThat(h.outcome).isEqualTo(RecoveryStatus.Phase.Recovered);
        assertThat(h.template).isEqualTo(survivor);
      });
      assertThat(r.lost).extracting(m -> m.evidence).containsOnly("VolumeGone");
      assertThat(condition(full, "QuorumLost").getStatus()).isEqualTo("False");
      assertThat(condition(full, "QuorumLost").getReason()).isEqualTo("Recovered");
      // the lost members' nodes are gone from the configuration; three voters, the survivor among them
      assertThat(full.members).extracting(m -> m.nodeId).doesNotContainAnyElementsOf(lostIds);
      assertThat(full.members.stream().filter(m -> "voter".equals(m.role)).map(m -> m.pod))
          .containsExactlyInAnyOrder(NAME + "-0", NAME + "-1", NAME + "-2");
      Set<String> zones = full.members.stream().map(m -> m.zone).collect(Collectors.toSet());
      assertThat(full.members.stream().filter(m -> "voter".equals(m.role)).map(m -> m.zone).collect(Collectors.toSet()))
          .as("voters use every zone the members are in").isEqualTo(zones);
      // every data dir now records epoch 1; the survivor kept its node id
      for (CowsqlClusterStatus.Member m : full.members) {
        JsonNode d = MajorityLoss.agent(tb, NS, m.pod, "/datadir");
        assertThat(d.path("epoch").asLong()).as(m.pod + "'s data dir epoch").isEqualTo(1L);
      }
      assertThat(full.members.stream().filter(m -> m.pod.equals(survivor)).map(m -> m.nodeId))
          .containsExactly(before.members.stream().filter(m -> m.pod.equals(survivor)).map(m -> m.nodeId)
              .findFirst().orElseThrow());
    }
    assertThat(writes.missingAcknowledged()).as("acknowledged writes before the loss the cluster does not have (%s)",
        writes.summary()).isEmpty();
    writes.close();

    // one reconfigure, on the template; one Event per step
    List<Event> events = api.operatorEvents(NAME);
    Map<String, Long> reasons = new TreeMap<>(events.stream().collect(Collectors.groupingBy(Event::getReason,
        Collectors.counting())));
    System.out.println("recovery Events: " + reasons);
    events.stream().filter(e -> e.getReason().startsWith("Recovery")).forEach(e -> System.out.println("  "
        + e.getLastTimestamp() + " " + e.getReason() + " x" + e.getCount() + ": " + e.getMessage()));
    assertThat(events).filteredOn(e -> "RecoveryStep".equals(e.getReason())
        && e.getMessage().contains("reconfigure of the template")).hasSize(1);
    assertThat(reasons).containsKeys("RecoveryStoppingSurvivors", "RecoveryReconfiguring", "RecoveryRegrowing",
        "Recovered");
  }

  @Test
  @Order(3)
  void inManualModeARecoveryRunsOnlyOnceItsExactPlanIdIsApprovedAndAStaleIdIsRefused() throws Exception {
    api.clusters().withName(NAME).edit(cr -> {
      cr.getSpec().recovery.mode = RecoverySpec.Mode.Manual;
      return cr;
    });
    CowsqlClusterStatus before = api.awaitStatus(NAME, Duration.ofMinutes(2), QuorumRecoverySystemTest::threeVotersReady);
    long epoch = before.recovery.epochOrZero();
    String survivor = before.members.stream().filter(m -> !m.pod.equals(before.leader)).map(m -> m.pod).findFirst()
        .orElseThrow();
    List<String> lost = before.members.stream().map(m -> m.pod).filter(p -> !p.equals(survivor)).toList();
    ClientWriteLoop writes = new ClientWriteLoop(tb, ClientWriteLoop.addresses(NS, NAME, 3), "manual", WRITE_PACE);
    Thread.sleep(2000);
    writes.stop();
    MajorityLoss.awaitSameLastEntry(tb, NS, before.members.stream().map(m -> m.pod).toList(), Duration.ofSeconds(30));
    MajorityLoss.freeze(tb, NS, lost);
    api.awaitStatus(NAME, Duration.ofSeconds(60), st -> st.recovery.phase == RecoveryStatus.Phase.Waiting
        && st.recovery.lost.size() == 2);
    MajorityLoss.destroy(tb, NS, lost);

    CowsqlClusterStatus awaiting = api.awaitStatus(NAME, Duration.ofMinutes(2),
        st -> st.recovery.phase == RecoveryStatus.Phase.AwaitingApproval);
    String planId = awaiting.recovery.planId;
    assertThat(planId).startsWith("r" + (epoch + 1) + "-");
    assertThat(condition(awaiting, "QuorumLost").getReason()).isEqualTo("AwaitingApproval");
    assertThat(condition(awaiting, "QuorumLost").getMessage()).contains("Every lost voter is gone for good",
        "kubectl annotate cowsqlcluster/" + NAME + " cowsql.io/approve-recovery=" + planId);
    String stale = "r" + (epoch + 1) + "-00000000";
    api.kubectl("annotate", "-n", NS, "cowsqlcluster/" + NAME, "cowsql.io/approve-recovery=" + stale, "--overwrite");
    CowsqlClusterStatus refused = api.awaitStatus(NAME, Duration.ofSeconds(60), st -> st.recovery.message != null
        && st.recovery.message.contains("The approval '" + stale + "' is refused"));
    assertThat(refused.recovery.phase).isEqualTo(RecoveryStatus.Phase.AwaitingApproval);
    Thread.sleep(8000); // passes more: nothing runs on a stale id
    CowsqlClusterStatus still = api.status(NAME);
    assertThat(still.recovery.phase).isEqualTo(RecoveryStatus.Phase.AwaitingApproval);
    assertThat(still.recovery.epochOrZero()).isEqualTo(epoch);

    api.kubectl("annotate", "-n", NS, "cowsqlcluster/" + NAME, "cowsql.io/approve-recovery=" + planId, "--overwrite");
    CowsqlClusterStatus recovered = api.awaitStatus(NAME, Duration.ofMinutes(6), st -> threeVotersReady(st)
        && st.recovery.phase == RecoveryStatus.Phase.Recovered && st.recovery.epochOrZero() == epoch + 1);
    assertThat(recovered.recovery.template).isEqualTo(survivor);
    assertThat(recovered.recovery.approvedBy).as("the manager that wrote the annotation").startsWith("kubectl");
    assertThat(recovered.recovery.history).hasSizeGreaterThanOrEqualTo(2).first()
        .satisfies(h -> assertThat(h.planId).isEqualTo(planId));
    for (CowsqlClusterStatus.Member m : recovered.members) {
      assertThat(MajorityLoss.agent(tb, NS, m.pod, "/datadir").path("epoch").asLong()).as(m.pod).isEqualTo(epoch + 1);
    }
    assertThat(writes.missingAcknowledged()).as("acknowledged writes lost (%s)", writes.summary()).isEmpty();
    writes.close();
  }

  static Map<String, String> podUids() {
    Map<String, String> m = new TreeMap<>();
    c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", NAME).list().getItems()
        .forEach(p -> m.put(p.getMetadata().getName(), p.getMetadata().getUid()));
    return m;
  }
}
