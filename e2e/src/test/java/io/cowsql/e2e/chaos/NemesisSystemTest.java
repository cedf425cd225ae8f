package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.e2e.testbed.ControlPlane;
import io.cowsql.testing.SystemTier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The leader faults do what they say on three real agents: the others elect a new leader; heal restores three voters. */
@SystemTier
class NemesisSystemTest {
    static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = ChaosScenariosSystemTest.freshCluster("nemesis");
    }

    @AfterAll
    static void down() throws Exception {
        if (cluster != null) {
            cluster.close();
            ChaosRun.deleteTree(cluster.dir());
        }
    }

    static int newLeaderSeenBy(int node, int old) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            int l = cluster.leaderAsSeenBy(node);
            if (l >= 0 && l != old) {
                return l;
            }
            ControlPlane.sleep(200);
        }
        return -1;
    }

    @Test
    void eachLeaderFaultMakesTheOthersElectANewLeaderAndHealRestoresThreeVoters() throws Exception {
        for (Fault f : List.of(Fault.ISOLATE_LEADER, Fault.PAUSE_LEADER, Fault.KILL_LEADER)) {
            int old = cluster.leader();
            assertThat(old).as("a leader before " + f).isNotNegative();
            Fault.Applied a = f.apply(cluster, 0);
            try {
                assertThat(a.detail()).contains(cluster.node(old).name(), "(the leader)");
                int other = (old + 1) % cluster.size();
                assertThat(newLeaderSeenBy(other, old)).as(f + ": a new leader among the others").isNotNegative();
                if (f == Fault.ISOLATE_LEADER) {
                    // A client on the old leader's side cannot get a write acknowledged.
                    try (CowsqlDatabase minority = CowsqlDatabase.open(cluster.addresses(), SetWorkload.DATABASE,
                        cluster.clientOptions(0).withRetryTimeout(Duration.ofSeconds(3)))) {
                        org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> minority.exec("INSERT INTO chaos_set(v) VALUES(?)", -1L)).isInstanceOf(CowsqlException.class);
                    }
                }
            } finally {
                a.heal().run();
            }
            cluster.awaitHealthy(Duration.ofSeconds(90));
        }
    }
}
