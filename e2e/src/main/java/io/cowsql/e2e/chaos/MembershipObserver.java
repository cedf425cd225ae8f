package io.cowsql.e2e.chaos;

import io.cowsql.client.CowsqlException;
import io.cowsql.client.NodeInfo;
import io.cowsql.client.Role;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records the cluster's voters over time into the history: every {@link #PERIOD} it asks the leader for the
 * configuration ({@link ChaosCluster#configuration}, through the harness's own unpartitioned sockets) and records
 * the look as an invocation and a completion of process {@link Op#OBSERVER} ({@code f} = {@code members}) whose
 * {@link Op#voters} are the voters by name. The minority-ack checker judges majorities by these, not by the
 * members the partitions know: on the testbed a scaled-up cluster has standbys, and a wiped node's rejoin or
 * the role policy changes who votes while a run goes.
 */
final class MembershipObserver implements AutoCloseable {
    /** Shorter than the role policy's round (1 s), so that two changes rarely fall between two looks. */
    static final Duration PERIOD = Duration.ofMillis(250);

    private final ChaosCluster cluster;
    private final History history;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    private MembershipObserver(ChaosCluster cluster, History history) {
        this.cluster = cluster;
        this.history = history;
        this.thread = new Thread(this::loop, "chaos-membership");
        this.thread.setDaemon(true);
    }

    /** Takes a first look (recorded before this returns), then keeps looking in a thread of its own. */
    static MembershipObserver start(ChaosCluster cluster, History history) {
        MembershipObserver o = new MembershipObserver(cluster, history);
        o.look();
        o.thread.start();
        return o;
    }

    private void loop() {
        while (!stop.get()) {
            look();
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One look at the configuration, recorded (a failed look too: it observed nothing). */
    void look() {
        Op start = history.observeStart();
        try {
            List<NodeInfo> config = cluster.configuration();
            List<String> voters = config.stream().filter(m -> m.role() == Role.VOTER).map(m -> cluster.nameOf(m.address()))
                .toList();
            String detail = String.join(", ", config.stream()
                .map(m -> cluster.nameOf(m.address()) + " " + m.role().name().toLowerCase(Locale.ROOT) + " (id " + m.id() + ")")
                .toList());
            history.observed(start, voters, detail);
        } catch (CowsqlException | RuntimeException e) {
            history.observeFailed(start, Outcomes.describe(e));
        }
    }

    /** Stops looking, then takes a last look: every write acknowledged before this has a look after it. */
    @Override
    public void close() {
        stop.set(true);
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        look();
    }
}
