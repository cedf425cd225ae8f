package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.Result;
import io.cowsql.client.SentRequests;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The cowsql-demo key/value model ({@code model(key, value)} in database {@code demo}) through the
 * pooled, leader-following client. A PUT sets a key to a value, so it is idempotent: like a GET it
 * is retried after any failure (also when the outcome of an attempt is unknown), but never after
 * the request's bound ({@link #REQUEST_BOUND}, from when the request arrived), and never once the
 * caller says the request is stale (its client has gone, or its own deadline passed).
 *
 * <p>A write that the agent checked and then sent late (the process was stopped between the check
 * and the send) is still refused: the statement carries the request's deadline as Unix epoch
 * milliseconds and writes nothing when the leader's clock has passed it.
 */
public final class KeyValueStore implements AutoCloseable {
  static final String SCHEMA = "CREATE TABLE IF NOT EXISTS model (key TEXT, value TEXT, UNIQUE(key))";
  static final String QUERY = "SELECT value FROM model WHERE key = ?";
  /** cowsql-demo's {@code INSERT OR REPLACE INTO model(key, value) VALUES(?, ?)}, unless the deadline (third parameter) passed. */
  static final String UPDATE = "INSERT OR REPLACE INTO model(key, value) SELECT ?, ? "
      + "WHERE CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) <= ?";

  /** How long after it arrived a request may still start an attempt; the answer comes by then. */
  public static final Duration REQUEST_BOUND = Duration.ofSeconds(8);

  /** Why a request must not run (any more), or null; asked before every attempt (0, 1, ...). */
  @FunctionalInterface
  public interface Staleness {
    String reason(int attempt);
  }

  /** A request refused because nobody waits for its answer any more: nothing was sent. */
  public static final class StaleRequest extends CowsqlException {
    StaleRequest(String message) {
      super(message, CowsqlException.CLIENT_TIMEOUT);
    }
  }

  private final String database;
  private final ClientOptions options;
  private final Supplier<List<String>> addresses;
  /** The statements this store sent to each node, counted on the wire (a metric). */
  private final SentRequests sent = new SentRequests();
  private volatile List<String> current;
  private volatile CowsqlDatabase db;
  private volatile long checkedAt;
  private volatile boolean schemaReady;
  private volatile boolean closed;

  /**
   * Each request to the engine: a write takes milliseconds, and one sent to a leader that stopped
   * answering (a stopped process still accepts the connection) fails after this, then goes to the
   * new leader; its outcome is unknown, so it is retried, which a PUT allows.
   */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  public KeyValueStore(String database, ClientOptions options, Supplier<List<String>> addresses) {
    this.database = database;
    this.options = options.withRequestTimeout(ATTEMPT_TIMEOUT).withDialer(sent.counting(options.dialer()));
    this.addresses = addresses;
  }
  /** The pool, re-opened when the known addresses change (checked at most every 500 ms). */
  private CowsqlDatabase db() throws CowsqlException {
    CowsqlDatabase d = db;
    long now = System.nanoTime();
    if (d != null && now - checkedAt < 500_000_000L) {
      return d;
    }
    synchronized (this) {
      if (closed) {
        throw new CowsqlException("the node is shutting down", CowsqlException.CLIENT_IO);
      }
      checkedAt = now;
      List<String> a = addresses.get();
      if (db == null || !a.equals(current)) {
        CowsqlDatabase old = db;
        db = CowsqlDatabase.open(a, database, options);
        current = a;
        if (old != null) {
          old.close();
        }
      }
      return db;
    }
  }

  private interface Call<T> {
    T run(CowsqlDatabase d, Duration left) throws CowsqlException;
  }

  private <T> T retrying(long arrivedNanos, Staleness staleness, Call<T> call) throws CowsqlException {
    long deadline = arrivedNanos + REQUEST_BOUND.toNanos();
    long backoff = options.backoffMin().toMillis();
    CowsqlException last = null;
    for (int attempt = 0; ; attempt++) {
      if (closed) {
        // At shutdown: do not reopen the pool and retry for seconds while the node stops.
        throw new CowsqlException("the node is shutting down", CowsqlException.CLIENT_IO);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        long waited = (System.nanoTime() - arrivedNanos) / 1_000_000L;
        String why = "not done within " + REQUEST_BOUND.toMillis() + " ms of the request's arrival (" + waited + " ms ago)";
        throw last == null ? new StaleRequest("not executed: " + why)
            : new CowsqlException(why + "; last error: " + last.getMessage(), last.code());
      }
      String stale = staleness.reason(attempt);
      if (stale != null) {
        throw new StaleRequest("not executed: " + stale + (attempt == 0 ? "" : " (after " + attempt + " failed attempts)"));
      }
      try {
        if (!schemaReady) {
          db().execPrepared(Duration.ofNanos(left), SCHEMA);
          schemaReady = true;
        }
        return call.run(db(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (StaleRequest e) {
        throw e;
      } catch (CowsqlException e) {
        // Both requests are idempotent (a read; setting a key to a value), so any failure is
        // retried until the bound: during a leadership transfer dqlite 1.11 also answers with
        // codes the client cannot classify (e.g. 7 "no more rows available").
        last = e;
      }
      long sleep = Math.min(backoff, Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new CowsqlException("interrupted", CowsqlException.CLIENT_IO);
      }
      backoff = Math.min(backoff * 2, options.backoffMax().toMillis());
    }
  }

  /** The statements sent so far, by the node's dialled address. */
  public Map<String, Long> statementsSent() {
    return sent.statements();
  }

  /** The value, or null when the key is absent. */
  public String get(String key, long arrivedNanos, Staleness staleness) throws CowsqlException {
    List<Object[]> rows = retrying(arrivedNanos, staleness, (d, left) -> d.queryAllPrepared(left, QUERY, key));
    if (rows.isEmpty()) {
      return null;
    }
    Object v = rows.get(0)[0];
    return v == null ? "" : v.toString();
  }

  /**
   * Sets {@code key}; the request arrived at {@code arrivedNanos} ({@link System#nanoTime}), and its
   * client waits until {@code clientDeadlineMillis} (Unix epoch ms; 0: not said).
   */
  public void put(String key, String value, long arrivedNanos, long clientDeadlineMillis, Staleness staleness) throws CowsqlException {
    // The bound's end on the wall clock, for the leader to check: nanoTime is this process's own.
    long deadlineMillis = System.currentTimeMillis() + (arrivedNanos + REQUEST_BOUND.toNanos() - System.nanoTime()) / 1_000_000L;
    if (clientDeadlineMillis > 0) {
      deadlineMillis = Math.min(deadlineMillis, clientDeadlineMillis);
    }
    long guard = deadlineMillis;
    retrying(arrivedNanos, staleness, (d, left) -> {
      Result r = d.execPrepared(left, UPDATE, key, value, guard);
      if (r.rowsAffected() == 0) {
        throw new StaleRequest("not executed: the request's deadline had passed by the leader's clock when the write reached it");
      }
      return r;
    });
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (db != null) {
      db.close();
      db = null;
    }
  }
}
