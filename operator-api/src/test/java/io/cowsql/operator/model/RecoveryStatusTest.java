package io.cowsql.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryStatusTest {
  private final KubernetesSerialization json = new KubernetesSerialization();

  @Test
  void aFullRecordSurvivesAJsonRoundTrip() {
    RecoveryStatus r = new RecoveryStatus();
    r.epoch = 2L;
    r.phase = RecoveryStatus.Phase.Reconfiguring;
    r.planId = "r2-0123abcd";
    r.quorumLostSince = "2026-01-01T10:00:00Z";
    r.lastObserved = "2026-01-01T10:06:00Z";
    r.phaseSince = "2026-01-01T10:05:30Z";
    r.planned = "2026-01-01T10:05:00Z";
    r.approvedBy = "alice";
    r.message = "rewriting the configuration of db-0";
    RecoveryStatus.LostMember lost = new RecoveryStatus.LostMember();
    lost.pod = "db-1";
    lost.nodeId = "2dc171858c3155be";
    lost.claimUid = "6e0b7c1e";
    lost.evidence = "VolumeGone";
    lost.detail = "pod deleted and claim data-db-1 deleted";
    r.lost.add(lost);
    RecoveryStatus.Survivor survivor = new RecoveryStatus.Survivor();
    survivor.pod = "db-0";
    survivor.nodeId = "3297041220608546238";
    survivor.term = 7L;
    survivor.index = 1234L;
    r.survivors.add(survivor);
    r.template = "db-0";
    r.templateNodeId = "1";
    r.targetConfiguration.add(new RecoveryStatus.ConfigMember("1", "db-0.db-peers.ns.svc.cluster.local:9000", "voter"));
    RecoveryStatus.HistoryEntry past = new RecoveryStatus.HistoryEntry();
    past.planId = "r1-89abcdef";
    past.epoch = 1L;
    past.outcome = RecoveryStatus.Phase.Recovered;
    past.template = "db-2";
    past.quorumLostSince = "2025-12-01T10:00:00Z";
    past.finished = "2025-12-01T10:07:00Z";
    r.history.add(past);

    String text = json.asJson(r);
    RecoveryStatus back = json.unmarshal(text, RecoveryStatus.class);

    assertThat(back).isEqualTo(r);
    assertThat(json.asJson(back)).isEqualTo(text);
    assertThat(text).contains("\"phase\":\"Reconfiguring\"", "\"outcome\":\"Recovered\"", "\"term\":7");
  }

  @Test
  void aRecordWithoutAnEpochIsEpochZeroAndUnsetFieldsAreNotWritten() {
    RecoveryStatus r = json.unmarshal("{\"phase\":\"Waiting\",\"quorumLostSince\":\"2026-01-01T10:00:00Z\"}",
        RecoveryStatus.class);
    assertThat(r.epochOrZero()).isZero();
    assertThat(r.phase).isEqualTo(RecoveryStatus.Phase.Waiting);
    assertThat(json.asJson(r)).isEqualTo("{\"phase\":\"Waiting\",\"quorumLostSince\":\"2026-01-01T10:00:00Z\","
        + "\"lost\":[],\"survivors\":[],\"targetConfiguration\":[],\"history\":[]}");
  }

  @Test
  void equalityCoversTheNestedRecords() {
    RecoveryStatus a = new RecoveryStatus();
    RecoveryStatus b = new RecoveryStatus();
    a.targetConfiguration = List.of(new RecoveryStatus.ConfigMember("1", "a:9000", "voter"));
    b.targetConfiguration = List.of(new RecoveryStatus.ConfigMember("1", "a:9000", "standby"));
    assertThat(a).isNotEqualTo(b);
    b.targetConfiguration = List.of(new RecoveryStatus.ConfigMember("1", "a:9000", "voter"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }
}
