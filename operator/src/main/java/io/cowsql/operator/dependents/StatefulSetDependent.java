package io.cowsql.operator.dependents;

import io.cowsql.contract.Annotations;
import io.cowsql.operator.plan.NodeSettings;
import io.cowsql.contract.AgentOption;
import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.FailureDomainsSpec;
import io.cowsql.operator.model.PodTemplateOverrides;
import io.cowsql.operator.model.UserAnnotations;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodAntiAffinityBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The nodes: a StatefulSet for stable names and volumes. Each pod advertises
 * {@code $(POD_NAME).<name>-peers.<ns>.svc.cluster.local:9000}, binds its pod IP, reads its failure domain
 * (and, on ordinal 0 of a new cluster, the bootstrap permission) from a downward-API annotations file the
 * operator fills once the pod is scheduled, and hands leadership over at SIGTERM within the grace period. Pods are
 * replaced only when the operator deletes them ({@code OnDelete}): the rolling update is the operator's.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ClusterNames.MANAGED_SELECTOR),
    // Kubernetes 1.20 answers an apply that carries resourceVersion "create only" with a bare 500, which the
    // client retries for minutes: create by plain apply instead.
    createResourceOnlyIfNotExistingWithSSA = false)
public class StatefulSetDependent extends ClusterOwnedDependent<StatefulSet> {

  public static final String CONTAINER = "cowsql";
  /** The StatefulSet's update strategy: pods are replaced only when deleted. */
  public static final String UPDATE_STRATEGY = "OnDelete";
  /** The label the StatefulSet controller puts on each pod: the revision of the template it was created from. */
  public static final String REVISION_LABEL = "controller-revision-hash";
  public static final String ANNOTATION_CONFIG_HASH = Annotations.CONFIG_HASH;
  /** Non-root identity of the node process: the image's user {@code cowsql} (node-image/Dockerfile). */
  public static final long RUN_AS = 10001L;

  public StatefulSetDependent() {
    super(StatefulSet.class);
  }

  @Override
  protected StatefulSet desired(CowsqlCluster cluster, Context<CowsqlCluster> context) {
    DesiredState state = DesiredState.of(context);
    Optional<StatefulSet> existing = context.getSecondaryResource(StatefulSet.class);
    return build(cluster, state.plan().statefulSetReplicas(), state.defaults(), existing);
  }

