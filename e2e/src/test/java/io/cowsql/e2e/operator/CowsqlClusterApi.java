package io.cowsql.e2e.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.e2e.testbed.Testbed;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the operator's system tests read and do through the testbed's API server, for the CowsqlClusters of one
 * namespace: the typed resource and its status, waiting for a status, the operator's Events, the pods' incarnations,
 * and kubectl with the testbed's kubeconfig.
 */
record CowsqlClusterApi(Testbed tb, String namespace) {

  KubernetesClient client() {
    return tb.client();
  }

  NonNamespaceOperation<CowsqlCluster, KubernetesResourceList<CowsqlCluster>, Resource<CowsqlCluster>> clusters() {
    return client().resources(CowsqlCluster.class).inNamespace(namespace);
  }

  /**
   * Creates the namespace and in it a CowsqlCluster of {@code replicas} members, the spec otherwise the defaults as
   * {@code spec} leaves them.
   */
  CowsqlCluster createCluster(String name, int replicas, java.util.function.Consumer<CowsqlClusterSpec> spec) {
    if (client().namespaces().withName(namespace).get() == null) {
      client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName(namespace).endMetadata().build()).create();
    }
    CowsqlCluster cr = new CowsqlCluster();
    cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    cr.setSpec(new CowsqlClusterSpec());
    cr.getSpec().replicas = replicas;
    spec.accept(cr.getSpec());
    return clusters().resource(cr).create();
  }

  /** The cluster's status as the operator last wrote it; an empty one while there is none. */
  CowsqlClusterStatus status(String name) {
    CowsqlCluster r = clusters().withName(name).get();
    return r == null || r.getStatus() == null ? new CowsqlClusterStatus() : r.getStatus();
  }

  CowsqlClusterStatus awaitStatus(String name, Duration timeout, Predicate<CowsqlClusterStatus> test)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CowsqlClusterStatus last = new CowsqlClusterStatus();
    while (System.nanoTime() < deadline) {
      last = status(name);
      if (test.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("status of " + name + " never matched within " + timeout + "; last: "
        + client().getKubernetesSerialization().asJson(last) + "\n" + tb.describe(30));
  }

  /** The condition of a type; an empty one (no status, no reason) when the status has none. */
  static Condition condition(CowsqlClusterStatus status, String type) {
    return status.condition(type).orElseGet(Condition::new);
  }

  /** The operator's Events on a cluster. */
  List<Event> operatorEvents(String name) {
    return client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && "CowsqlCluster".equals(e.getInvolvedObject().getKind()))
        .filter(e -> e.getSource() != null && "cowsql-operator".equals(e.getSource().getComponent())).toList();
  }

  /** pod name -> its UID, start time, and each container's start time and restart count, of a cluster's pods. */
  Map<String, String> podIncarnations(String instance) {
    Map<String, String> m = new java.util.TreeMap<>();
    for (Pod p : client().pods().inNamespace(namespace).withLabel("app.kubernetes.io/instance", instance).list()
        .getItems()) {
      StringBuilder sb = new StringBuilder(p.getMetadata().getUid()).append(' ').append(p.getStatus().getStartTime());
      p.getStatus().getContainerStatuses().forEach(cs -> sb.append(' ').append(cs.getRestartCount()).append('@')
          .append(cs.getState().getRunning() == null ? "not-running" : cs.getState().getRunning().getStartedAt()));
      m.put(p.getMetadata().getName(), sb.toString());
    }
    return m;
  }

  /** kubectl's exit code and output (stdout and stderr). */
  record Kubectl(int code, String output) {}

  Kubectl kubectlMayFail(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", tb.kubeconfig().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Kubectl(p.exitValue(), out);
  }

  String kubectl(String... args) throws IOException, InterruptedException {
    Kubectl k = kubectlMayFail(args);
    assertThat(k.code()).as("kubectl " + String.join(" ", args) + "\n" + k.output()).isZero();
    return k.output();
  }
}
