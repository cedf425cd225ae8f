package io.cowsql.operator.reconciler;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.plan.StatusTransitions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Kubernetes Events on a CowsqlCluster (best effort: a refused event never fails a reconcile). */
@ApplicationScoped
public class ClusterEvents {
  private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
  static final String COMPONENT = "cowsql-operator";

  public void record(KubernetesClient client, CowsqlCluster cluster, List<StatusTransitions.Transition> transitions) {
    for (StatusTransitions.Transition t : transitions) {
      emit(client, cluster, t.warning() ? "Warning" : "Normal", t.reason(), t.message());
    }
  }

  public void emit(KubernetesClient client, CowsqlCluster cluster, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Event event = new EventBuilder()
        .withNewMetadata()
          .withName(cluster.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
          .withNamespace(cluster.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(cluster.getApiVersion())
          .withKind(cluster.getKind())
          .withName(cluster.getMetadata().getName())
          .withNamespace(cluster.getMetadata().getNamespace())
          .withUid(cluster.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(cluster.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf("event %s on %s not recorded: %s", reason, cluster.getMetadata().getName(), e.getMessage());
    }
  }
}
