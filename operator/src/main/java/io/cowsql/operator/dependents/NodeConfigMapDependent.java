package io.cowsql.operator.dependents;

import io.cowsql.contract.AgentOption;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.plan.NodeSettings;
import io.cowsql.operator.model.CowsqlCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node configuration, as the agent's environment variables ({@code COWSQL_*}, read through envFrom), named
 * and written as the operator-agent contract ({@link AgentOption}) defines them: everything that is the same on
 * every node. Per-pod values (address, bind) are in the pod's own env.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR),
    // Kubernetes 1.20 answers an apply that carries resourceVersion "create only" with a bare 500, which the
    // client retries for minutes: create by plain apply instead.
    createResourceOnlyIfNotExistingWithSSA = false)
public class NodeConfigMapDependent extends ClusterOwnedDependent<ConfigMap> {

  public NodeConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    DesiredState state = DesiredState.of(context);
    return build(cluster, state.plan().statefulSetReplicas(), state.defaults());
  }

  public static ConfigMap build(CowsqlCluster cluster, int replicas, NodeDefaults defaults) {
    Map<String, String> data = new TreeMap<>(NodeSettings.of(cluster, defaults.shutdownTimeout()).all());
    data.put(AgentOption.JOIN.env(), String.join(",", joinAddresses(cluster, replicas)));
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(ClusterNames.configMap(cluster))
          .withNamespace(cluster.getMetadata().getNamespace())
          .withLabels(ClusterNames.labels(cluster))
        .endMetadata()
        .withData(data)
        .build();
  }

  /** Every node's DNS address: a new node joins through any of them (the agent skips its own). */
  public static List<String> joinAddresses(CowsqlCluster cluster, int replicas) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      addresses.add(ClusterNames.podAddress(cluster, ClusterNames.pod(cluster, i)));
    }
    return addresses;
  }

  /** A short, stable digest of the settings that need a restart. */
  public static String settingsHash(Map<String, String> settings) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(settings).forEach((k, v) -> sha.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
