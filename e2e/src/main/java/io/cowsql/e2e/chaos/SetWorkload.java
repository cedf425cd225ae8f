package io.cowsql.e2e.chaos;

import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.LeaderSession;
import io.cowsql.client.SessionGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * set: unique inserts into a table without a uniqueness constraint (a write applied twice shows as a
 * duplicate), each through the project's leader-following client, which re-sends only what the server
 * certainly did not run.
 */
public final class SetWorkload implements Workload {
    static final String DATABASE = "chaos";
    static final String KEY = "set";

    @Override
    public String name() {
        return "set";
    }

    @Override
    public void setup(ChaosCluster cluster) throws CowsqlException {
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DATABASE,
            cluster.clientOptions(0).withRetryTimeout(java.time.Duration.ofSeconds(30)))) {
            db.exec("CREATE TABLE IF NOT EXISTS chaos_set (v INTEGER NOT NULL)");
        }
    }

    @Override
    public Workload.Client client(ChaosCluster cluster, int index, int side) {
        // A session group of its own: clients behave like separate processes (no shared write queue).
        return over(new LeaderSession(cluster.addresses(), DATABASE, cluster.clientOptions(side), SessionGroup.isolated()),
            cluster::nameOf);
    }

    /** A set client on {@code s} (which it closes); {@code names} names the member at an address for the history. */
    static Workload.Client over(LeaderSession s, java.util.function.UnaryOperator<String> names) {
        return new Workload.Client() {
            @Override
            public Op.Type step(History h, int process, long element) {
                Op inv = h.invoke(process, "add", KEY, element);
                try {
                    java.time.Duration timeout = s.options().requestTimeout();
                    // As LeaderSession.exec, keeping the address of the connection that got the acknowledgement.
                    String by = s.runWrite(timeout, c -> {
                        c.exec("INSERT INTO chaos_set(v) VALUES(?)", List.of(element), timeout);
                        return c.address();
                    });
                    h.complete(inv, Op.Type.OK, element, null, null, names.apply(by));
                    return Op.Type.OK;
                } catch (CowsqlException e) {
                    Op.Type t = Outcomes.ofWrite(e);
                    h.complete(inv, t, element, null, Outcomes.describe(e));
                    return t;
                }
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public void finalRead(ChaosCluster cluster, History h) throws CowsqlException {
        finalRead(cluster, h, "SELECT v FROM chaos_set ORDER BY rowid", KEY);
    }

    /** Reads one column of longs and records it as the final read of {@code key}. */
    static void finalRead(ChaosCluster cluster, History h, String sql, String key) throws CowsqlException {
        Op inv = h.invoke(FINAL_READER, "final-read", key, null);
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DATABASE,
            cluster.clientOptions(0).withRetryTimeout(java.time.Duration.ofSeconds(30)))) {
            List<Long> values = new ArrayList<>();
            for (Object[] row : db.queryAll(sql)) {
                values.add(((Number) row[0]).longValue());
            }
            h.complete(inv, Op.Type.OK, null, values, null);
        } catch (CowsqlException e) {
            h.complete(inv, Op.Type.FAIL, null, null, Outcomes.describe(e));
            throw e;
        }
    }

    /** The process number of final reads. */
    static final int FINAL_READER = 1_000_000;
}