  /**
   * @param existing the current StatefulSet: its volume claim templates are kept, since Kubernetes forbids
   *                 changing them (a new storage size applies to new clusters only)
   */
  public static StatefulSet build(CowsqlCluster cluster, int replicas, NodeDefaults defaults,
      Optional<StatefulSet> existing) {
    ClusterSpecView spec = cluster.getSpec().defaulted();
    PodTemplateOverrides overrides = spec.podTemplate();

    Map<String, String> podLabels = new LinkedHashMap<>();
    if (overrides.labels != null) {
      podLabels.putAll(overrides.labels);
    }
    podLabels.putAll(ClusterNames.labels(cluster));
    Map<String, String> podAnnotations = new LinkedHashMap<>();
    if (overrides.annotations != null) {
      podAnnotations.putAll(overrides.annotations);
    }
    // A new cowsql.io/restart value is a new digest, so a new template revision: every pod is rolled once
    // (roll/RolloutPlanner). It goes into the digest, not onto the pod: the agent refuses cowsql.io/ pod annotations
    // the contract does not define.
    Map<String, String> restartSettings =
        new TreeMap<>(NodeSettings.of(cluster, defaults.shutdownTimeout()).restart());
    Optional.ofNullable(cluster.getMetadata().getAnnotations()).map(a -> a.get(UserAnnotations.RESTART))
        .ifPresent(v -> restartSettings.put(UserAnnotations.RESTART, v));
    podAnnotations.put(ANNOTATION_CONFIG_HASH, NodeConfigMapDependent.settingsHash(restartSettings));

    List<PersistentVolumeClaim> claims = existing.map(s -> s.getSpec().getVolumeClaimTemplates())
        .filter(l -> l != null && !l.isEmpty())
        .orElseGet(() -> List.of(dataClaim(cluster, spec)));

    long grace = defaults.shutdownTimeout().toSeconds() + 10;
    return new StatefulSetBuilder()
        .withNewMetadata()
          .withName(ClusterNames.statefulSet(cluster))
          .withNamespace(cluster.getMetadata().getNamespace())
          .withLabels(ClusterNames.labels(cluster))
        .endMetadata()
        .withNewSpec()
          .withReplicas(replicas)
          .withServiceName(ClusterNames.headlessService(cluster))
          .withPodManagementPolicy("Parallel")
          // The operator deletes outdated pods itself, one at a time, in an order that keeps quorum and the leader
          // last (roll/RolloutPlanner); the StatefulSet controller only recreates them from the new template.
          .withNewUpdateStrategy().withType(UPDATE_STRATEGY).endUpdateStrategy()
          .withNewSelector().withMatchLabels(ClusterNames.selectorLabels(cluster)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(podLabels).withAnnotations(podAnnotations).endMetadata()
            .withNewSpec()
              .withServiceAccountName(overrides.serviceAccountName != null ? overrides.serviceAccountName
                  : ClusterNames.serviceAccount(cluster))
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withTerminationGracePeriodSeconds(grace)
              .withPriorityClassName(overrides.priorityClassName)
              .withNodeSelector(overrides.nodeSelector)
              .withTolerations(overrides.tolerations)
              .withAffinity(affinity(cluster, overrides.affinity))
              .withTopologySpreadConstraints(spreading(cluster, spec))
              .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS)
                .withRunAsGroup(RUN_AS)
                .withFsGroup(RUN_AS)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
              .endSecurityContext()
              .withContainers(container(cluster, spec, defaults))
              .addNewVolume()
                .withName("podinfo")
                .withNewDownwardAPI()
                  .addNewItem().withPath("annotations").withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.annotations")
                    .endFieldRef().endItem()
                  .addNewItem().withPath("labels").withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.labels")
                    .endFieldRef().endItem()
                .endDownwardAPI()
              .endVolume()
              // A size limit also keeps the apply stable: an empty emptyDir {} does not round-trip through SSA.
              .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                .endVolume()
            .endSpec()
          .endTemplate()
          .withVolumeClaimTemplates(claims)
        .endSpec()
        .build();
  }

  static Container container(CowsqlCluster cluster, ClusterSpecView spec, NodeDefaults defaults) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(spec.image().orElse(defaults.image()))
        .withImagePullPolicy(spec.imagePullPolicy().name())
        .withArgs("run")
        .withEnv(env(cluster))
        .addNewEnvFrom().withNewConfigMapRef().withName(ClusterNames.configMap(cluster)).endConfigMapRef().endEnvFrom()
        .addNewPort().withName("cowsql").withContainerPort(ClusterNames.COWSQL_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("http").withContainerPort(ClusterNames.HTTP_PORT).withProtocol("TCP").endPort()
        .withResources(resources(spec.resources()))
        .withStartupProbe(probe("/healthz", 5, 60))
        .withLivenessProbe(probe("/healthz", 10, 6))
        .withReadinessProbe(probe("/readyz", 5, 3))
        .addNewVolumeMount().withName(ClusterNames.DATA_VOLUME).withMountPath(ClusterNames.DATA_MOUNT).endVolumeMount()
        .addNewVolumeMount().withName("podinfo").withMountPath(ClusterNames.PODINFO_DIR).withReadOnly(true)
          .endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .withNewSecurityContext()
          .withAllowPrivilegeEscalation(false)
          .withReadOnlyRootFilesystem(true)
          .withRunAsNonRoot(true)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .build();
  }

