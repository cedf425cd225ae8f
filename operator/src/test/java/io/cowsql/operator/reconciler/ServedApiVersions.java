package io.cowsql.operator.reconciler;

import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the Fabric8 mock server says it serves. In CRUD mode it answers discovery only for the CRDs applied to it, so
 * the policy group's discovery documents are set here, before the operator starts (it discovers once, at start): each
 * version either lists PodDisruptionBudgets or is 404, as on an API server that does not serve it.
 */
public final class ServedApiVersions {
  private ServedApiVersions() {}

  /** Kubernetes 1.25 and later: policy/v1 only. */
  public static final class PolicyV1Only implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      servePolicy(server, Set.of("v1"));
    }
  }

  /** Kubernetes 1.20: policy/v1beta1 only. */
  public static final class PolicyV1beta1Only implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      servePolicy(server, Set.of("v1beta1"));
    }
  }

  static void servePolicy(KubernetesServer server, Set<String> served) {
    for (String version : List.of("v1", "v1beta1")) {
      String path = "/apis/policy/" + version;
      if (served.contains(version)) {
        server.expect().get().withPath(path).andReturn(200, new APIResourceListBuilder()
            .withGroupVersion("policy/" + version)
            .addNewResource().withName("poddisruptionbudgets").withKind("PodDisruptionBudget").withNamespaced(true)
              .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").endResource()
            .build()).always();
      } else {
        server.expect().get().withPath(path).andReturn(404, new StatusBuilder().withStatus("Failure")
            .withReason("NotFound").withCode(404).withMessage("the server could not find the requested resource")
            .build()).always();
      }
    }
  }

  /** Every request the server received since the last call (the mock server records each one in order). */
  static List<RecordedRequest> takeRequests(KubernetesServer server) throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r; (r = server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
      out.add(r);
    }
    return out;
  }
}
