package io.cowsql.e2e.operator;

import static io.cowsql.e2e.operator.CowsqlClusterApi.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlClient;
import io.cowsql.e2e.chaos.OperatorTestbed;
import io.cowsql.e2e.testbed.HostsFile;
import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.e2e.testbed.TestbedFixture;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.UserAnnotations;
import io.cowsql.testing.SystemTier;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rolling update and the scale-down on the real Kubernetes 1.20 testbed with the operator installed from
 * {@code crds/} and {@code deploy/operator.yaml}, a 3-node cluster of real node agents, and during every step a write
 * loop through the project's client ({@link ClientWriteLoop}) whose every acknowledged write must be there at the end:
 * a requested restart ({@code cowsql.io/restart}) restarts the pods one at a time, the leader last; an image the
 * kubelet cannot pull stops the rollout after that one pod, with quorum kept and writes served, and reverting resumes
 * it; the operator killed in the middle of a rollout and of a scale-down 5 -> 3 resumes and finishes, restarting no pod
 * twice and removing no member twice; two Nodes drained at once lose one member only, the budget holding the other
 * drain back.
 *
 * <p>That a roles change restarts no pod is {@code OperatorSystemTest.changingTheVoterTargetRestartsNoPod}.
 * The operator runs with a member timeout of {@link #MEMBER_TIMEOUT} (the shipped default, 10 min, would make the
 * stopped rollout a long wait). Timings are printed, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SystemTier
class RollingUpdateSystemTest {
  static final Path REPO = OperatorTestbed.repository();
  static final String NS = "rolling";
  static final String NAME = "roll";
  static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(90);
  /** The node image under another tag: the process kubelet maps images by repository, so it runs the same agent. */
  static final String OTHER_TAG = "ghcr.io/cowsql/cowsql-node:0.1.1";
  /** A repository the process kubelet's image table does not have: its pods stay in ErrImagePull, as a typo would. */
  static final String UNPULLABLE = "ghcr.io/cowsql/cowsql-node-typo:0.1.0";
  static final Duration WRITE_PACE = Duration.ofMillis(20);

  @RegisterExtension
  static final TestbedFixture TESTBED = TestbedFixture.withDefaults().inSubdirectory("rolling-update");

  static Testbed tb;
  static KubernetesClient c;
  static CowsqlClusterApi api;
  static OperatorTestbed env;

  @BeforeAll
  static void installTheOperatorAndCreateACluster() throws Exception {
    tb = TESTBED.testbed();
    c = tb.client();
    api = new CowsqlClusterApi(tb, NS);
    env = OperatorTestbed.install(tb, REPO);
    setOperatorEnv("COWSQL_OPERATOR_ROLLOUT_MEMBER_TIMEOUT", MEMBER_TIMEOUT.toSeconds() + "s");
    api.createCluster(NAME, 3, spec -> { });
    awaitSettled(3, Duration.ofMinutes(4));
  }

