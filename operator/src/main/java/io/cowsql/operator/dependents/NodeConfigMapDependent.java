package io.cowsql.operator.dependents;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.EngineSpec;
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
 * The node configuration, as the agent's environment variables ({@code COWSQL_*}, read through envFrom):
 * everything that is the same on every node. Per-pod values (address, bind) are in the pod's own env.
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
    Map<String, String> data = new TreeMap<>(engineSettings(cluster, defaults));
    data.put("COWSQL_JOIN", String.join(",", joinAddresses(cluster, replicas)));
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

  /**
   * The settings whose change needs the nodes restarted (unlike the join list): they feed the pod template's
   * config hash, so changing them rolls the StatefulSet.
   */
  public static Map<String, String> engineSettings(CowsqlCluster cluster, NodeDefaults defaults) {
    CowsqlClusterSpec spec = cluster.getSpec();
    Map<String, String> env = new TreeMap<>();
    env.put("COWSQL_DIR", ClusterNames.DATA_DIR);
    env.put("COWSQL_CLUSTER_ID", ClusterNames.clusterId(cluster));
    env.put("COWSQL_FAILURE_DOMAIN_FILE", ClusterNames.ANNOTATIONS_FILE);
    env.put("COWSQL_FAILURE_DOMAIN_KEY", ClusterNames.ANNOTATION_FAILURE_DOMAIN);
    env.put("COWSQL_BOOTSTRAP_KEY", ClusterNames.ANNOTATION_BOOTSTRAP);
    env.put("COWSQL_SHUTDOWN_TIMEOUT", defaults.shutdownTimeout().toSeconds() + "s");
    if (spec.roles != null) {
      env.put("COWSQL_VOTERS", Integer.toString(spec.roles.voters == null ? 3 : spec.roles.voters));
      env.put("COWSQL_STANDBYS", Integer.toString(spec.roles.standbys == null ? 3 : spec.roles.standbys));
    }
    EngineSpec engine = spec.engine;
    if (engine != null) {
      if (engine.networkLatency != null) {
        env.put("COWSQL_NETWORK_LATENCY", engine.networkLatency);
      }
      if (engine.snapshotThreshold != null && engine.snapshotTrailing != null) {
        env.put("COWSQL_SNAPSHOT_THRESHOLD", engine.snapshotThreshold.toString());
        env.put("COWSQL_SNAPSHOT_TRAILING", engine.snapshotTrailing.toString());
      }
      if (engine.autoRecovery != null) {
        env.put("COWSQL_AUTO_RECOVERY", engine.autoRecovery.toString());
      }
      if (engine.blockSize != null) {
        env.put("COWSQL_BLOCK_SIZE", engine.blockSize.toString());
      }
    }
    return env;
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
