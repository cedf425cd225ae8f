package io.cowsql.operator.plan;

import io.cowsql.contract.AgentOption;
import io.cowsql.contract.Annotations;
import io.cowsql.contract.DurationFormat;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.EngineSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node settings that are the same on every node, as the agent's environment variables named by the
 * operator-agent contract ({@link AgentOption}), each classified by how a change reaches running nodes: {@link
 * #restart()} settings roll the pods (they feed the pod template's hash), {@link #liveAnnotations()} reach
 * running agents as pod annotations, and the rest (the join list, added by the ConfigMap) only matter to nodes
 * that start later. Pure: computed from the resource.
 */
public final class NodeSettings {
  private final Map<String, String> all;

  private NodeSettings(Map<String, String> all) {
    this.all = Collections.unmodifiableMap(all);
  }

  public static NodeSettings of(CowsqlCluster cluster, Duration shutdownTimeout) {
    ClusterSpecView spec = cluster.getSpec().defaulted();
    Map<String, String> env = new TreeMap<>();
    env.put(AgentOption.DIR.env(), ClusterNames.DATA_DIR);
    env.put(AgentOption.CLUSTER_ID.env(), ClusterNames.clusterId(cluster));
    env.put(AgentOption.FAILURE_DOMAIN_FILE.env(), Annotations.ANNOTATIONS_FILE);
    env.put(AgentOption.FAILURE_DOMAIN_KEY.env(), Annotations.FAILURE_DOMAIN);
    env.put(AgentOption.BOOTSTRAP_KEY.env(), Annotations.BOOTSTRAP);
    env.put(AgentOption.SHUTDOWN_TIMEOUT.env(), DurationFormat.format(shutdownTimeout));
    // Always written (defaulted): they are live, and a running agent keeps the last value it read. The targets as
    // the spec states them: the agent's role policy applies them as far as the members allow (one voter below three
    // members), as ClusterSpecView.rolesOf describes.
    env.put(AgentOption.VOTERS.env(), Integer.toString(spec.voters()));
    env.put(AgentOption.STANDBYS.env(), Integer.toString(spec.standbys()));
    // Engine tuning only when set: unset keeps the engine's own default.
    EngineSpec engine = spec.engine();
    if (engine.networkLatency != null) {
      env.put(AgentOption.NETWORK_LATENCY.env(), engine.networkLatency);
    }
    if (engine.snapshotThreshold != null && engine.snapshotTrailing != null) {
      env.put(AgentOption.SNAPSHOT_THRESHOLD.env(), engine.snapshotThreshold.toString());
      env.put(AgentOption.SNAPSHOT_TRAILING.env(), engine.snapshotTrailing.toString());
    }
    if (engine.autoRecovery != null) {
      env.put(AgentOption.AUTO_RECOVERY.env(), engine.autoRecovery.toString());
    }
    if (engine.blockSize != null) {
      env.put(AgentOption.BLOCK_SIZE.env(), engine.blockSize.toString());
    }
    return new NodeSettings(env);
  }

  /** Every setting, variable -> value. */
  public Map<String, String> all() {
    return all;
  }

  /** The settings whose change needs the nodes restarted ({@link AgentOption.Apply#RESTART}). */
  public Map<String, String> restart() {
    Map<String, String> restart = new TreeMap<>(all);
    restart.keySet().removeIf(k -> AgentOption.byEnv(k).apply() != AgentOption.Apply.RESTART);
    return restart;
  }

  /** {@link #liveAnnotations()} of the cluster's settings (no live setting depends on the shutdown timeout). */
  public static Map<String, String> liveAnnotations(CowsqlCluster cluster) {
    return of(cluster, Duration.ZERO).liveAnnotations();
  }

  /** The live settings as the pod annotations that carry them to running agents ({@link AgentOption#annotation()}). */
  public Map<String, String> liveAnnotations() {
    Map<String, String> live = new TreeMap<>();
    all.forEach((k, v) -> {
      AgentOption o = AgentOption.byEnv(k);
      if (o.apply() == AgentOption.Apply.LIVE) {
        live.put(o.annotation(), v);
      }
    });
    return live;
  }
}