  /** Sets an environment variable of the operator's container and waits until the Deployment's new pod is ready. */
  static void setOperatorEnv(String name, String value) throws InterruptedException {
    var deployment = c.apps().deployments().inNamespace(OperatorTestbed.OPERATOR_NAMESPACE).withName("cowsql-operator");
    Deployment d = deployment.edit(x -> {
      x.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().add(new EnvVar(name, value, null));
      return x;
    });
    long generation = d.getMetadata().getGeneration();
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (true) {
      Deployment now = deployment.get();
      boolean rolledOut = now.getStatus() != null && now.getStatus().getObservedGeneration() != null
          && now.getStatus().getObservedGeneration() >= generation
          && Integer.valueOf(1).equals(now.getStatus().getUpdatedReplicas())
          && Integer.valueOf(1).equals(now.getStatus().getReadyReplicas())
          && Integer.valueOf(1).equals(now.getStatus().getReplicas());
      if (rolledOut) {
        Pod p = env.operatorPod();
        assertThat(p.getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName).contains(name);
        return;
      }
      assertThat(System.nanoTime()).as("the operator's Deployment with " + name + " rolled out\n" + tb.describe(20))
          .isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /** Running with {@code replicas} Ready members, nothing under way, every pod on the template's revision. */
  static CowsqlClusterStatus awaitSettled(int replicas, Duration timeout) throws InterruptedException {
    return api.awaitStatus(NAME, timeout, settled(replicas));
  }

  static Predicate<CowsqlClusterStatus> settled(int replicas) {
    return st -> "Running".equals(st.phase) && Integer.valueOf(replicas).equals(st.readyReplicas)
        && st.members.size() == replicas && st.scaleDown == null && st.leader != null
        && "Reconciled".equals(condition(st, "Progressing").getReason())
        && (st.rollout == null || "Idle".equals(st.rollout.step) && Integer.valueOf(replicas).equals(st.rollout.updated));
  }

  static ClientWriteLoop writeLoop(String run, int members) throws Exception {
    return new ClientWriteLoop(tb, ClientWriteLoop.addresses(NS, NAME, members), run, WRITE_PACE);
  }

  /** Stops the loop and checks every acknowledged write is in the cluster. */
  static void assertNoAcknowledgedWriteLost(ClientWriteLoop writes) throws Exception {
    writes.stop();
    assertThat(writes.acknowledged()).as("writes acknowledged").isPositive();
    assertThat(writes.missingAcknowledged()).as("acknowledged writes the cluster does not have (%s)", writes.summary())
        .isEmpty();
  }

  /** The revision each pod's labels say it runs. */
  static Map<String, String> podRevisions() {
    Map<String, String> m = new TreeMap<>();
    for (Pod p : c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", NAME).list().getItems()) {
      m.put(p.getMetadata().getName(), p.getMetadata().getLabels().get("controller-revision-hash"));
    }
    return m;
  }

  /** Checks the shape of a completed rollout: one pod at a time, each restarted once, the leader of the start last. */
  static void assertOneAtATimeLeaderLast(PodRestartRecorder pods, int replicas) {
    assertThat(pods.maxNotReady()).as("pods not Ready at once; samples with more than one: %s", pods.overlaps())
        .isLessThanOrEqualTo(1);
    List<String> order = pods.restartOrder();
    assertThat(order).as("pods restarted, in order: %s", pods.restarts()).hasSize(replicas)
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(pods.initialUids().keySet());
    assertThat(order.get(order.size() - 1)).as("the last pod restarted (%s), the leader when the rollout began",
        pods.restarts()).isEqualTo(pods.initialLeader());
  }

  @Test
  @Order(1)
  void aRequestedRestartRollsOnePodAtATimeTheLeaderLastAndLosesNoAcknowledgedWrite() throws Exception {
    CowsqlClusterStatus before = awaitSettled(3, Duration.ofMinutes(2));
    List<String> progressing = new CopyOnWriteArrayList<>();
    try (ClientWriteLoop writes = writeLoop("restart", 3);
         PodRestartRecorder pods = new PodRestartRecorder(api, NAME, 3)) {
      Thread.sleep(2000); // writes flowing before the rollout
      long t0 = System.nanoTime();
      api.kubectl("annotate", "-n", NS, "cowsqlcluster/" + NAME, UserAnnotations.RESTART + "=" + System.currentTimeMillis(),
          "--overwrite");
      CowsqlClusterStatus done = api.awaitStatus(NAME, Duration.ofMinutes(10), st -> {
        String reason = condition(st, "Progressing").getReason();
        if (reason != null && (progressing.isEmpty() || !reason.equals(progressing.get(progressing.size() - 1)))) {
          progressing.add(reason + "/" + st.phase);
        }
        return pods.restartOrder().size() >= 3 && settled(3).test(st);
      });
      double seconds = (System.nanoTime() - t0) / 1e9;
      pods.close();
      assertNoAcknowledgedWriteLost(writes);
      System.out.printf("restart annotation on 3 nodes: rollout %.1f s; restart order %s (leader before: %s, after: %s);"
          + " %s%n", seconds, pods.restarts(), before.leader, done.leader, writes.summary());
      assertOneAtATimeLeaderLast(pods, 3);
      assertThat(progressing).as("Progressing reason/phase while it rolled").contains("RollingUpdate/Updating");
      // A write sent to the old leader during its handover is refused by raft (code 7, RAFT_NOTLEADER, nothing
      // appended); the client retries it on the new leader, as it does any NOT_LEADER refusal: none fails.
      System.out.printf("failed writes during the rollout: %d; the first: %s%n", writes.failed(),
          writes.failures().stream().findFirst().orElse("none"));
      assertThat(writes.failed()).as("failed writes: %s", writes.failures()).isZero();
      assertThat(done.rollout.revisions.values()).containsOnly(done.rollout.updateRevision);
      assertThat(api.operatorEvents(NAME)).filteredOn(e -> "RollingUpdatePodRestarted".equals(e.getReason()))
          .hasSize(3);
    }
  }

  @Test
  @Order(2)
  void anImageThatCannotBePulledStopsTheRolloutAfterOnePodAndRevertingTheSpecResumesIt() throws Exception {
    awaitSettled(3, Duration.ofMinutes(2));
    Map<String, String> revisionsBefore = podRevisions();
    try (ClientWriteLoop writes = writeLoop("bad-image", 3);
         PodRestartRecorder pods = new PodRestartRecorder(api, NAME, 3)) {
      Thread.sleep(2000);
      long t0 = System.nanoTime();
      api.kubectl("patch", "-n", NS, "cowsqlcluster/" + NAME, "--type=merge", "-p",
          "{\"spec\":{\"image\":\"" + UNPULLABLE + "\"}}");
      CowsqlClusterStatus stopped = api.awaitStatus(NAME, MEMBER_TIMEOUT.plusMinutes(4),
          st -> "RolloutStopped".equals(condition(st, "Progressing").getReason()));
      System.out.printf("unpullable image: rollout stopped after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9,
          condition(stopped, "Progressing").getMessage());
      String stuck = stopped.rollout.member;
      assertThat(pods.restartOrder()).as("pods restarted before the stop").containsExactly(stuck);
      assertThat(condition(stopped, "Progressing").getStatus()).isEqualTo("False");
      assertThat(condition(stopped, "Progressing").getMessage()).contains(stuck);
      assertThat(stopped.rollout.stopReason).contains(stuck);
      Pod pod = c.pods().inNamespace(NS).withName(stuck).get();
      ContainerStatus cs = pod.getStatus().getContainerStatuses().get(0);
      assertThat(cs.getState().getWaiting()).as("the stuck pod's container").isNotNull();
      assertThat(cs.getState().getWaiting().getReason()).isEqualTo("ErrImagePull");
      // one Warning Event for the stop, naming the pod
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (api.operatorEvents(NAME).stream().noneMatch(e -> "RolloutStopped".equals(e.getReason()))
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      assertThat(api.operatorEvents(NAME)).filteredOn(e -> "RolloutStopped".equals(e.getReason())).singleElement()
          .satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).contains(stuck);
          });
      // the cluster keeps quorum and serves writes while stopped, and nothing more is restarted
      int ackedAtStop = writes.acknowledged();
      Thread.sleep(15_000);
      CowsqlClusterStatus still = api.status(NAME);
      assertThat(condition(still, "Progressing").getReason()).isEqualTo("RolloutStopped");
      assertThat(still.leader).isNotNull();
      assertThat(still.isTrue("QuorumLost")).isFalse();
      assertThat(writes.acknowledged()).as("writes acknowledged while the rollout is stopped").isGreaterThan(ackedAtStop);
      assertThat(pods.restartOrder()).containsExactly(stuck);
      assertThat(podRevisions()).as("the other pods keep their revision").containsAllEntriesOf(
          revisionsBefore.entrySet().stream().filter(e -> !e.getKey().equals(stuck))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));

      long t1 = System.nanoTime();
      api.kubectl("patch", "-n", NS, "cowsqlcluster/" + NAME, "--type=merge", "-p", "{\"spec\":{\"image\":null}}");
      awaitSettled(3, Duration.ofMinutes(5));
      System.out.printf("unpullable image reverted: settled after %.1f s; %s%n", (System.nanoTime() - t1) / 1e9,
          writes.summary());
      pods.close();
      assertNoAcknowledgedWriteLost(writes);
      assertThat(pods.restartOrder()).as("the stuck pod alone was restarted again").containsExactly(stuck, stuck);
      assertThat(podRevisions()).isEqualTo(revisionsBefore);
      assertThat(pods.maxNotReady()).as("pods not Ready at once: %s", pods.overlaps()).isLessThanOrEqualTo(1);
    }
  }

  /** SIGKILL the operator's process (the kubelet starts it again) and wait until it runs again. */
  static void killTheOperator() throws InterruptedException {
    Pod p = env.operatorPod();
    int restarts = p.getStatus().getContainerStatuses().get(0).getRestartCount();
    tb.kubelet().crash(OperatorTestbed.OPERATOR_NAMESPACE, p.getMetadata().getName());
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      ContainerStatus cs = env.operatorPod().getStatus().getContainerStatuses().get(0);
      if (cs.getRestartCount() > restarts && Boolean.TRUE.equals(cs.getReady())) {
        return;
      }
      assertThat(System.nanoTime()).as("the operator running again after its SIGKILL").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  @Order(3)
  void theOperatorKilledInTheMiddleOfAnImageRolloutResumesItAndRestartsNoPodTwice() throws Exception {
    awaitSettled(3, Duration.ofMinutes(2));
    try (ClientWriteLoop writes = writeLoop("operator-killed-rollout", 3);
         PodRestartRecorder pods = new PodRestartRecorder(api, NAME, 3)) {
      Thread.sleep(2000);
      long t0 = System.nanoTime();
      api.kubectl("patch", "-n", NS, "cowsqlcluster/" + NAME, "--type=merge", "-p",
          "{\"spec\":{\"image\":\"" + OTHER_TAG + "\"}}");
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (pods.restartOrder().isEmpty()) {
        assertThat(System.nanoTime()).as("a first pod restarted").isLessThan(deadline);
        Thread.sleep(100);
      }
      killTheOperator(); // the first pod is coming back, the rest still to go
      System.out.printf("operator killed %.1f s into the rollout, after %s%n", (System.nanoTime() - t0) / 1e9,
          pods.restarts());
      CowsqlClusterStatus done = api.awaitStatus(NAME, Duration.ofMinutes(10),
          st -> pods.restartOrder().size() >= 3 && settled(3).test(st));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(5000); // a second restart of a pod would show now
      pods.close();
      assertNoAcknowledgedWriteLost(writes);
      System.out.printf("image change on 3 nodes, operator killed once: rollout %.1f s; restart order %s; %s%n", seconds,
          pods.restarts(), writes.summary());
      assertOneAtATimeLeaderLast(pods, 3);
      // the client retries the handover's refusals as documented: an image change fails no write either
      assertThat(writes.failed()).as("failed writes: %s", writes.failures()).isZero();
      for (Pod p : c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", NAME).list().getItems()) {
        assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(OTHER_TAG);
      }
      assertThat(done.rollout.revisions.values()).containsOnly(done.rollout.updateRevision);
    }
  }

  @Test
  @Order(4)
  void theOperatorKilledInTheMiddleOfAScaleDownResumesItAndRemovesNoMemberTwice() throws Exception {
    api.kubectl("scale", "-n", NS, "cowsqlcluster/" + NAME, "--replicas=5");
    CowsqlClusterStatus five = api.awaitStatus(NAME, Duration.ofMinutes(5), st -> settled(5).test(st)
        && st.members.stream().filter(m -> "voter".equals(m.role)).map(m -> m.zone).distinct().count() == 3);
    assertThat(five.voters).isEqualTo(3);
    List<CowsqlClusterStatus> samples = new CopyOnWriteArrayList<>();
    try (ClientWriteLoop writes = writeLoop("operator-killed-scale-down", 5)) {
      Thread.sleep(2000);
      long t0 = System.nanoTime();
      api.kubectl("scale", "-n", NS, "cowsqlcluster/" + NAME, "--replicas=3");
      CowsqlClusterStatus firstOut = api.awaitStatus(NAME, Duration.ofMinutes(4), st -> {
        samples.add(st);
        return st.scaleDown != null && !st.scaleDown.removed.isEmpty();
      });
      killTheOperator();
      System.out.printf("operator killed %.1f s into the scale-down, at step %s of %s (removed so far %s)%n",
          (System.nanoTime() - t0) / 1e9, firstOut.scaleDown.step, firstOut.scaleDown.member, firstOut.scaleDown.removed);
      CowsqlClusterStatus done = api.awaitStatus(NAME, Duration.ofMinutes(8), st -> {
        samples.add(st);
        return settled(3).test(st) && Integer.valueOf(3).equals(st.replicas);
      });
      System.out.printf("scale-down 5 -> 3, operator killed once: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9,
          writes.summary());
      assertNoAcknowledgedWriteLost(writes);
      for (CowsqlClusterStatus st : samples) {
        String json = c.getKubernetesSerialization().asJson(st);
        List<CowsqlClusterStatus.Member> voters = st.members.stream().filter(m -> "voter".equals(m.role)).toList();
        assertThat(voters).as("voters in %s", json).hasSizeGreaterThanOrEqualTo(3);
        assertThat(voters.stream().map(m -> m.zone).distinct().count()).as("zones of the voters in %s", json)
            .isEqualTo(3);
        if (st.scaleDown != null) {
          assertThat(st.scaleDown.removed).as("members removed in %s", json).doesNotHaveDuplicates();
          assertThat(st.scaleDown.step).isNotEqualTo("Refused");
        }
      }
      // one RemoveMember step per member taken out, across the operator's restart
      List<String> removals = api.operatorEvents(NAME).stream().filter(e -> "ScaleDownStep".equals(e.getReason()))
          .map(Event::getMessage).filter(m -> m.startsWith("RemoveMember:")).toList();
      assertThat(removals).as("RemoveMember steps").hasSize(2).doesNotHaveDuplicates();
      assertThat(removals).anySatisfy(m -> assertThat(m).contains(NAME + "-4"))
          .anySatisfy(m -> assertThat(m).contains(NAME + "-3"));
      assertThat(api.operatorEvents(NAME)).filteredOn(e -> "ScaleDownStep".equals(e.getReason()))
          .allSatisfy(e -> assertThat(e.getCount()).as(e.getMessage()).isIn(null, 1));
      ClientOptions opts = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(20))
          .withResolver(HostsFile.addressResolver(tb.kubelet().hostsFile()));
      try (CowsqlClient leader = CowsqlClient.findLeader(ClientWriteLoop.addresses(NS, NAME, 3), opts)) {
        assertThat(leader.cluster()).extracting(n -> n.address().substring(0, n.address().indexOf('.')))
            .containsExactlyInAnyOrder(NAME + "-0", NAME + "-1", NAME + "-2");
      }
      assertThat(done.members).extracting(m -> m.pod).containsExactly(NAME + "-0", NAME + "-1", NAME + "-2");
      assertThat(done.members.stream().map(m -> m.zone).collect(Collectors.toSet())).hasSize(3);
      assertThat(c.apps().statefulSets().inNamespace(NS).withName(NAME).get().getSpec().getReplicas()).isEqualTo(3);
      Set<String> left = c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", NAME).list().getItems().stream()
          .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
      assertThat(left).containsExactlyInAnyOrder(NAME + "-0", NAME + "-1", NAME + "-2");
    }
  }

  /**
   * Two Nodes drained at once (two {@code kubectl drain} started together, each hosting a member; the members' volumes
   * are bound to their Nodes, as local volumes are): the PodDisruptionBudget lets one eviction through and refuses the
   * other for as long as the evicted member is away (its replacement waits for its cordoned Node), so that drain waits
   * and times out; the cluster never has two members away, keeps serving and loses no acknowledged write. Uncordoned,
   * the member comes back on its volume.
   */
  @Test
  @Order(5)
  void drainingTwoNodesAtOnceLetsOneMemberGoAndHoldsTheOtherDrainBackThroughTheBudget() throws Exception {
    CowsqlClusterStatus before = awaitSettled(3, Duration.ofMinutes(4));
    Map<String, String> nodeOf = new TreeMap<>();
    before.members.forEach(m -> nodeOf.put(m.pod, m.node));
    List<String> drained = List.of(nodeOf.get(NAME + "-1"), nodeOf.get(NAME + "-2"));
    assertThat(drained).doesNotHaveDuplicates().doesNotContainNull();
    List<Integer> away = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
    // Away: deleted (terminating) or not there, or there and not yet running; a running member that is briefly not
    // Ready during an election is not away.
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        try {
          List<Pod> pods = c.pods().inNamespace(NS).withLabel("app.kubernetes.io/instance", NAME).list().getItems();
          long running = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null
              && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
          away.add((int) (3 - running));
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // no answer this time; the next sample counts
        }
      }
    }, "away-sampler");
    try (ClientWriteLoop writes = writeLoop("drain", 3)) {
      sampler.start();
      Thread.sleep(2000);
      List<java.util.concurrent.CompletableFuture<CowsqlClusterApi.Kubectl>> drains = drained.stream()
          .map(node -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return api.kubectlMayFail("drain", node, "--ignore-daemonsets", "--delete-emptydir-data",
                  "--timeout=60s");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          })).toList();
      List<CowsqlClusterApi.Kubectl> results = drains.stream().map(java.util.concurrent.CompletableFuture::join)
          .toList();
      String outputs = results.stream().map(CowsqlClusterApi.Kubectl::output).collect(Collectors.joining("\n"));
      assertThat(results).as(outputs).filteredOn(k -> k.code() == 0).hasSize(1);
      CowsqlClusterApi.Kubectl held = results.stream().filter(k -> k.code() != 0).findFirst().orElseThrow();
      assertThat(held.output()).contains("Cannot evict pod as it would violate the pod's disruption budget");
      // Meanwhile the two members left keep the cluster writable.
      int ackedWhileAway = writes.acknowledged();
      Thread.sleep(3000);
      assertThat(writes.acknowledged()).as("writes acknowledged with one member away").isGreaterThan(ackedWhileAway);
      for (String node : drained) {
        api.kubectl("uncordon", node);
      }
      CowsqlClusterStatus back = awaitSettled(3, Duration.ofMinutes(4));
      back.members.forEach(m -> assertThat(m.node).as(m.pod + " back on its Node").isEqualTo(nodeOf.get(m.pod)));
      sampling.set(false);
      sampler.join(5000);
      assertNoAcknowledgedWriteLost(writes);
      System.out.printf("two Nodes drained at once: one drain done, one held by the budget; members away at once, at"
          + " most: %d; %s%n", away.stream().mapToInt(Integer::intValue).max().orElse(0), writes.summary());
      assertThat(away).as("members away at once, sampled every 200 ms").isNotEmpty()
          .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1)).contains(1);
    } finally {
      sampling.set(false);
      for (String node : drained) {
        api.kubectlMayFail("uncordon", node);
      }
    }
  }
}
