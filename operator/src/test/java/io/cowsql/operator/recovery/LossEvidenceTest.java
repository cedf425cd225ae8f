package io.cowsql.operator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.recovery.LossEvidence.ClaimState;
import io.cowsql.operator.recovery.LossEvidence.Facts;
import io.cowsql.operator.recovery.LossEvidence.Kind;
import io.cowsql.operator.recovery.LossEvidence.NodeState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LossEvidenceTest {
  private static Facts facts(boolean pod, ClaimState claim, String uid, NodeState node) {
    return new Facts("db-1", pod, "data-db-1", claim, Optional.ofNullable(uid), Optional.of("node-b"), node);
  }

  @Test
  void aPausedOrPartitionedMemberWithItsPodAndVolumeIntactIsNeverEvidence() {
    LossEvidence.Finding f = LossEvidence.assess(facts(true, ClaimState.PRESENT, "u1", NodeState.PRESENT),
        Optional.of("u1"));
    assertThat(f.found()).isFalse();
    assertThat(f.detail()).contains("paused or partitioned", "data-db-1", "node-b", LossEvidence.OUT_OF_SERVICE_TAINT);
  }

  @Test
  void thePodGoneAloneOrTheVolumeGoneAloneIsNotEvidence() {
    // pod deleted, claim intact: the StatefulSet brings it back on its data
    assertThat(LossEvidence.assess(facts(false, ClaimState.PRESENT, "u1", NodeState.PRESENT), Optional.of("u1"))
        .found()).isFalse();
    // claim being deleted while the pod still runs on it
    assertThat(LossEvidence.assess(facts(true, ClaimState.TERMINATING, "u1", NodeState.PRESENT), Optional.of("u1"))
        .found()).isFalse();
    // the claim's volume lost, but a pod still runs
    assertThat(LossEvidence.assess(facts(true, ClaimState.LOST, "u1", NodeState.PRESENT), Optional.of("u1"))
        .found()).isFalse();
  }

  @Test
  void podAndVolumeGoneIsEvidence() {
    assertThat(LossEvidence.assess(facts(false, ClaimState.DELETED, null, NodeState.PRESENT), Optional.of("u1"))
        .kind()).contains(Kind.VolumeGone);
    assertThat(LossEvidence.assess(facts(false, ClaimState.LOST, "u1", NodeState.PRESENT), Optional.of("u1")).kind())
        .contains(Kind.VolumeGone);
  }

  @Test
  void aClaimReplacedByANewOneIsEvidenceEvenWithTheNewPodRunning() {
    assertThat(LossEvidence.assess(facts(true, ClaimState.PRESENT, "u2", NodeState.PRESENT), Optional.of("u1"))
        .kind()).contains(Kind.VolumeGone);
    // no claim when first seen lost, one now: a new claim
    assertThat(LossEvidence.assess(facts(true, ClaimState.PRESENT, "u2", NodeState.PRESENT), Optional.of(""))
        .kind()).contains(Kind.VolumeGone);
    // nothing recorded yet: the present claim is taken to be the member's
    assertThat(LossEvidence.assess(facts(true, ClaimState.PRESENT, "u2", NodeState.PRESENT), Optional.empty())
        .found()).isFalse();
  }

  @Test
  void aDeletedOrOutOfServiceNodeIsEvidence() {
    assertThat(LossEvidence.assess(facts(true, ClaimState.PRESENT, "u1", NodeState.DELETED), Optional.of("u1"))
        .kind()).contains(Kind.NodeDeleted);
    assertThat(LossEvidence.assess(facts(true, ClaimState.PRESENT, "u1", NodeState.OUT_OF_SERVICE),
        Optional.of("u1")).kind()).contains(Kind.NodeOutOfService);
    assertThat(LossEvidence.nodeState(false, List.of())).isEqualTo(NodeState.DELETED);
    assertThat(LossEvidence.nodeState(true, List.of("node.kubernetes.io/unreachable")))
        .isEqualTo(NodeState.PRESENT);
    assertThat(LossEvidence.nodeState(true, List.of(LossEvidence.OUT_OF_SERVICE_TAINT)))
        .isEqualTo(NodeState.OUT_OF_SERVICE);
  }

  @Test
  void aMemberNeverScheduledHasNoNodeToCountAsDeleted() {
    Facts never = new Facts("db-1", true, "data-db-1", ClaimState.PRESENT, Optional.of("u1"), Optional.empty(),
        NodeState.DELETED);
    assertThat(LossEvidence.assess(never, Optional.of("u1")).found()).isFalse();
  }
}
