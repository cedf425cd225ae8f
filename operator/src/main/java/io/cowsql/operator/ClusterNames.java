package io.cowsql.operator;

import io.cowsql.contract.Annotations;
import io.cowsql.operator.model.CowsqlCluster;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names, labels, ports and annotation keys of everything the operator creates for one CowsqlCluster. */
public final class ClusterNames {
  public static final String MANAGED_BY = "cowsql-operator";
  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  /** Selects everything the operator manages: the informers watch only these objects. */
  public static final String MANAGED_SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY;

  /** Pod annotation read by the node agent from the downward-API file: the numeric failure domain. */
  public static final String ANNOTATION_FAILURE_DOMAIN = Annotations.FAILURE_DOMAIN;
  /** Pod annotation: the zone (topology value) the failure-domain code stands for. */
  public static final String ANNOTATION_ZONE = Annotations.ZONE;
  /** Pod annotation on ordinal 0 of a cluster never bootstrapped: "true" lets the agent bootstrap an empty dir. */
  public static final String ANNOTATION_BOOTSTRAP = Annotations.BOOTSTRAP;
  /** Pod annotation: when the operator granted the bootstrap permission (RFC 3339). */
  public static final String ANNOTATION_BOOTSTRAP_GRANTED = Annotations.BOOTSTRAP_GRANTED;

  public static final int COWSQL_PORT = 9000;
  public static final int HTTP_PORT = 8080;
  public static final String DATA_VOLUME = "data";
  /** Where the volume is mounted. */
  public static final String DATA_MOUNT = "/var/lib/cowsql";
  /** The agent's data dir: a subdirectory, so a filesystem's lost+found never makes it look non-empty. */
  public static final String DATA_DIR = DATA_MOUNT + "/data";
  public static final String PODINFO_DIR = Annotations.PODINFO_DIR;
  public static final String ANNOTATIONS_FILE = Annotations.ANNOTATIONS_FILE;
  public static final String CLUSTER_DOMAIN = "cluster.local";

  private ClusterNames() {}

  public static String statefulSet(CowsqlCluster c) {
    return c.getMetadata().getName();
  }

  public static String headlessService(CowsqlCluster c) {
    return c.getMetadata().getName() + "-peers";
  }

  public static String clientService(CowsqlCluster c) {
    return c.getMetadata().getName();
  }

  public static String configMap(CowsqlCluster c) {
    return c.getMetadata().getName() + "-config";
  }

  public static String serviceAccount(CowsqlCluster c) {
    return c.getMetadata().getName();
  }

  public static String podDisruptionBudget(CowsqlCluster c) {
    return c.getMetadata().getName();
  }

  public static String pod(CowsqlCluster c, int ordinal) {
    return c.getMetadata().getName() + "-" + ordinal;
  }

  /** The address a node advertises and the others know it by: its stable DNS name. */
  public static String podAddress(CowsqlCluster c, String podName) {
    return podName + "." + headlessService(c) + "." + c.getMetadata().getNamespace() + ".svc." + CLUSTER_DOMAIN + ":"
        + COWSQL_PORT;
  }

  /**
   * The identity every node records in its data dir (the agent refuses a dir of another id): spec.clusterId, else
   * {@code <namespace>/<name>}. Not the resource's uid, so a cluster deleted with its volumes retained and applied
   * again under the same name adopts its data.
   */
  public static String clusterId(CowsqlCluster c) {
    String explicit = c.getSpec() == null ? null : c.getSpec().clusterId;
    return explicit != null ? explicit : c.getMetadata().getNamespace() + "/" + c.getMetadata().getName();
  }

  /** The ordinal of a StatefulSet pod of this cluster, or -1. */
  public static int ordinal(CowsqlCluster c, String podName) {
    String prefix = c.getMetadata().getName() + "-";
    if (podName == null || !podName.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(podName.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Labels that select this cluster's pods (the StatefulSet selector: never changes). */
  public static Map<String, String> selectorLabels(CowsqlCluster c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(LABEL_NAME, "cowsql");
    m.put(LABEL_INSTANCE, c.getMetadata().getName());
    return m;
  }

  /** Labels of every object the operator creates for this cluster. */
  public static Map<String, String> labels(CowsqlCluster c) {
    Map<String, String> m = selectorLabels(c);
    m.put(LABEL_MANAGED_BY, MANAGED_BY);
    m.put(LABEL_COMPONENT, "database");
    return m;
  }

  /** The selector as the scale subresource wants it: {@code k=v,k=v}. */
  public static String selectorString(CowsqlCluster c) {
    StringBuilder sb = new StringBuilder();
    selectorLabels(c).forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(k).append('=').append(v);
    });
    return sb.toString();
  }
}
