package io.cowsql.e2e.chaos;

import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.LeaderSession;
import io.cowsql.client.Rows;
import io.cowsql.client.SessionGroup;
import io.cowsql.e2e.testbed.ControlPlane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * list-append (Elle's, simplified): per key, a transaction on one connection to the leader that
 * appends a unique element and reads the key's list, {@code BEGIN IMMEDIATE; INSERT; SELECT; COMMIT}.
 * The order of a list is the order of the rows' ids, i.e. the commit order (one writer at a time).
 *
 * <p>Outcomes: anything that fails before COMMIT is sent is a definite failure (the transaction was
 * open and is rolled back when the connection goes: nothing of it can commit); a failed COMMIT is
 * classified like any write ({@link Outcomes#ofWrite}).
 */
public final class ListAppendWorkload implements Workload {
    static final int KEYS = 3;
    private static final Duration BUSY_WAIT = Duration.ofSeconds(2);

    @Override
    public String name() {
        return "list-append";
    }

    @Override
    public void setup(ChaosCluster cluster) throws CowsqlException {
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), SetWorkload.DATABASE,
            cluster.clientOptions(0).withRetryTimeout(Duration.ofSeconds(30)))) {
            db.exec("CREATE TABLE IF NOT EXISTS chaos_list (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v INTEGER NOT NULL)");
        }
    }

    static String key(long element) {
        return "l" + Math.floorMod(element * 0x9E3779B97F4A7C15L >>> 17, KEYS);
    }

    @Override
    public Workload.Client client(ChaosCluster cluster, int index, int side) {
        LeaderSession s = new LeaderSession(cluster.addresses(), SetWorkload.DATABASE, cluster.clientOptions(side),
            SessionGroup.isolated());
        return new Workload.Client() {
            @Override
            public Op.Type step(History h, int process, long element) {
                String key = key(element);
                Op inv = h.invoke(process, "append", key, element);
                boolean commitSent = false;
                try {
                    CowsqlClient c = begin(s);
                    c.exec("INSERT INTO chaos_list(k, v) VALUES(?, ?)", key, element);
                    List<Long> read = new ArrayList<>();
                    try (Rows rows = c.query("SELECT v FROM chaos_list WHERE k = ? ORDER BY id", key)) {
                        while (rows.next()) {
                            read.add(rows.getLong(0));
                        }
                    }
                    commitSent = true;
                    c.exec("COMMIT");
                    h.complete(inv, Op.Type.OK, element, read, null, cluster.nameOf(c.address()));
                    return Op.Type.OK;
                } catch (CowsqlException e) {
                    s.disconnect(); // the server rolls back an open transaction with the connection
                    Op.Type t = commitSent ? Outcomes.ofWrite(e) : Op.Type.FAIL;
                    h.complete(inv, t, element, null, (commitSent ? "COMMIT: " : "before COMMIT: ") + Outcomes.describe(e));
                    return t;
                }
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** BEGIN IMMEDIATE on the leader, waiting out another writer's transaction (BUSY) for a while. */
    private static CowsqlClient begin(LeaderSession s) throws CowsqlException {
        long deadline = System.nanoTime() + BUSY_WAIT.toNanos();
        while (true) {
            CowsqlClient c = s.client();
            try {
                c.exec("BEGIN IMMEDIATE");
                return c;
            } catch (CowsqlException e) {
                if (!e.isBusy() || System.nanoTime() > deadline) {
                    throw e;
                }
                ControlPlane.sleep(2);
            }
        }
    }

    @Override
    public void finalRead(ChaosCluster cluster, History h) throws CowsqlException {
        Map<String, Op> invokes = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
            invokes.put("l" + k, h.invoke(SetWorkload.FINAL_READER + k + 1, "final-read", "l" + k, null));
        }
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), SetWorkload.DATABASE,
            cluster.clientOptions(0).withRetryTimeout(Duration.ofSeconds(30)))) {
            Map<String, List<Long>> lists = new LinkedHashMap<>();
            invokes.keySet().forEach(k -> lists.put(k, new ArrayList<>()));
            for (Object[] row : db.queryAll("SELECT k, v FROM chaos_list ORDER BY id")) {
                lists.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(((Number) row[1]).longValue());
            }
            for (var e : invokes.entrySet()) {
                h.complete(e.getValue(), Op.Type.OK, null, lists.get(e.getKey()), null);
            }
        } catch (CowsqlException e) {
            for (Op inv : invokes.values()) {
                h.complete(inv, Op.Type.FAIL, null, null, Outcomes.describe(e));
            }
            throw e;
        }
    }
}
