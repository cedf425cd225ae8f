package io.cowsql.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One logical connection to the leader with a database open: it finds the
 * leader, reconnects after a leader change, and re-sends a request only when
 * the server certainly did not run it (NOT_LEADER, BUSY, NOTFOUND, a failed
 * connect). A write whose connection broke after it was sent is reported as
 * {@link CowsqlException#CLIENT_OUTCOME_UNKNOWN}, never silently repeated;
 * inside a transaction nothing is retried. Not thread-safe.
 */
public final class LeaderSession implements AutoCloseable {
    private static final int MAX_CACHED_STATEMENTS = 64;
    private static final long BUSY_BACKOFF_NANOS = 1_000_000L;

    private final List<String> addresses;
    private final String database;
    private final ClientOptions options;
    private final SessionGroup group;
    private CowsqlClient client;
    /** {@link SessionGroup#leaderChanges()} when {@link #client} was connected. */
    private long clientGeneration;
    /** Statements prepared on {@link #statementsOwner}, in insertion order (the oldest is evicted first). */
    private final java.util.LinkedHashMap<String, CowsqlClient.PreparedStatementHandle> statements = new java.util.LinkedHashMap<>();
    private CowsqlClient statementsOwner;
    private boolean inTransaction;
    private boolean closed;

    /** A session in the {@link SessionGroup#shared shared group} of this cluster's {@code database}. */
    public LeaderSession(List<String> addresses, String database, ClientOptions options) {
        this(addresses, database, options, SessionGroup.shared(checked(addresses), database));
    }

    public LeaderSession(List<String> addresses, String database, ClientOptions options, SessionGroup group) {
        this.addresses = List.copyOf(checked(addresses));
        this.database = Objects.requireNonNull(database, "database");
        this.options = Objects.requireNonNull(options, "options");
        this.group = Objects.requireNonNull(group, "group");
    }

    private static List<String> checked(List<String> addresses) {
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("no node addresses given: pass at least one host:port");
        }
        return addresses;
    }

    public String database() {
        return database;
    }

    public ClientOptions options() {
        return options;
    }

    /** The connection to the leader with the database open, connecting if needed. */
    public CowsqlClient client() throws CowsqlException {
        return client(System.nanoTime() + options.retryTimeout().toNanos());
    }

    private CowsqlClient client(long deadline) throws CowsqlException {
        if (closed) {
            throw new CowsqlException("the session is closed", "08003", CowsqlException.CLIENT_IO, null);
        }
        if (client != null && clientGeneration != group.leaderChanges()) {
            // Another session of the group found the leader gone: this connection leads to the same node.
            disconnect();
        }
        if (client == null || client.isClosed()) {
            client = null;
            long generation = group.leaderChanges();
            CowsqlClient c = CowsqlClient.findLeader(ordered(), options, deadline);
            try {
                c.open(database, LeaderFinder.capped(options.requestTimeout(), deadline));
            } catch (CowsqlException | RuntimeException e) {
                c.close();
                throw e;
            }
            group.leader(c.address());
            client = c;
            clientGeneration = generation;
        }
        return client;
    }

    /** The leader hint first, then the other addresses, those that just failed as leader last. */
    private List<String> ordered() {
        String h = group.leader();
        List<String> out = new ArrayList<>(addresses.size());
        if (h != null && addresses.contains(h)) {
            out.add(h);
        }
        List<String> suspects = new ArrayList<>();
        for (String a : addresses) {
            if (a.equals(h)) {
                continue;
            }
            (group.suspect(a) ? suspects : out).add(a);
        }
        out.addAll(suspects);
        return out;
    }

    /** Whether a transaction is open: then a broken connection fails the transaction instead of being retried. */
    public void setInTransaction(boolean inTransaction) {
        this.inTransaction = inTransaction;
    }

    public boolean inTransaction() {
        return inTransaction;
    }

    /** A call against the current leader connection. */
    @FunctionalInterface
    public interface Call<T> {
        T run(CowsqlClient client) throws CowsqlException;
    }

    /** Runs {@code call}, reconnecting and retrying while that is safe (see the class comment). */
    public <T> T run(Call<T> call) throws CowsqlException {
        return run(System.nanoTime() + options.retryTimeout().toNanos(), call);
    }

    /**
     * {@link #run(Call)}, with no attempt started and no leader search going on after {@code
     * deadlineNanos} (a {@link System#nanoTime()} value): a request is never sent late.
     */
    public <T> T run(long deadlineNanos, Call<T> call) throws CowsqlException {
        long deadline = deadlineNanos;
        long backoff = options.backoffMin().toNanos();
        // A busy database (another connection's write is in raft) frees up within a round trip:
        // retry after a fixed 1 ms, much sooner than after a lost leader.
        long busyBackoff = BUSY_BACKOFF_NANOS;
        while (true) {
            if (System.nanoTime() >= deadline) {
                throw new CowsqlException("the request's deadline passed before it could be sent; nothing was sent", "HYT00",
                        CowsqlException.CLIENT_TIMEOUT, null);
            }
            try {
                return call.run(client(deadline));
            } catch (CowsqlException e) {
                if ((e.isConnectionBroken() || e.isLeaderChange()) && client != null) {
                    group.leaderFailed(client.address());
                    client.close();
                    client = null;
                }
                long wait = e.isBusy() ? busyBackoff : backoff;
                boolean retry = !inTransaction && e.isSafeToRetry() && !(e instanceof NoLeaderException)
                        && System.nanoTime() + wait < deadline;
                if (!retry) {
                    throw e;
                }
                LeaderFinder.sleep(wait, "retrying");
                if (!e.isBusy()) {
                    backoff = Math.min(backoff * 2, options.backoffMax().toNanos());
                }
            }
        }
    }

    public Result exec(String sql, List<?> params, Duration timeout) throws CowsqlException {
        return runWrite(timeout, c -> c.exec(sql, params, timeout));
    }

    /**
     * {@link #run} for a write: outside a transaction it first queues behind
     * this process's other writes to the database (see {@link SessionGroup}),
     * waiting at most {@code timeout}.
     */
    public <T> T runWrite(Duration timeout, Call<T> call) throws CowsqlException {
        return inTransaction ? run(call) : group.write(timeout, database, () -> run(call));
    }

    public Result exec(String sql, Object... params) throws CowsqlException {
        return exec(sql, java.util.Arrays.asList(params), options.requestTimeout());
    }

    /**
     * Like {@link #exec(String, List, Duration)}, but a single statement is
     * prepared once per connection and then run with EXEC, which spares the
     * server parsing it again. SQL with several statements goes through
     * EXEC_SQL, since dqlite 1.11 would silently prepare only the first one.
     */
    public Result execPrepared(String sql, List<?> params, Duration timeout) throws CowsqlException {
        if (severalStatements(sql)) {
            return exec(sql, params, timeout);
        }
        return runWrite(timeout, c -> c.exec(statement(c, sql), params, timeout));
    }

    /**
     * Like {@link #query(String, List, Duration)} with a statement prepared once per connection.
     * The statement keeps the columns it had when prepared: dqlite 1.11 encodes them before
     * SQLite re-prepares it for a changed schema, so a cached {@code SELECT *} does not see a
     * column added later on this connection. Name the columns, or use {@link #query}.
     */
    public Rows queryPrepared(String sql, List<?> params, Duration timeout) throws CowsqlException {
        if (severalStatements(sql)) {
            return query(sql, params, timeout);
        }
        return run(c -> c.query(statement(c, sql), params, timeout));
    }

    /**
     * {@link #execPrepared(String, List, Duration)} for one statement that must not start after
     * {@code deadlineNanos} (a {@link System#nanoTime()} value): waiting for this process's other
     * writes, the leader search, and each request are all cut to the time left, and no attempt
     * starts once it has passed.
     */
    public Result execPrepared(long deadlineNanos, String sql, List<?> params) throws CowsqlException {
        singleStatement(sql);
        Duration gate = LeaderFinder.capped(options.requestTimeout(), deadlineNanos);
        Call<Result> call = c -> {
            Duration t = LeaderFinder.capped(options.requestTimeout(), deadlineNanos);
            return c.exec(statement(c, sql, t), params, LeaderFinder.capped(options.requestTimeout(), deadlineNanos));
        };
        return inTransaction ? run(deadlineNanos, call) : group.write(gate, database, () -> run(deadlineNanos, call));
    }

    /** {@link #queryPrepared(String, List, Duration)} bounded like {@link #execPrepared(long, String, List)}. */
    public Rows queryPrepared(long deadlineNanos, String sql, List<?> params) throws CowsqlException {
        singleStatement(sql);
        return run(deadlineNanos, c -> {
            Duration t = LeaderFinder.capped(options.requestTimeout(), deadlineNanos);
            return c.query(statement(c, sql, t), params, LeaderFinder.capped(options.requestTimeout(), deadlineNanos));
        });
    }

    /**
     * Whether {@code sql} holds more than one statement. A statement in the cache was found to be
     * a single one when it was prepared, so the repeated call of a hot statement skips the scan.
     */
    private boolean severalStatements(String sql) {
        return !statements.containsKey(sql) && SqlSafety.hasSeveralStatements(sql);
    }

    private void singleStatement(String sql) {
        if (severalStatements(sql)) {
            throw new IllegalArgumentException("a bounded prepared statement must be a single statement: " + sql);
        }
    }

    private CowsqlClient.PreparedStatementHandle statement(CowsqlClient c, String sql) throws CowsqlException {
        return statement(c, sql, options.requestTimeout());
    }

    private CowsqlClient.PreparedStatementHandle statement(CowsqlClient c, String sql, Duration timeout) throws CowsqlException {
        if (statementsOwner != c) {
            statements.clear();
            statementsOwner = c;
        }
        CowsqlClient.PreparedStatementHandle h = statements.get(sql);
        if (h == null) {
            h = c.prepare(sql, timeout);
            statements.put(sql, h);
            if (statements.size() > MAX_CACHED_STATEMENTS) {
                var eldest = statements.entrySet().iterator().next();
                statements.remove(eldest.getKey());
                c.finalizeStatement(eldest.getValue());
            }
        }
        return h;
    }

    /** Starts a query; retried only until its first batch arrives. */
    public Rows query(String sql, List<?> params, Duration timeout) throws CowsqlException {
        return run(c -> c.query(sql, params, timeout));
    }

    /** Drops the current connection (the next call reconnects). */
    public void disconnect() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        disconnect();
    }
}
