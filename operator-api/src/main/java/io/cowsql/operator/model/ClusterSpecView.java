package io.cowsql.operator.model;

import io.cowsql.contract.RoleTargets;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The spec with every default applied, once ({@link CowsqlClusterSpec#defaulted()}): what the operator builds
 * from, so no caller null-checks a field. The API server stores the schema's defaults, but a field can still be
 * missing (a resource read before a default existed, the mock API, a test); here it reads as the same default the
 * schema states. An {@link Optional} is a field whose absence means something else than a value: no
 * {@code clusterId} is {@code <namespace>/<name>}, no {@code image} the operator's node image, no
 * {@code resources} the operator's requests and limits. {@link #engine()}'s fields stay unset when the spec leaves
 * them unset: the engine keeps its own default.
 */
public record ClusterSpecView(
    int replicas,
    Optional<String> clusterId,
    Optional<String> image,
    CowsqlClusterSpec.PullPolicy imagePullPolicy,
    Optional<ResourceRequirements> resources,
    String storageSize,
    Optional<String> storageClassName,
    StorageSpec.RetentionPolicy whenScaled,
    StorageSpec.RetentionPolicy whenDeleted,
    int voters,
    int standbys,
    String topologyKey,
    FailureDomainsSpec.Spreading spreading,
    EngineSpec engine,
    RecoverySpec.Mode recoveryMode,
    String quorumLossTimeout,
    PodTemplateOverrides podTemplate,
    ClientServiceSpec.ServiceType serviceType,
    Map<String, String> serviceAnnotations) {

  /** Voters, standbys and spares among some number of members. */
  public record RoleCounts(int voters, int standbys, int spares) {}

  static ClusterSpecView of(CowsqlClusterSpec spec) {
    StorageSpec storage = orElse(spec.storage, StorageSpec::new);
    StorageSpec.RetentionSpec retention = orElse(storage.retention, StorageSpec.RetentionSpec::new);
    RolesSpec roles = orElse(spec.roles, RolesSpec::new);
    FailureDomainsSpec domains = orElse(spec.failureDomains, FailureDomainsSpec::new);
    RecoverySpec recovery = orElse(spec.recovery, RecoverySpec::new);
    ClientServiceSpec service = orElse(spec.service, ClientServiceSpec::new);
    return new ClusterSpecView(
        orElse(spec.replicas, () -> CowsqlClusterSpec.DEFAULT_REPLICAS),
        Optional.ofNullable(spec.clusterId),
        Optional.ofNullable(spec.image),
        orElse(spec.imagePullPolicy, () -> CowsqlClusterSpec.DEFAULT_PULL_POLICY),
        Optional.ofNullable(spec.resources),
        orElse(storage.size, () -> StorageSpec.DEFAULT_SIZE),
        Optional.ofNullable(storage.storageClassName),
        orElse(retention.whenScaled, () -> StorageSpec.RetentionSpec.DEFAULT_POLICY),
        orElse(retention.whenDeleted, () -> StorageSpec.RetentionSpec.DEFAULT_POLICY),
        orElse(roles.voters, () -> RoleTargets.DEFAULT_VOTERS),
        orElse(roles.standbys, () -> RoleTargets.DEFAULT_STANDBYS),
        orElse(domains.topologyKey, () -> FailureDomainsSpec.DEFAULT_TOPOLOGY_KEY),
        orElse(domains.spreading, () -> FailureDomainsSpec.DEFAULT_SPREADING),
        orElse(spec.engine, EngineSpec::new),
        orElse(recovery.mode, () -> RecoverySpec.DEFAULT_MODE),
        orElse(recovery.quorumLossTimeout, () -> RecoverySpec.DEFAULT_QUORUM_LOSS_TIMEOUT),
        orElse(spec.podTemplate, PodTemplateOverrides::new),
        orElse(service.type, () -> ClientServiceSpec.DEFAULT_TYPE),
        Collections.unmodifiableMap(new LinkedHashMap<>(orElse(service.annotations, Map::of))));
  }

  /**
   * The roles the leader's role policy gives {@code members} ready members under the targets {@link #voters()}
   * and {@link #standbys()}: fewer than {@link RoleTargets#SMALLEST_VOTING_GROUP} members have one voter (the leader) and no
   * standby; otherwise as many voters as the target and the members allow, then as many standbys; the rest are
   * spares. So {@code replicas: 1} with the default targets is one voter, {@code replicas: 2} one voter and a spare.
   */
  public RoleCounts rolesOf(int members) {
    if (members <= 0) {
      return new RoleCounts(0, 0, 0);
    }
    if (members < RoleTargets.SMALLEST_VOTING_GROUP) {
      return new RoleCounts(1, 0, members - 1);
    }
    int v = Math.min(voters, members);
    int s = Math.min(standbys, members - v);
    return new RoleCounts(v, s, members - v - s);
  }

  /** {@link #rolesOf(int)} of {@link #replicas()}: the roles once every node of the spec is ready. */
  public RoleCounts roles() {
    return rolesOf(replicas);
  }

  private static <T> T orElse(T value, java.util.function.Supplier<T> otherwise) {
    return value != null ? value : otherwise.get();
  }
}
