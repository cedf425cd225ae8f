package io.cowsql.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What the sessions of one database in one process share: the leader last
 * seen (so new connections try it first) and a fair write gate. The engine
 * runs one write transaction per database at a time and turns a concurrent
 * writer away with SQLITE_BUSY at once; queueing this process's own writers
 * in order instead of letting them retry against each other keeps write
 * latency to a few round trips under contention. Writers in other processes
 * still meet BUSY and are retried.
 */
public final class SessionGroup {
    private static final Map<String, SessionGroup> SHARED = new ConcurrentHashMap<>();

    private volatile String leader;
    private static final long SUSPECT_NANOS = 30_000_000_000L;
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();
    /** Bumped when a session finds the leader gone: every session drops its connection to it. */
    private final java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();
    private final Semaphore writes = new Semaphore(1, true);

    /** The group every session of {@code database} on this cluster in this JVM shares by default. */
    public static SessionGroup shared(List<String> addresses, String database) {
        String key = String.join(",", new TreeSet<>(addresses)) + "/" + database;
        return SHARED.computeIfAbsent(key, k -> new SessionGroup());
    }

    /** A group of its own, shared with nobody (for example a benchmark that wants the engine's raw behaviour). */
    public static SessionGroup isolated() {
        return new SessionGroup();
    }

    public String leader() {
        return leader;
    }

    void leader(String address) {
        leader = address;
    }

    /**
     * A session's connection to {@code address} failed or was told "not leader": forget it as the
     * leader hint and tell every session to reconnect (their connections lead to the same node),
     * so no session sends another request to a node that stopped leading.
     */
    void leaderFailed(String address) {
        if (address != null && address.equals(leader)) {
            leader = null;
        }
        if (address != null) {
            failedAt.put(address, System.nanoTime());
        }
        leaderChanges.incrementAndGet();
    }

    /**
     * Whether {@code address} failed as leader within {@link #SUSPECT_NANOS}: a leader search asks
     * it last, since a stopped node may accept a connection and then never answer.
     */
    boolean suspect(String address) {
        Long t = failedAt.get(address);
        if (t == null) {
            return false;
        }
        if (System.nanoTime() - t > SUSPECT_NANOS) {
            failedAt.remove(address, t);
            return false;
        }
        return true;
    }

    long leaderChanges() {
        return leaderChanges.get();
    }

    /** A write that holds the gate. */
    @FunctionalInterface
    interface Write<T> {
        T run() throws CowsqlException;
    }

    <T> T write(Duration timeout, String database, Write<T> write) throws CowsqlException {
        boolean acquired;
        try {
            acquired = writes.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CowsqlException("interrupted while waiting for this process's other writes to " + database,
                    "HYT00", CowsqlException.CLIENT_TIMEOUT, e);
        }
        if (!acquired) {
            throw new CowsqlException("waited " + timeout.toMillis() + " ms for this process's other writes to "
                    + database + " to finish; nothing was sent", "HYT00", CowsqlException.CLIENT_TIMEOUT, null);
        }
        try {
            return write.run();
        } finally {
            writes.release();
        }
    }
}
