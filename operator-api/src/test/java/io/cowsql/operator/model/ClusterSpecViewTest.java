package io.cowsql.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.contract.RoleTargets;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSpecViewTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static CowsqlClusterSpec parse(String json) {
    return JSON.unmarshal(json, CowsqlClusterSpec.class);
  }

  /** What the API server stores for {@code spec: {}} (the schema's defaults) and what the view reads are the same. */
  @Test
  void anEmptySpecReadsAsTheSchemasDefaults() {
    ClusterSpecView v = parse("{}").defaulted();
    assertThat(v.replicas()).isEqualTo(3);
    assertThat(v.voters()).isEqualTo(RoleTargets.DEFAULT_VOTERS);
    assertThat(v.standbys()).isEqualTo(RoleTargets.DEFAULT_STANDBYS);
    assertThat(v.storageSize()).isEqualTo("1Gi");
    assertThat(v.whenDeleted()).isEqualTo(StorageSpec.RetentionPolicy.Retain);
    assertThat(v.whenScaled()).isEqualTo(StorageSpec.RetentionPolicy.Retain);
    assertThat(v.topologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(v.spreading()).isEqualTo(FailureDomainsSpec.Spreading.Preferred);
    assertThat(v.recoveryMode()).isEqualTo(RecoverySpec.Mode.Manual);
    assertThat(v.quorumLossTimeout()).isEqualTo("5m");
    assertThat(v.serviceType()).isEqualTo(ClientServiceSpec.ServiceType.ClusterIP);
    assertThat(v.serviceAnnotations()).isEmpty();
    assertThat(v.imagePullPolicy()).isEqualTo(CowsqlClusterSpec.PullPolicy.IfNotPresent);
    assertThat(v.clusterId()).isEmpty();
    assertThat(v.image()).isEmpty();
    assertThat(v.resources()).isEmpty();
    assertThat(v.storageClassName()).isEmpty();
  }

  /**
   * Explicit nulls and missing sub-objects (an object written before a default existed, the mock API, a test)
   * read as the defaults too, the same as a freshly constructed spec.
   */
  @Test
  void nullFieldsAndMissingSectionsReadAsTheDefaults() {
    CowsqlClusterSpec nulls = parse("{\"replicas\":null,\"roles\":{\"voters\":null},\"storage\":{\"retention\":null},"
        + "\"failureDomains\":{\"topologyKey\":null,\"spreading\":null},\"service\":{\"type\":null}}");
    CowsqlClusterSpec missing = new CowsqlClusterSpec();
    missing.roles = null;
    missing.storage = null;
    missing.failureDomains = null;
    missing.engine = null;
    missing.recovery = null;
    missing.podTemplate = null;
    missing.service = null;
    ClusterSpecView fresh = new CowsqlClusterSpec().defaulted();
    assertThat(nulls.defaulted()).usingRecursiveComparison().isEqualTo(fresh);
    assertThat(missing.defaulted()).usingRecursiveComparison().isEqualTo(fresh);
    assertThat(fresh.engine()).isNotNull();
    assertThat(fresh.podTemplate()).isNotNull();
  }

  @Test
  void setFieldsAreKept() {
    ClusterSpecView v = parse("{\"replicas\":5,\"clusterId\":\"orders\",\"image\":\"example/node:2\","
        + "\"imagePullPolicy\":\"Always\",\"storage\":{\"size\":\"5Gi\",\"storageClassName\":\"fast\","
        + "\"retention\":{\"whenDeleted\":\"Delete\"}},\"roles\":{\"voters\":5,\"standbys\":0},"
        + "\"failureDomains\":{\"topologyKey\":\"rack\",\"spreading\":\"Required\"},\"engine\":{\"blockSize\":4096},"
        + "\"service\":{\"type\":\"NodePort\",\"annotations\":{\"a\":\"b\"}}}").defaulted();
    assertThat(v.replicas()).isEqualTo(5);
    assertThat(v.clusterId()).contains("orders");
    assertThat(v.image()).contains("example/node:2");
    assertThat(v.imagePullPolicy()).isEqualTo(CowsqlClusterSpec.PullPolicy.Always);
    assertThat(v.storageSize()).isEqualTo("5Gi");
    assertThat(v.storageClassName()).isEqualTo(Optional.of("fast"));
    assertThat(v.whenDeleted()).isEqualTo(StorageSpec.RetentionPolicy.Delete);
    assertThat(v.whenScaled()).isEqualTo(StorageSpec.RetentionPolicy.Retain);
    assertThat(v.voters()).isEqualTo(5);
    assertThat(v.standbys()).isZero();
    assertThat(v.topologyKey()).isEqualTo("rack");
    assertThat(v.spreading()).isEqualTo(FailureDomainsSpec.Spreading.Required);
    assertThat(v.engine().blockSize).isEqualTo(4096);
    assertThat(v.engine().networkLatency).as("unset engine tuning stays unset: the engine's default").isNull();
    assertThat(v.serviceType()).isEqualTo(ClientServiceSpec.ServiceType.NodePort);
    assertThat(v.serviceAnnotations()).isEqualTo(Map.of("a", "b"));
  }

  /** As the leader's role policy assigns them: fewer than three members keep only the leader voting. */
  @Test
  void oneOrTwoReplicasWithTheDefaultTargetsHaveOneVoterAndNoStandby() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.replicas = 1;
    assertThat(spec.defaulted().roles()).isEqualTo(new ClusterSpecView.RoleCounts(1, 0, 0));
    spec.replicas = 2;
    assertThat(spec.defaulted().roles()).isEqualTo(new ClusterSpecView.RoleCounts(1, 0, 1));
  }

  @Test
  void fromThreeMembersTheTargetsAreFilledVotersFirst() {
    ClusterSpecView v = new CowsqlClusterSpec().defaulted(); // 3 voters, 3 standbys
    assertThat(v.rolesOf(0)).isEqualTo(new ClusterSpecView.RoleCounts(0, 0, 0));
    assertThat(v.rolesOf(3)).isEqualTo(new ClusterSpecView.RoleCounts(3, 0, 0));
    assertThat(v.rolesOf(5)).isEqualTo(new ClusterSpecView.RoleCounts(3, 2, 0));
    assertThat(v.rolesOf(8)).isEqualTo(new ClusterSpecView.RoleCounts(3, 3, 2));
    CowsqlClusterSpec five = new CowsqlClusterSpec();
    five.roles.voters = 5;
    five.roles.standbys = 0;
    assertThat(five.defaulted().rolesOf(4)).as("a scale-up from 3 to 5 half way").isEqualTo(
        new ClusterSpecView.RoleCounts(4, 0, 0));
    assertThat(five.defaulted().rolesOf(6)).isEqualTo(new ClusterSpecView.RoleCounts(5, 0, 1));
  }
}
