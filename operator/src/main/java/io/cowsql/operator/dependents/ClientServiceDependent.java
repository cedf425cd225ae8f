package io.cowsql.operator.dependents;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The client Service: ready nodes only, the cowsql port and the agent's HTTP (key/value) API. */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR),
    // Kubernetes 1.20 answers an apply that carries resourceVersion "create only" with a bare 500, which the
    // client retries for minutes: create by plain apply instead.
    createResourceOnlyIfNotExistingWithSSA = false)
public class ClientServiceDependent extends ClusterOwnedDependent<Service> {

  public ClientServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    return build(cluster);
  }

  public static Service build(CowsqlCluster cluster) {
    ClusterSpecView spec = cluster.getSpec().defaulted();
    return new ServiceBuilder()
        .withNewMetadata()
          .withName(ClusterNames.clientService(cluster))
          .withNamespace(cluster.getMetadata().getNamespace())
          .withLabels(ClusterNames.labels(cluster))
          .withAnnotations(spec.serviceAnnotations())
        .endMetadata()
        .withNewSpec()
          .withType(spec.serviceType().name())
          .withSelector(ClusterNames.selectorLabels(cluster))
          .addNewPort().withName("cowsql").withPort(ClusterNames.COWSQL_PORT).withNewTargetPort("cowsql")
            .withProtocol("TCP").endPort()
          .addNewPort().withName("http").withPort(ClusterNames.HTTP_PORT).withNewTargetPort("http")
            .withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }
}
