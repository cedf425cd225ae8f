package io.cowsql.operator.reconciler;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.dependents.ClientServiceDependent;
import io.cowsql.operator.dependents.DesiredState;
import io.cowsql.operator.dependents.HeadlessServiceDependent;
import io.cowsql.operator.dependents.NodeConfigMapDependent;
import io.cowsql.operator.dependents.NodeDefaults;
import io.cowsql.operator.dependents.PodDisruptionBudgetApi;
import io.cowsql.operator.dependents.PodDisruptionBudgetDependent;
import io.cowsql.operator.dependents.PodDisruptionBudgetV1beta1Dependent;
import io.cowsql.operator.dependents.ServiceAccountDependent;
import io.cowsql.operator.dependents.StatefulSetDependent;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.UserAnnotations;
import io.cowsql.operator.plan.ClusterPlan;
import io.cowsql.operator.plan.ClusterPlanner;
import io.cowsql.operator.plan.StatusTransitions;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.StatusAggregator;
import io.cowsql.operator.recovery.QuorumRecovery;
import io.cowsql.operator.recovery.RecoveryPlan;
import io.cowsql.operator.roll.RollingUpdate;
import io.cowsql.operator.roll.RolloutPlan;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One pass: observe (Kubernetes objects and the cowsql nodes) -> decide (a {@link ClusterPlan}) -> act (the
 * dependents, then pod annotations and claim retention, a quorum-loss recovery's step ({@link QuorumRecovery}), a
 * scale-down's or a rollout's) -> status (one {@link StatusAggregator}). An invalid
 * spec stops after decide: nothing is changed, only status says why.
 */
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = CowsqlClusterReconciler.SERVICE_ACCOUNT, type = ServiceAccountDependent.class),
    @Dependent(name = CowsqlClusterReconciler.NODE_CONFIG, type = NodeConfigMapDependent.class),
    @Dependent(name = CowsqlClusterReconciler.PEERS_SERVICE, type = HeadlessServiceDependent.class),
    @Dependent(name = CowsqlClusterReconciler.CLIENT_SERVICE, type = ClientServiceDependent.class),
    @Dependent(name = CowsqlClusterReconciler.STATEFUL_SET, type = StatefulSetDependent.class,
        dependsOn = {CowsqlClusterReconciler.SERVICE_ACCOUNT, CowsqlClusterReconciler.NODE_CONFIG,
            CowsqlClusterReconciler.PEERS_SERVICE}),
    // One budget, in the version the server serves: the other's informer is never registered.
    @Dependent(name = CowsqlClusterReconciler.DISRUPTION_BUDGET, type = PodDisruptionBudgetDependent.class,
        activationCondition = PodDisruptionBudgetDependent.Served.class),
    @Dependent(name = CowsqlClusterReconciler.DISRUPTION_BUDGET_V1BETA1, type = PodDisruptionBudgetV1beta1Dependent.class,
        activationCondition = PodDisruptionBudgetV1beta1Dependent.Served.class)})
@ControllerConfiguration(name = CowsqlClusterReconciler.NAME)
public class CowsqlClusterReconciler implements Reconciler<CowsqlCluster> {
  private static final Logger LOG = Logger.getLogger(CowsqlClusterReconciler.class);

  public static final String NAME = "cowsqlcluster";
  static final String SERVICE_ACCOUNT = "service-account";
  static final String NODE_CONFIG = "node-config";
  static final String PEERS_SERVICE = "peers-service";
  static final String CLIENT_SERVICE = "client-service";
  static final String STATEFUL_SET = "statefulset";
  static final String DISRUPTION_BUDGET = "disruption-budget";
  static final String DISRUPTION_BUDGET_V1BETA1 = "disruption-budget-v1beta1";
  static final String PODS = "pods";
  static final String CLAIMS = "claims";
  static final String NODES = "nodes";
  /** Pods informer index: the Node a pod is scheduled on. */
  static final String PODS_BY_NODE = "by-node";

  private final ClusterObserver observer;
  private final PlanExecutor executor;
  private final ClusterEvents events;
  private final RollingUpdate rollingUpdate;
  private final QuorumRecovery quorumRecovery;
  private final NodeDefaults defaults;
  private final PodDisruptionBudgetApi disruptionBudgets;
  private final Duration resyncReady;
  private final Duration resyncBusy;

