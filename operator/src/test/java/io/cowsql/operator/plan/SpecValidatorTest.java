package io.cowsql.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.model.CowsqlClusterSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  @Test
  void defaultSpecIsValid() {
    assertThat(SpecValidator.validate(new CowsqlClusterSpec())).isEmpty();
  }

  @Test
  void podTemplateAnnotationsUnderTheOperatorsPrefixAreRefused() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.podTemplate.annotations = java.util.Map.of("cowsql.io/voters", "5", "prometheus.io/scrape", "true");
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .startsWith("spec.podTemplate.annotations: cowsql.io/voters").contains("rename them");
  }

  @Test
  void evenVotersNameTheFieldAndTheFix() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.replicas = 5;
    spec.roles.voters = 4;
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .startsWith("spec.roles.voters: 4 is even").contains("set it to 3 or 5");
  }

  /**
   * The API server writes the default voter target (3) into every stored spec, so a small cluster always carries
   * it: below three members the role policy keeps only the leader voting, whatever the target.
   */
  @Test
  void oneOrTwoReplicasWithTheDefaultRoleTargetsAreValid() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.replicas = 1;
    assertThat(SpecValidator.validate(spec)).isEmpty();
    assertThat(SpecValidator.warnings(spec)).isEmpty();
    spec.replicas = 2;
    assertThat(SpecValidator.validate(spec)).isEmpty();
    spec.roles.voters = 5;
    assertThat(SpecValidator.validate(spec)).isEmpty();
    spec.roles.voters = 4;
    assertThat(SpecValidator.validate(spec)).singleElement().asString().startsWith("spec.roles.voters: 4 is even");
  }

  @Test
  void twoReplicasWarnThatTheSecondNodeIsASpare() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.replicas = 2;
    assertThat(SpecValidator.warnings(spec)).singleElement().asString()
        .isEqualTo("spec.replicas: 2 nodes make one voter and 1 spare: a cluster of fewer than 3 nodes has only its"
            + " leader voting, and a spare neither votes nor holds a copy of the data. Set spec.replicas to 3 for a"
            + " cluster that survives the loss of a node, or to 1");
  }

  @Test
  void fromThreeReplicasMoreVotersThanReplicasIsRefused() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.replicas = 4;
    spec.roles.voters = 5;
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .isEqualTo("spec.roles.voters: 5 is more than spec.replicas (4); set voters to 3 or raise spec.replicas to 5");
    spec.replicas = 3;
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .startsWith("spec.roles.voters: 5 is more than spec.replicas (3); set voters to 3");
    spec.replicas = 5;
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }

  @Test
  void negativeStandbysAndBadReplicas() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.roles.standbys = -1;
    spec.replicas = 0;
    assertThat(SpecValidator.validate(spec)).anyMatch(m -> m.startsWith("spec.roles.standbys: -1 is negative"))
        .anyMatch(m -> m.startsWith("spec.replicas: 0 is out of range"));
  }

  @Test
  void quantitiesMustParse() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.storage.size = "lots";
    assertThat(SpecValidator.validate(spec)).singleElement().asString().startsWith("spec.storage.size: 'lots'");
    spec.storage.size = "0";
    assertThat(SpecValidator.validate(spec)).singleElement().asString().contains("more than zero");
    spec.storage.size = "500Mi";
    assertThat(SpecValidator.validate(spec)).isEmpty();

    spec.resources = new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("1Gi"))
        .addToLimits("memory", new Quantity("512Mi")).addToLimits("cpu", new Quantity("two")).build();
    assertThat(SpecValidator.validate(spec))
        .anyMatch(m -> m.startsWith("spec.resources.limits.cpu: 'two' is not a quantity"))
        .anyMatch(m -> m.startsWith("spec.resources.requests.memory: 1Gi is more than the limit 512Mi"));
  }

  @Test
  void engineTuningRules() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.engine.networkLatency = "fast";
    spec.engine.snapshotThreshold = 100;
    assertThat(SpecValidator.validate(spec))
        .anyMatch(m -> m.startsWith("spec.engine.networkLatency: 'fast' is not a duration"))
        .anyMatch(m -> m.startsWith("spec.engine.snapshotThreshold and spec.engine.snapshotTrailing go together"));
    spec.engine.networkLatency = "20ms";
    spec.engine.snapshotTrailing = 50;
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .startsWith("spec.engine.snapshotTrailing: 50 is below snapshotThreshold (100)");
    spec.engine.snapshotTrailing = 100;
    spec.engine.blockSize = 1000;
    assertThat(SpecValidator.validate(spec)).singleElement().asString().startsWith("spec.engine.blockSize: 1000");
    spec.engine.blockSize = 4096;
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }

  @Test
  void namesLongerThanAStatefulSetAllowsAreRefused() {
    assertThat(SpecValidator.validateName("a".repeat(52))).isEmpty();
    assertThat(SpecValidator.validateName("a".repeat(53))).singleElement().asString()
        .startsWith("metadata.name: '" + "a".repeat(53) + "' has 53 characters; use at most 52");
  }

  @Test
  void recoveryTimeoutMustBeADuration() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.recovery.quorumLossTimeout = "soon";
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .startsWith("spec.recovery.quorumLossTimeout: 'soon'");
  }

  @Test
  void clusterIdMustBeAnIdAndCannotChangeOnceFormed() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    spec.clusterId = "team-a/orders.v2";
    assertThat(SpecValidator.validate(spec)).isEmpty();
    spec.clusterId = "has space";
    assertThat(SpecValidator.validate(spec)).singleElement().asString()
        .startsWith("spec.clusterId: 'has space' is not a cluster id");
    spec.clusterId = "x".repeat(254);
    assertThat(SpecValidator.validate(spec)).singleElement().asString().contains("use 1 to 253");
    assertThat(SpecValidator.validateIdentity("db/a", java.util.Optional.empty())).isEmpty();
    assertThat(SpecValidator.validateIdentity("db/a", java.util.Optional.of("db/a"))).isEmpty();
    assertThat(SpecValidator.validateIdentity("other", java.util.Optional.of("db/a"))).singleElement().asString()
        .contains("formed as 'db/a'").contains("Set spec.clusterId back to 'db/a'");
  }

  @Test
  void replicasAboveVotersPlusStandbysWarnWithTheFix() {
    CowsqlClusterSpec spec = new CowsqlClusterSpec();
    assertThat(SpecValidator.warnings(spec)).isEmpty();
    spec.replicas = 6;
    assertThat(SpecValidator.warnings(spec)).isEmpty();
    spec.replicas = 8;
    assertThat(SpecValidator.validate(spec)).isEmpty();
    assertThat(SpecValidator.warnings(spec)).singleElement().asString()
        .isEqualTo("spec.replicas: 2 nodes will be spares: 8 replicas but spec.roles asks for 3 voters + 3 standbys,"
            + " and a spare neither votes nor holds a copy of the data. Raise spec.roles.standbys to 5 or lower"
            + " spec.replicas to 6");
  }
}