  /** Per-pod values; the rest comes from the ConfigMap. Order matters: $(VAR) sees only earlier variables. */
  static List<EnvVar> env(CowsqlCluster cluster) {
    String suffix = "." + ClusterNames.headlessService(cluster) + ".$(POD_NAMESPACE).svc." + ClusterNames.CLUSTER_DOMAIN;
    return List.of(
        fieldRef("POD_NAME", "metadata.name"),
        fieldRef("POD_NAMESPACE", "metadata.namespace"),
        fieldRef("POD_IP", "status.podIP"),
        new EnvVarBuilder().withName(AgentOption.ADDRESS.env()).withValue("$(POD_NAME)" + suffix + ":" + ClusterNames.COWSQL_PORT)
            .build(),
        new EnvVarBuilder().withName(AgentOption.BIND.env()).withValue("$(POD_IP):" + ClusterNames.COWSQL_PORT).build(),
        new EnvVarBuilder().withName(AgentOption.HTTP.env()).withValue("$(POD_IP):" + ClusterNames.HTTP_PORT).build(),
        // Set on ordinal 0 of a never-formed cluster only, and withdrawn once it formed. Read at container start;
        // the agent also reads it from the annotations file (COWSQL_BOOTSTRAP_KEY) after the failure domain.
        fieldRef(AgentOption.BOOTSTRAP.env(), "metadata.annotations['" + ClusterNames.ANNOTATION_BOOTSTRAP + "']"));
  }

  private static EnvVar fieldRef(String name, String path) {
    // apiVersion as the API server defaults it, so the applied and the stored objects compare equal
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withApiVersion("v1")
        .withFieldPath(path).endFieldRef().endValueFrom().build();
  }

  private static Probe probe(String path, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withNewPort("http").endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failures)
        .build();
  }

  /** The requests and limits the spec gives, or the operator's when it gives none. */
  static ResourceRequirements resources(Optional<ResourceRequirements> requested) {
    Optional<ResourceRequirements> given = requested.filter(r -> (r.getLimits() != null && !r.getLimits().isEmpty())
        || (r.getRequests() != null && !r.getRequests().isEmpty()));
    if (given.isPresent()) {
      return new ResourceRequirementsBuilder().withLimits(given.get().getLimits()).withRequests(given.get().getRequests())
          .build();
    }
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .build();
  }

  static PersistentVolumeClaim dataClaim(CowsqlCluster cluster, ClusterSpecView spec) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(ClusterNames.DATA_VOLUME).withLabels(ClusterNames.labels(cluster)).endMetadata()
        .withNewSpec()
          .withAccessModes("ReadWriteOnce")
          .withStorageClassName(spec.storageClassName().orElse(null))
          .withNewResources().addToRequests("storage", new Quantity(spec.storageSize())).endResources()
        .endSpec()
        .build();
  }

  /** Zones: at most one more pod in any zone than in another (hard or soft). */
  static List<TopologySpreadConstraint> spreading(CowsqlCluster cluster, ClusterSpecView spec) {
    String when = spec.spreading() == FailureDomainsSpec.Spreading.Required ? "DoNotSchedule" : "ScheduleAnyway";
    return List.of(new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(spec.topologyKey())
        .withWhenUnsatisfiable(when)
        .withNewLabelSelector().withMatchLabels(ClusterNames.selectorLabels(cluster)).endLabelSelector()
        .build());
  }

  /**
   * The user's affinity plus a preferred anti-affinity between this cluster's pods per host: preferred, so
   * more nodes than hosts still schedule (the zone spreading above is the rule that matters for quorum).
   */
  static Affinity affinity(CowsqlCluster cluster, Affinity user) {
    AffinityBuilder b = user == null ? new AffinityBuilder() : new AffinityBuilder(user);
    PodAntiAffinity anti = user == null || user.getPodAntiAffinity() == null ? new PodAntiAffinity()
        : user.getPodAntiAffinity();
    List<io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm> preferred = new ArrayList<>(
        anti.getPreferredDuringSchedulingIgnoredDuringExecution() == null ? List.of()
            : anti.getPreferredDuringSchedulingIgnoredDuringExecution());
    preferred.add(new io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder()
        .withWeight(100)
        .withNewPodAffinityTerm()
          .withTopologyKey("kubernetes.io/hostname")
          .withNewLabelSelector().withMatchLabels(ClusterNames.selectorLabels(cluster)).endLabelSelector()
        .endPodAffinityTerm()
        .build());
    return b.withPodAntiAffinity(new PodAntiAffinityBuilder(anti)
        .withPreferredDuringSchedulingIgnoredDuringExecution(preferred).build()).build();
  }
}
