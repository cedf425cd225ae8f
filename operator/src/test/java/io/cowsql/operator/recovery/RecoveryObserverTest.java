package io.cowsql.operator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.operator.ClusterNames;
import io.cowsql.operator.cluster.CowsqlView;
import io.cowsql.operator.model.CowsqlCluster;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.CowsqlClusterStatus;
import io.cowsql.operator.model.RecoveryStatus;
import io.cowsql.operator.plan.ObservedCluster;
import io.cowsql.operator.plan.ObservedPod;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryObserverTest {

  @Test
  void anAgentsDataDirDocumentIsReadIntoItsReportAndEpoch() {
    String body = """
        {"id":"3e8","epoch":2,"engineStopped":true,"stopPlan":"r3-abcd","lastEntry":{"term":7,"index":120,\
        "source":"0000000000000001-0000000000000120"},"lastConfiguration":[{"id":"3e8","address":"db-0.p:9000",\
        "role":"voter"},{"id":"3e9","address":"db-1.p:9000","role":"spare"}],"problems":["tail damaged"]}""";
    RecoveryObserver.DataDirAnswer a = RecoveryObserver.parseDataDir(body).orElseThrow();
    assertThat(a.epoch()).isEqualTo(2);
    SurvivorSelector.Report r = a.report("db-0", 0);
    assertThat(r.nodeId()).isEqualTo("3e8");
    assertThat(r.engineStopped()).isTrue();
    assertThat(r.lastEntry()).contains(new LogPosition(7, 120));
    assertThat(r.lastConfiguration()).containsExactly(new ConfigMember("3e8", "db-0.p:9000", "voter"),
        new ConfigMember("3e9", "db-1.p:9000", "spare"));
    assertThat(r.problems()).containsExactly("tail damaged");
  }

  @Test
  void aDocumentWithoutALastEntryReportsNoPositionAndGarbageIsNothing() {
    RecoveryObserver.DataDirAnswer a = RecoveryObserver.parseDataDir("""
        {"id":"3e8","epoch":0,"engineStopped":false,"stopPlan":null,"lastEntry":null,"lastConfiguration":[],\
        "problems":["cannot read the dir"]}""").orElseThrow();
    assertThat(a.report("db-0", 0).lastEntry()).isEmpty();
    assertThat(RecoveryObserver.parseDataDir("not json")).isEmpty();
    assertThat(RecoveryObserver.parseDataDir("{\"epoch\":1}")).as("no id").isEmpty();
    assertThat(RecoveryObserver.parseDataDir("[1,2]")).isEmpty();
  }

  @Test
  void theApprovalNamesThePlanAndTheManagerThatWroteTheAnnotation() {
    CowsqlCluster c = cluster();
    assertThat(RecoveryObserver.approval(c)).isEmpty();
    c.getMetadata().setAnnotations(Map.of(RecoveryPlanner.APPROVE_ANNOTATION, " r2-0badcafe "));
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:metadata", Map.of("f:annotations",
        Map.of("f:" + RecoveryPlanner.APPROVE_ANNOTATION, Map.of())));
    ManagedFieldsEntry annotate = new ManagedFieldsEntry();
    annotate.setManager("kubectl-annotate");
    annotate.setTime("2026-12-03T17:00:00Z");
    annotate.setFieldsV1(fields);
    ManagedFieldsEntry other = new ManagedFieldsEntry();
    other.setManager("kubectl-client-side-apply");
    FieldsV1 spec = new FieldsV1();
    spec.setAdditionalProperty("f:spec", Map.of());
    other.setFieldsV1(spec);
    c.getMetadata().setManagedFields(List.of(other, annotate));
    assertThat(RecoveryObserver.approval(c)).contains(new RecoveryPlanner.Approval("r2-0badcafe",
        "kubectl-annotate at 2026-12-03T17:00:00Z"));
  }

  @Test
  void aMembersAddressAnsweringWithAnotherNodeIdIsNotTheMemberAnswering() {
    CowsqlCluster c = cluster();
    c.setStatus(new CowsqlClusterStatus());
    for (int i = 0; i < 3; i++) {
      CowsqlClusterStatus.Member m = new CowsqlClusterStatus.Member();
      m.pod = "db-" + i;
      m.nodeId = "a" + i;
      m.address = ClusterNames.podAddress(c, m.pod);
      m.role = "voter";
      c.getStatus().members.add(m);
    }
    // no leader; every address answers the probe, but db-1 and db-2 are new pods on new volumes, new node ids
    Set<String> answered = Set.of(ClusterNames.podAddress(c, "db-0"), ClusterNames.podAddress(c, "db-1"),
        ClusterNames.podAddress(c, "db-2"));
    ObservedCluster observed = new ObservedCluster(Optional.of(3), Optional.of(0), List.of(pod(0), pod(1), pod(2)),
        List.of(), new CowsqlView(true, Optional.empty(), List.of(), Optional.of("no leader"), answered));
    List<RecoveryPlanner.Member> members = RecoveryObserver.members(c, observed,
        Map.of("db-0", "a0", "db-1", "b1", "db-2", "b2"));
    assertThat(members).extracting(RecoveryPlanner.Member::pod, RecoveryPlanner.Member::answering)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("db-0", true), org.assertj.core.groups.Tuple.tuple("db-1", false),
            org.assertj.core.groups.Tuple.tuple("db-2", false));
    // an agent that did not report leaves the address's answer standing
    assertThat(RecoveryObserver.members(c, observed, Map.of())).allMatch(RecoveryPlanner.Member::answering);
  }

  @Test
  void evidenceIsGatheredOnlyWithoutALeaderOrWhileARecordedRecoveryIsUnderWayOrCancelled() {
    assertThat(RecoveryObserver.needsEvidence(false, null)).isTrue();
    assertThat(RecoveryObserver.needsEvidence(true, null)).isFalse();
    RecoveryStatus s = new RecoveryStatus();
    s.phase = RecoveryStatus.Phase.Recovered;
    assertThat(RecoveryObserver.needsEvidence(true, s)).isFalse();
    s.phase = RecoveryStatus.Phase.Regrowing;
    assertThat(RecoveryObserver.needsEvidence(true, s)).isTrue();
    s.phase = RecoveryStatus.Phase.Cancelled;
    assertThat(RecoveryObserver.needsEvidence(true, s)).as("a stopped survivor may still need its release").isTrue();
  }

  private static CowsqlCluster cluster() {
    CowsqlCluster c = new CowsqlCluster();
    c.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace("ns").build());
    c.setSpec(new CowsqlClusterSpec());
    return c;
  }

  private static ObservedPod pod(int ordinal) {
    return new ObservedPod("db-" + ordinal, ordinal, Optional.of("node-" + ordinal), Optional.of("zone-" + ordinal),
        Optional.of("198.18.0." + (10 + ordinal)), false, Map.of(), Optional.empty());
  }
}