  public CowsqlClusterReconciler(ClusterObserver observer, PlanExecutor executor, ClusterEvents events,
      RollingUpdate rollingUpdate, QuorumRecovery quorumRecovery, KubernetesClient client,
      @ConfigProperty(name = "cowsql.operator.node-image", defaultValue = NodeDefaults.DEFAULT_IMAGE) String nodeImage,
      @ConfigProperty(name = "cowsql.operator.node-shutdown-timeout", defaultValue = "20s") Duration shutdownTimeout,
      @ConfigProperty(name = "cowsql.operator.resync-ready", defaultValue = "10s") Duration resyncReady,
      @ConfigProperty(name = "cowsql.operator.resync-busy", defaultValue = "3s") Duration resyncBusy) {
    this.observer = observer;
    this.executor = executor;
    this.events = events;
    this.rollingUpdate = rollingUpdate;
    this.quorumRecovery = quorumRecovery;
    this.defaults = new NodeDefaults(nodeImage, shutdownTimeout);
    this.resyncReady = resyncReady;
    this.resyncBusy = resyncBusy;
    this.disruptionBudgets = PodDisruptionBudgetApi.servedBy(client);
    if (disruptionBudgets == PodDisruptionBudgetApi.NONE) {
      LOG.warn("the API server serves neither policy/v1 nor policy/v1beta1 PodDisruptionBudgets: clusters get no"
          + " disruption budget, so a drain may evict several voters at once");
    } else {
      LOG.infof("PodDisruptionBudgets as %s (the newest version the API server serves)", disruptionBudgets.apiVersion());
    }
  }

