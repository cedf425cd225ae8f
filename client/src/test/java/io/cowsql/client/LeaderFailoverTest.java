package io.cowsql.client;

import io.cowsql.client.testing.DemoCluster;
import io.cowsql.testing.SystemTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGKILL of the leader while a writer runs through a {@link CowsqlDatabase}: no acknowledged write is lost. */
@SystemTier
class LeaderFailoverTest {
    DemoCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = DemoCluster.start(3);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void writesContinueOnTheNewLeaderAndEveryAcknowledgedWriteSurvives() throws Exception {
        ClientOptions opts = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(30))
                .withRequestTimeout(Duration.ofSeconds(5));
        Set<Long> acknowledged = new HashSet<>();
        Set<Long> unknown = new HashSet<>();
        String firstLeader;
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, opts)) {
            db.exec("CREATE TABLE acked (id INTEGER PRIMARY KEY)");
            firstLeader = db.lastLeader();
            for (long i = 1; i <= 400; i++) {
                if (i == 100) {
                    cluster.kill(cluster.byAddress(firstLeader));
                }
                try {
                    db.exec("INSERT INTO acked(id) VALUES(?)", i);
                    acknowledged.add(i);
                } catch (CowsqlException e) {
                    assertThat(e.code()).as("only an in-flight write may fail: %s", e.getMessage())
                            .isEqualTo(CowsqlException.CLIENT_OUTCOME_UNKNOWN);
                    unknown.add(i);
                }
            }
            assertThat(db.lastLeader()).isNotEqualTo(firstLeader);
            List<Object[]> rows = db.queryAll("SELECT id FROM acked");
            Set<Long> present = new HashSet<>();
            rows.forEach(r -> present.add((Long) r[0]));
            assertThat(present).containsAll(acknowledged);
            Set<Long> extra = new HashSet<>(present);
            extra.removeAll(acknowledged);
            assertThat(unknown).containsAll(extra);
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo(399);
        }
    }

    @Test
    void aWriteAfterTheLeaderDiedWhileTheConnectionWasIdleIsNotAnUnknownOutcome() throws Exception {
        ClientOptions opts = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(30));
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, opts,
                SessionGroup.isolated())) {
            s.exec("CREATE TABLE idle (id INTEGER PRIMARY KEY)");
            s.exec("INSERT INTO idle(id) VALUES(1)");
            cluster.kill(cluster.byAddress(s.client().address()));
            Thread.sleep(1000);
            // The connection is idle and its server gone: the client notices before sending, reconnects and writes once.
            assertThat(s.exec("INSERT INTO idle(id) VALUES(2)").rowsAffected()).isEqualTo(1);
            try (Rows rows = s.query("SELECT count(*) FROM idle", List.of(), opts.requestTimeout())) {
                rows.next();
                assertThat(rows.getLong(0)).isEqualTo(2L);
            }
        }
    }
}
