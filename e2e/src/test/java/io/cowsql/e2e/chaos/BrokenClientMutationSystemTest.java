package io.cowsql.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.LeaderSession;
import io.cowsql.client.SessionGroup;
import io.cowsql.testing.SystemTier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checkers can fail on a live history: against three real agents, a proxy in front of the
 * leader drops the response to every other insert (the node ran it, the client sees an unknown
 * outcome). The project's client records those as unknown and the history passes; a deliberately
 * broken client that silently re-sends the insert after the unknown outcome writes it twice, and the
 * divergence checker reports each duplicate.
 */
@SystemTier
class BrokenClientMutationSystemTest {
    static LocalCluster cluster;
    static ResponseDroppingProxy proxy;

    @BeforeAll
    static void up() throws Exception {
        cluster = ChaosScenariosSystemTest.freshCluster("mutation");
        proxy = new ResponseDroppingProxy(cluster.address(cluster.leader()));
    }

    @AfterAll
    static void down() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            Path dir = cluster.dir();
            cluster.close();
            ChaosRun.deleteTree(dir);
        }
    }

    /** A session whose connection to the leader goes through the proxy. */
    static LeaderSession throughProxy() {
        String leader = cluster.address(cluster.leader());
        ClientOptions o = cluster.clientOptions(0).withResolver(a -> a.equals(leader) ? proxy.address() : a);
        return new LeaderSession(cluster.addresses(), SetWorkload.DATABASE, o, SessionGroup.isolated());
    }

    static void insert(LeaderSession s, long element) throws CowsqlException {
        s.exec("INSERT INTO chaos_set(v) VALUES(?)", element);
    }

    @Test
    void aClientThatResendsAfterAnUnknownOutcomeIsCaughtWritingTwice() throws Exception {
        History h = History.inMemory();
        // The workload's own client: an unknown outcome is recorded as such, never re-sent.
        try (Workload.Client correct = SetWorkload.over(throughProxy(), cluster::nameOf)) {
            for (long e = 1; e <= 6; e++) {
                if (e % 2 == 0) {
                    proxy.armNextResponse();
                }
                correct.step(h, 0, e);
            }
        }
        new SetWorkload().finalRead(cluster, h);
        Verdict clean = Verdict.of(h.ops(), Verdict.checkers(Duration.ofSeconds(10)));
        assertThat(clean.violations()).isEmpty();
        assertThat(clean.unknown()).as("the proxy made outcomes unknown").isEqualTo(3);
        Op fin = Writes.finalReads(h.ops()).get(SetWorkload.KEY);
        assertThat(fin.read()).as("the unknown inserts were applied").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

        // The broken client: after an unknown outcome it re-sends and reports plain success.
        int droppedBefore = proxy.dropped();
        try (LeaderSession s = throughProxy()) {
            for (long e = 11; e <= 16; e++) {
                if (e % 2 == 0) {
                    proxy.armNextResponse();
                }
                Op inv = h.invoke(1, "add", SetWorkload.KEY, e);
                try {
                    insert(s, e);
                } catch (CowsqlException x) {
                    assertThat(x.code()).isEqualTo(CowsqlException.CLIENT_OUTCOME_UNKNOWN);
                    insert(s, e); // the bug: a silent re-send of a write that may have been applied
                }
                h.complete(inv, Op.Type.OK, e, null, null);
            }
        }
        assertThat(proxy.dropped() - droppedBefore).isEqualTo(3);
        new SetWorkload().finalRead(cluster, h);
        Verdict broken = Verdict.of(h.ops(), Verdict.checkers(Duration.ofSeconds(10)));
        assertThat(broken.violations()).extracting(Violation::checker).containsOnly(DivergenceChecker.NAME);
        assertThat(broken.violations()).extracting(Violation::message)
            .anySatisfy(m -> assertThat(m).contains("duplicate 12"))
            .anySatisfy(m -> assertThat(m).contains("duplicate 14"))
            .anySatisfy(m -> assertThat(m).contains("duplicate 16"))
            .hasSize(3);
    }
}