  @Override
  public List<EventSource<?, CowsqlCluster>> prepareEventSources(EventSourceContext<CowsqlCluster> context) {
    // Pods belong to the StatefulSet, claims to its volumeClaimTemplate, not to us: map them back by their instance
    // label.
    InformerEventSourceConfiguration<Pod> podConfig = InformerEventSourceConfiguration.from(Pod.class, CowsqlCluster.class)
        .withName(PODS)
        .withLabelSelector(ClusterNames.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromLabel(ClusterNames.LABEL_INSTANCE, null, CowsqlCluster.class))
        .withNamespacesInheritedFromController()
        .build();
    InformerEventSource<Pod, CowsqlCluster> pods = new InformerEventSource<>(podConfig, context);
    pods.addIndexers(Map.of(PODS_BY_NODE, pod -> pod.getSpec() == null || pod.getSpec().getNodeName() == null
        ? List.of() : List.of(pod.getSpec().getNodeName())));

    InformerEventSourceConfiguration<PersistentVolumeClaim> claims = InformerEventSourceConfiguration
        .from(PersistentVolumeClaim.class, CowsqlCluster.class)
        .withName(CLAIMS)
        .withLabelSelector(ClusterNames.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromLabel(ClusterNames.LABEL_INSTANCE, null, CowsqlCluster.class))
        .withNamespacesInheritedFromController()
        .build();

    // Nodes are cluster-scoped and nobody's: a Node concerns the clusters with a pod on it (the pods informer's
    // index), and a cluster's Nodes are those its pods run on. Only a change the observer reads (labels, Ready)
    // triggers a pass, not every status heartbeat.
    InformerEventSourceConfiguration<Node> nodes = InformerEventSourceConfiguration.from(Node.class, CowsqlCluster.class)
        .withName(NODES)
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper(node -> pods.byIndex(PODS_BY_NODE, node.getMetadata().getName()).stream()
            .map(CowsqlClusterReconciler::clusterOf).flatMap(Optional::stream).collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((CowsqlCluster cluster) -> pods.getSecondaryResources(cluster).stream()
            .map(pod -> pod.getSpec() == null ? null : pod.getSpec().getNodeName()).filter(Objects::nonNull)
            .map(ResourceID::new).collect(Collectors.toSet()))
        .withOnUpdateFilter((updated, old) -> !Objects.equals(updated.getMetadata().getLabels(),
            old.getMetadata().getLabels()) || !ClusterObserver.nodeReady(updated).equals(ClusterObserver.nodeReady(old)))
        .build();

    List<EventSource<?, CowsqlCluster>> sources = new ArrayList<>();
    sources.add(pods);
    sources.add(new InformerEventSource<>(claims, context));
    sources.add(new InformerEventSource<>(nodes, context));
    return sources;
  }

  /** The CowsqlCluster a pod of ours belongs to (its instance label, its namespace). */
  private static Optional<ResourceID> clusterOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(ClusterNames.LABEL_INSTANCE))
        .map(name -> new ResourceID(name, pod.getMetadata().getNamespace()));
  }

  @Override
  public UpdateControl<CowsqlCluster> reconcile(CowsqlCluster cached, Context<CowsqlCluster> context) {
    CowsqlCluster cluster = withStatusLastWritten(cached);
    ObservedCluster observed = observer.observe(cluster, context);
    ClusterPlan plan = ClusterPlanner.decide(cluster, observed);
    RolloutPlan rollout = RolloutPlan.none();
    RecoveryPlan recovery = null; // not decided (invalid spec, or paused): status keeps the recorded recovery
    // Paused: observe and report only (the status says so in Progressing), so a person can repair by hand.
    if (plan.valid() && !UserAnnotations.reconcilePaused(cluster)) {
      DesiredState.put(context, new DesiredState(plan, defaults));
      disruptionBudgets.put(context);
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
          .throwAggregateExceptionIfErrorsPresent();
      executor.annotatePods(context.getClient(), cluster, plan);
      executor.restartPods(context.getClient(), cluster, plan);
      plan.podsToRestart().forEach((pod, why) -> events.emit(context.getClient(), cluster, "Normal", "BootstrapRestart",
          "Restarted " + pod + ": " + why));
      executor.applyClaimRetention(context.getClient(), cluster, plan);
      recovery = quorumRecovery.pass(context, NODES, cluster, observed, (type, reason, message) -> events.emit(
          context.getClient(), cluster, type, reason, message));
      // A recovery under way owns the membership and the pods: no scale-down step, no rollout meanwhile.
      if (!recovery.inProgress()) {
        executor.scaleDown(context.getClient(), cluster, observed, plan).ifPresent(failure -> events.emit(
            context.getClient(), cluster, "Warning", "ScaleDownStepFailed", failure));
      }
      Optional<String> waitFor = recovery.inProgress() ? Optional.of("A quorum-loss recovery")
          : plan.scaleDown().active() ? Optional.of("A scale-down") : Optional.empty();
      rollout = rollingUpdate.pass(context, cluster, observed, Optional.ofNullable(cluster.getStatus())
          .map(s -> s.rollout), waitFor, (type, reason, message) -> events.emit(context.getClient(),
          cluster, type, reason, message));
    } else if (!plan.valid()) {
      LOG.infof("%s/%s: invalid spec, nothing changed: %s", cluster.getMetadata().getNamespace(),
          cluster.getMetadata().getName(), plan.specErrors());
    }
    CowsqlClusterStatus status = StatusAggregator.aggregate(cluster, observed, plan, rollout, recovery, now());
    Duration next = "True".equals(StatusAggregator.find(status, StatusAggregator.READY).map(Condition::getStatus)
        .orElse("False")) && !plan.scaleDown().active() && !rollout.active() ? resyncReady : resyncBusy;
    events.record(context.getClient(), cluster, StatusTransitions.between(cluster.getStatus(), status));
    if (sameStatus(cluster.getStatus(), status)) {
      return UpdateControl.<CowsqlCluster>noUpdate().rescheduleAfter(next);
    }
    lastWritten.put(cluster.getMetadata().getUid(), new WrittenStatus(cached.getMetadata().getResourceVersion(), status,
        System.nanoTime()));
    CowsqlCluster patch = statusPatch(cluster, status);
    return UpdateControl.patchStatus(patch).rescheduleAfter(next);
  }

  @Override
  public ErrorStatusUpdateControl<CowsqlCluster> updateErrorStatus(CowsqlCluster cached, Context<CowsqlCluster> context,
      Exception e) {
    CowsqlCluster cluster = withStatusLastWritten(cached);
    CowsqlClusterStatus status = StatusAggregator.reconcileFailed(cluster,
        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), now());
    LOG.warnf(e, "%s/%s: reconcile failed", cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
    events.record(context.getClient(), cluster, StatusTransitions.between(cluster.getStatus(), status));
    lastWritten.put(cluster.getMetadata().getUid(), new WrittenStatus(cached.getMetadata().getResourceVersion(), status,
        System.nanoTime()));
    return ErrorStatusUpdateControl.patchStatus(statusPatch(cluster, status));
  }

  /**
   * The resource with the status this operator last wrote, when the informer has not delivered that write yet (the
   * cached resource is still the version the status was computed from). Without this, a reconcile right after a
   * status patch compares against the older status and records every Event a second time.
   */
  CowsqlCluster withStatusLastWritten(CowsqlCluster cached) {
    WrittenStatus written = lastWritten.get(cached.getMetadata().getUid());
    if (written == null || !written.baseVersion().equals(cached.getMetadata().getResourceVersion())
        || System.nanoTime() - written.atNanos() > LAST_WRITTEN_TRUSTED_FOR.toNanos()) {
      return cached;
    }
    CowsqlCluster cluster = Serialization.clone(cached);
    cluster.setStatus(Serialization.clone(written.status()));
    return cluster;
  }

  /** A status patch, the resourceVersion of the resource it was computed from, and when it was sent. */
  record WrittenStatus(String baseVersion, CowsqlClusterStatus status, long atNanos) {}

  /**
   * How long a sent status stands in for a cache that has not seen it. A patch that failed leaves the cache at the
   * same version: after this long the stored status counts again, so the write is made again.
   */
  static final Duration LAST_WRITTEN_TRUSTED_FOR = Duration.ofSeconds(30);

  /** uid -> the status last written; bounded (entries of deleted clusters age out). */
  private final Map<String, WrittenStatus> lastWritten = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WrittenStatus> eldest) {
          return size() > LAST_WRITTEN_KEPT;
        }
      });
  static final int LAST_WRITTEN_KEPT = 1000;

  private static CowsqlCluster statusPatch(CowsqlCluster cluster, CowsqlClusterStatus status) {
    CowsqlCluster patch = Serialization.clone(cluster);
    patch.getMetadata().setManagedFields(null);
    // The status is computed whole from a fresh observation by the only writer: no optimistic lock.
    patch.getMetadata().setResourceVersion(null);
    patch.setStatus(status);
    return patch;
  }

  static boolean sameStatus(CowsqlClusterStatus a, CowsqlClusterStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Serialization.asJson(a).equals(Serialization.asJson(b));
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
