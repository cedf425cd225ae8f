package io.cowsql.operator.model;

/**
 * Annotations a person (or a tool) writes to ask the operator for something; the operator reads them and never writes
 * them. Unlike the keys of the operator-agent contract, no node agent reads these.
 */
public final class UserAnnotations {
  private UserAnnotations() {}

  /**
   * On a CowsqlCluster: any new value restarts every pod once, one at a time in the rolling-update order ({@code
   * kubectl annotate cowsqlcluster/NAME cowsql.io/restart=$(date +%s) --overwrite}). The value goes into the pod
   * template's settings digest (not onto the pods), so a new value is a new revision of the StatefulSet and the pods of
   * the old one are rolled.
   */
  public static final String RESTART = "cowsql.io/restart";

  /**
   * On a node pod, with {@code spec.updateStrategy: Manual}: the pod may be updated now (any value). The operator
   * still takes annotated pods one at a time, with the same quorum checks and the leader last; the replacement pod
   * comes without the annotation, so one annotation updates one pod once.
   */
  public static final String UPDATE = io.cowsql.contract.Annotations.UPDATE_APPROVED;

  /**
   * On a CowsqlCluster: while present (with any value but {@code false}) the operator changes nothing of the cluster:
   * no pod, member, StatefulSet, Service, budget or volume is created, changed or deleted. It still observes and
   * reports status, so a person repairing a cluster by hand sees what it sees. {@code kubectl annotate
   * cowsqlcluster/NAME cowsql.io/pause-reconcile=true}; remove it ({@code cowsql.io/pause-reconcile-}) to resume.
   */
  public static final String PAUSE_RECONCILE = "cowsql.io/pause-reconcile";

  /** Whether {@link #PAUSE_RECONCILE} asks the operator to keep its hands off {@code cluster}. */
  public static boolean reconcilePaused(CowsqlCluster cluster) {
    java.util.Map<String, String> a = cluster.getMetadata().getAnnotations();
    String value = a == null ? null : a.get(PAUSE_RECONCILE);
    return value != null && !"false".equalsIgnoreCase(value.strip());
  }
}
