package io.cowsql.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.testing.DemoCluster;
import io.cowsql.testing.SystemTier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A leader that stops answering (SIGSTOP: its port still accepts connections, nothing answers)
 * while several pooled sessions hold connections to it: the pool drops it at the first failure, so
 * no other session sends it a statement again. Counted on the wire, per node, by {@link SentRequests}.
 */
@SystemTier
class LeaderDroppedAtFirstFailureTest {
    static final int WRITERS = 4;
    DemoCluster cluster;
    DemoCluster.Node stopped;

    @BeforeEach
    void start() throws Exception {
        cluster = DemoCluster.start(3);
    }

    @AfterEach
    void stop() throws Exception {
        if (stopped != null) {
            signal("CONT", stopped);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static void signal(String name, DemoCluster.Node node) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(node.pid())).inheritIO().start();
        assertThat(p.waitFor()).as("kill -%s %d", name, node.pid()).isZero();
    }

    @Test
    void afterTheLeaderStopsNoPooledSessionSendsItAnotherStatement() throws Exception {
        SentRequests sent = new SentRequests();
        ClientOptions opts = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(2))
                .withRetryTimeout(Duration.ofSeconds(30)).withDialer(sent.counting(Dialer.tcp()));
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, opts, WRITERS)) {
            db.exec("CREATE TABLE acked (id INTEGER PRIMARY KEY)");
            AtomicBoolean stopping = new AtomicBoolean();
            AtomicInteger ids = new AtomicInteger();
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger ackedAfterStop = new AtomicInteger();
            AtomicBoolean leaderStopped = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Thread t = new Thread(() -> {
                    while (!stopping.get()) {
                        int id = ids.incrementAndGet();
                        boolean afterStop = leaderStopped.get();
                        try {
                            db.execPrepared("INSERT INTO acked(id) VALUES(?)", id);
                            acknowledged.add(id);
                            if (afterStop) {
                                ackedAfterStop.incrementAndGet();
                            }
                        } catch (CowsqlException e) {
                            failures.add(id + ": " + e.getMessage());
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                writers.add(t);
            }
            // Concurrent writers fill the pool: every session holds a connection to the leader.
            waitFor(Duration.ofSeconds(30), () -> acknowledged.size() >= 200, "200 writes before the stop");
            String leader = db.lastLeader();
            assertThat(leader).isNotNull();
            assertThat(sent.statementsTo(leader)).isPositive();
            stopped = cluster.byAddress(leader);
            signal("STOP", stopped);
            long toOldLeaderBefore = sent.statementsTo(leader);
            leaderStopped.set(true);
            waitFor(Duration.ofSeconds(60), () -> ackedAfterStop.get() >= 200, "200 writes acknowledged after the leader stopped");
            stopping.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            long toOldLeader = sent.statementsTo(leader) - toOldLeaderBefore;
            assertThat(toOldLeader)
                    .as("statements sent to the stopped leader %s after it stopped (per node: %s; failed writes: %s)",
                            leader, sent.statements(), failures)
                    .isLessThanOrEqualTo(1);
            assertThat(db.lastLeader()).isNotEqualTo(leader);
            // What went through went to the new leader, and every acknowledged write is there.
            assertThat(sent.statementsTo(db.lastLeader())).isPositive();
            signal("CONT", stopped);
            stopped = null;
            Set<Integer> present = new HashSet<>();
            db.queryAll("SELECT id FROM acked").forEach(r -> present.add(((Long) r[0]).intValue()));
            assertThat(present).containsAll(acknowledged);
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Duration bound, Condition c, String what) throws Exception {
        long end = System.nanoTime() + bound.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + bound.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
