package io.cowsql.operator.reconciler;

import static org.awaitility.Awaitility.await;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** What the mock-API tests do to a CowsqlCluster as a user would, and how they wait for its status. */
record ClusterEdits(KubernetesClient client, String namespace, Duration timeout) {

  /** A spec edit as kubectl edit does it: read, change, write; again when the operator's status write came between. */
  void editSpec(String name, UnaryOperator<CowsqlCluster> change) {
    await().atMost(timeout).until(() -> {
      try {
        client.resources(CowsqlCluster.class).inNamespace(namespace).withName(name).edit(change);
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        return false;
      }
    });
  }

  /** The cluster's status once it passes the test. */
  CowsqlClusterStatus awaitStatus(String name, Predicate<CowsqlClusterStatus> test) {
    AtomicReference<CowsqlClusterStatus> last = new AtomicReference<>();
    await().atMost(timeout).until(() -> {
      CowsqlCluster c = client.resources(CowsqlCluster.class).inNamespace(namespace).withName(name).get();
      last.set(c == null ? null : c.getStatus());
      return last.get() != null && test.test(last.get());
    });
    return last.get();
  }
}
