package io.cowsql.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A cowsql cluster: a StatefulSet of node agents that form one Raft cluster, spread over failure domains. */
@Group(CowsqlCluster.GROUP)
@Version(CowsqlCluster.VERSION)
@ShortNames({"csql", "cowsql"})
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Updated", jsonPath = ".status.rollout.updated", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Voters", jsonPath = ".status.voters", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Standbys", jsonPath = ".status.standbys", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.leader", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class CowsqlCluster extends CustomResource<CowsqlClusterSpec, CowsqlClusterStatus> implements Namespaced {
  private static final long serialVersionUID = 1L;

  public static final String GROUP = "cowsql.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "CowsqlCluster";
  public static final String PLURAL = "cowsqlclusters";
  public static final String CRD_NAME = PLURAL + "." + GROUP;
}
