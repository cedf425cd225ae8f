package io.cowsql.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A thread-safe handle on one database of a cluster: a pool of
 * {@link LeaderSession}s that follow the leader and retry what is safe to
 * retry. Small results only: {@link #queryAll} materialises the rows; use a
 * {@link LeaderSession} or JDBC to stream large results.
 */
public final class CowsqlDatabase implements AutoCloseable {
    private final List<String> addresses;
    private final String database;
    private final ClientOptions options;
    private final ConcurrentLinkedDeque<LeaderSession> idle = new ConcurrentLinkedDeque<>();
    private final int maxIdle;
    private volatile boolean closed;

    private CowsqlDatabase(List<String> addresses, String database, ClientOptions options, int maxIdle) {
        this.addresses = List.copyOf(addresses);
        this.database = database;
        this.options = options;
        this.maxIdle = maxIdle;
    }

    public static CowsqlDatabase open(List<String> addresses, String database, ClientOptions options) {
        return open(addresses, database, options, 16);
    }

    /** {@code maxIdle}: how many idle connections are kept for reuse. */
    public static CowsqlDatabase open(List<String> addresses, String database, ClientOptions options, int maxIdle) {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("no node addresses given: pass at least one host:port");
        }
        return new CowsqlDatabase(addresses, database, options, maxIdle);
    }

    public Result exec(String sql, Object... params) throws CowsqlException {
        return with(s -> s.exec(sql, Arrays.asList(params), options.requestTimeout()));
    }

    public List<Object[]> queryAll(String sql, Object... params) throws CowsqlException {
        return with(s -> s.run(c -> {
            try (Rows rows = c.query(sql, Arrays.asList(params), options.requestTimeout())) {
                return rows.toList();
            }
        }));
    }

    /**
     * Like {@link #exec}, with the statement prepared once per pooled
     * connection (see {@link LeaderSession#execPrepared}): for SQL that is run
     * again and again with different parameters.
     */
    public Result execPrepared(String sql, Object... params) throws CowsqlException {
        return with(s -> s.execPrepared(sql, Arrays.asList(params), options.requestTimeout()));
    }

    /** Like {@link #queryAll}, with the statement prepared once per pooled connection. */
    public List<Object[]> queryAllPrepared(String sql, Object... params) throws CowsqlException {
        return with(s -> {
            try (Rows rows = s.queryPrepared(sql, Arrays.asList(params), options.requestTimeout())) {
                return rows.toList();
            }
        });
    }

    /**
     * {@link #execPrepared(String, Object...)} that gives up, and never sends the statement, once
     * {@code within} has passed from now: the leader search and each request are cut to the time
     * left. For callers that answer someone who stops waiting at a known time.
     */
    public Result execPrepared(Duration within, String sql, Object... params) throws CowsqlException {
        long deadline = System.nanoTime() + within.toNanos();
        return with(s -> s.execPrepared(deadline, sql, Arrays.asList(params)));
    }

    /** {@link #queryAllPrepared(String, Object...)} bounded like {@link #execPrepared(Duration, String, Object...)}. */
    public List<Object[]> queryAllPrepared(Duration within, String sql, Object... params) throws CowsqlException {
        long deadline = System.nanoTime() + within.toNanos();
        return with(s -> {
            try (Rows rows = s.queryPrepared(deadline, sql, Arrays.asList(params))) {
                return rows.toList();
            }
        });
    }

    /** The current leader as the pool last saw it, or null before the first request. */
    public String lastLeader() {
        return SessionGroup.shared(addresses, database).leader();
    }

    @FunctionalInterface
    private interface SessionCall<T> {
        T run(LeaderSession s) throws CowsqlException;
    }

    private <T> T with(SessionCall<T> call) throws CowsqlException {
        if (closed) {
            throw new CowsqlException("the database handle is closed", "08003", CowsqlException.CLIENT_IO, null);
        }
        LeaderSession s = idle.pollFirst();
        if (s == null) {
            s = new LeaderSession(addresses, database, options);
        }
        try {
            return call.run(s);
        } finally {
            // A session that failed has already dropped a broken connection; it reconnects on next use.
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(s);
            } else {
                s.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        List<LeaderSession> all = new ArrayList<>(idle);
        idle.clear();
        all.forEach(LeaderSession::close);
    }
}
