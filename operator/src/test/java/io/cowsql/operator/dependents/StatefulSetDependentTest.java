package io.cowsql.operator.dependents;

import static io.cowsql.operator.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.FailureDomainsSpec;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatefulSetDependentTest {

  @Test
  void podTemplateOverridesAreMergedAndTheOperatorsOwnSettingsStay() {
    CowsqlCluster c = cluster("a");
    c.getSpec().image = "registry.example/cowsql-node:9";
    c.getSpec().imagePullPolicy = CowsqlClusterSpec.PullPolicy.Always;
    c.getSpec().failureDomains.spreading = FailureDomainsSpec.Spreading.Required;
    c.getSpec().failureDomains.topologyKey = "example.com/rack";
    c.getSpec().podTemplate.labels = Map.of("team", "db", "app.kubernetes.io/instance", "hijack");
    c.getSpec().podTemplate.annotations = Map.of("prometheus.io/scrape", "true");
    c.getSpec().podTemplate.nodeSelector = Map.of("disk", "ssd");
    c.getSpec().podTemplate.tolerations = List.of(new TolerationBuilder().withKey("dedicated").withOperator("Exists")
        .build());
    c.getSpec().podTemplate.priorityClassName = "high";
    c.getSpec().podTemplate.serviceAccountName = "custom";
    c.getSpec().podTemplate.affinity = new AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("arch").withOperator("In").withValues("amd64").endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();

    StatefulSet sts = StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty());
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "db")
        .containsEntry("app.kubernetes.io/instance", "a");
    assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
        .containsKey(StatefulSetDependent.ANNOTATION_CONFIG_HASH);
    assertThat(pod.getNodeSelector()).containsEntry("disk", "ssd");
    assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
    assertThat(pod.getPriorityClassName()).isEqualTo("high");
    assertThat(pod.getServiceAccountName()).isEqualTo("custom");
    assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()).hasSize(1);
    assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(t -> {
      assertThat(t.getTopologyKey()).isEqualTo("example.com/rack");
      assertThat(t.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    });
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example/cowsql-node:9");
    assertThat(pod.getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
  }

  @Test
  void existingVolumeClaimTemplatesAreKept() {
    CowsqlCluster c = cluster("a");
    StatefulSet first = StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty());
    c.getSpec().storage.size = "5Gi";
    StatefulSet next = StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.of(first));
    assertThat(next.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage")
        .toString()).isEqualTo("1Gi");
    assertThat(StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty()).getSpec()
        .getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("5Gi");
  }

  @Test
  void engineSettingsRollThePodsButScalingDoesNot() {
    CowsqlCluster c = cluster("a");
    String hash3 = hash(StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty()));
    assertThat(hash(StatefulSetDependent.build(c, 5, NodeDefaults.standard(), Optional.empty()))).isEqualTo(hash3);
    c.getSpec().engine.networkLatency = "50ms";
    assertThat(hash(StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty()))).isNotEqualTo(hash3);
    assertThat(NodeConfigMapDependent.build(c, 3, NodeDefaults.standard()).getData())
        .containsEntry("COWSQL_NETWORK_LATENCY", "50ms");
  }

  @Test
  void roleTargetsAreLiveAndRollNothing() {
    CowsqlCluster c = cluster("a");
    String before = hash(StatefulSetDependent.build(c, 5, NodeDefaults.standard(), Optional.empty()));
    c.getSpec().roles = new io.cowsql.operator.model.RolesSpec();
    c.getSpec().roles.voters = 5;
    c.getSpec().roles.standbys = 0;
    assertThat(hash(StatefulSetDependent.build(c, 5, NodeDefaults.standard(), Optional.empty()))).isEqualTo(before);
    assertThat(NodeConfigMapDependent.build(c, 5, NodeDefaults.standard()).getData())
        .as("nodes that start later read the new targets from their environment too")
        .containsEntry("COWSQL_VOTERS", "5").containsEntry("COWSQL_STANDBYS", "0");
  }

  /** Checked on Kubernetes 1.20: defaulted or pruned fields make every server-side apply look like a change. */
  @Test
  void desiredStatefulSetRoundTripsThroughServerSideApply() {
    PodSpec pod = StatefulSetDependent.build(cluster("a"), 3, NodeDefaults.standard(), Optional.empty()).getSpec()
        .getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getEnv()).filteredOn(e -> e.getValueFrom() != null)
        .allSatisfy(e -> assertThat(e.getValueFrom().getFieldRef().getApiVersion()).isEqualTo("v1"));
    assertThat(pod.getVolumes()).filteredOn(v -> v.getDownwardAPI() != null).singleElement()
        .satisfies(v -> assertThat(v.getDownwardAPI().getItems())
            .allSatisfy(i -> assertThat(i.getFieldRef().getApiVersion()).isEqualTo("v1")));
    assertThat(pod.getVolumes()).filteredOn(v -> v.getEmptyDir() != null)
        .allSatisfy(v -> assertThat(v.getEmptyDir().getSizeLimit()).isNotNull());
  }

  private static String hash(StatefulSet sts) {
    return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(StatefulSetDependent.ANNOTATION_CONFIG_HASH);
  }

  @Test
  void podsAreReplacedOnlyWhenTheOperatorDeletesThem() {
    StatefulSet sts = StatefulSetDependent.build(cluster("a"), 3, NodeDefaults.standard(), Optional.empty());
    assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
  }

  @Test
  void aRestartAnnotationOnTheClusterChangesThePodTemplateAndLiveSettingsDoNot() {
    CowsqlCluster c = cluster("a");
    StatefulSet before = StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty());

    c.getSpec().roles.voters = 5;
    c.getSpec().roles.standbys = 2;
    assertThat(StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty()).getSpec().getTemplate())
        .as("roles are live settings: the template, and so the revision, stays").isEqualTo(before.getSpec().getTemplate());

    c.getMetadata().setAnnotations(Map.of(io.cowsql.operator.model.UserAnnotations.RESTART, "2026-12-03T10:00"));
    StatefulSet restarted = StatefulSetDependent.build(c, 3, NodeDefaults.standard(), Optional.empty());
    assertThat(restarted.getSpec().getTemplate()).isNotEqualTo(before.getSpec().getTemplate());
    // in the settings digest, never as a pod annotation: the agent refuses cowsql.io/ keys the contract lacks
    assertThat(restarted.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey(io.cowsql.operator.model.UserAnnotations.RESTART)
        .allSatisfy((k, v) -> assertThat(io.cowsql.contract.Annotations.unknown(java.util.List.of(k))).isEmpty());
    assertThat(restarted.getSpec().getTemplate().getMetadata().getAnnotations().get(StatefulSetDependent.ANNOTATION_CONFIG_HASH))
        .isNotEqualTo(before.getSpec().getTemplate().getMetadata().getAnnotations().get(StatefulSetDependent.ANNOTATION_CONFIG_HASH));
  }
}
