package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import io.cowsql.e2e.testbed.ControlPlane;
import io.cowsql.testing.SystemTier;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void aWipedFollowerRejoinsAsANewNodeAtItsAddressAndTheWritesBeforeAreKept() throws Exception {
        cluster.awaitHealthy(Duration.ofSeconds(90));
        long before = -1000;
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), SetWorkload.DATABASE, cluster.clientOptions(1))) {
            db.exec("INSERT INTO chaos_set(v) VALUES(?)", before);
        }
        int leader = cluster.leader();
        Map<String, Long> idsBefore = ids();
        Fault.Applied a = Fault.WIPE_FOLLOWER.apply(cluster, 1);
        a.heal().run();
        cluster.awaitHealthy(Duration.ofSeconds(120));
        Map<String, Long> idsAfter = ids();
        List<String> changed = cluster.addresses().stream()
            .filter(x -> !idsAfter.get(x).equals(idsBefore.get(x))).toList();
        assertThat(changed).as(a.detail() + ": the one address with a new id").hasSize(1);
        assertThat(changed.get(0)).isNotEqualTo(cluster.address(leader));
        assertThat(a.detail()).contains(cluster.nameOf(changed.get(0)), "(a follower)", "emptied");
        assertThat(idsAfter.values()).as("the former self is gone").doesNotContain(idsBefore.get(changed.get(0)));
        assertThat(cluster.configuration()).extracting(NodeInfo::role).containsOnly(Role.VOTER).hasSize(3);
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), SetWorkload.DATABASE, cluster.clientOptions(0))) {
            assertThat(db.queryAll("SELECT v FROM chaos_set WHERE v = ?", before)).hasSize(1);
        }
    }

    /** Member id by address, as the leader lists them. */
    static Map<String, Long> ids() throws CowsqlException {
        Map<String, Long> out = new HashMap<>();
        for (NodeInfo m : cluster.configuration()) {
            out.put(m.address(), m.id());
        }
        return out;
    }
}
