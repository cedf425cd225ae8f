package io.cowsql.node.agent;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlDatabase;
import io.cowsql.client.CowsqlException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The dqlite-demo / cowsql-demo key/value model ({@code model(key, value)} in database {@code
 * demo}) through the pooled, leader-following client. A PUT sets a key to a value, so it is
 * idempotent: like a GET it is retried after any failure (also when the outcome of an attempt is
 * unknown) until {@link #REQUEST_DEADLINE}.
 */
public final class KeyValueStore implements AutoCloseable {
  static final String SCHEMA = "CREATE TABLE IF NOT EXISTS model (key TEXT, value TEXT, UNIQUE(key))";
  static final String QUERY = "SELECT value FROM model WHERE key = ?";
  static final String UPDATE = "INSERT OR REPLACE INTO model(key, value) VALUES(?, ?)";

  /** No new attempt starts after this; each attempt may take up to the client's retry timeout. */
  static final java.time.Duration REQUEST_DEADLINE = java.time.Duration.ofSeconds(8);

  private final String database;
  private final ClientOptions options;
  private final Supplier<List<String>> addresses;
  private volatile List<String> current;
  private volatile CowsqlDatabase db;
  private volatile long checkedAt;
  private volatile boolean schemaReady;
  private volatile boolean closed;

  public KeyValueStore(String database, ClientOptions options, Supplier<List<String>> addresses) {
    this.database = database;
    this.options = options.withRetryTimeout(java.time.Duration.ofSeconds(4));
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
    T run(CowsqlDatabase d) throws CowsqlException;
  }

  private <T> T retrying(Call<T> call) throws CowsqlException {
    long deadline = System.nanoTime() + REQUEST_DEADLINE.toNanos();
    long backoff = options.backoffMin().toMillis();
    while (true) {
      if (closed) {
        // At shutdown: do not reopen the pool and retry for seconds while the node stops.
        throw new CowsqlException("the node is shutting down", CowsqlException.CLIENT_IO);
      }
      try {
        if (!schemaReady) {
          db().exec(SCHEMA);
          schemaReady = true;
        }
        return call.run(db());
      } catch (CowsqlException e) {
        // Both requests are idempotent (a read; setting a key to a value), so any failure is
        // retried until the deadline: during a leadership transfer dqlite 1.11 also answers with
        // codes the client cannot classify (e.g. 7 "no more rows available").
        if (System.nanoTime() + backoff * 1_000_000L > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new CowsqlException("interrupted", CowsqlException.CLIENT_IO);
      }
      backoff = Math.min(backoff * 2, options.backoffMax().toMillis());
    }
  }

  /** The value, or null when the key is absent. */
  public String get(String key) throws CowsqlException {
    List<Object[]> rows = retrying(d -> d.queryAllPrepared(QUERY, key));
    if (rows.isEmpty()) {
      return null;
    }
    Object v = rows.get(0)[0];
    return v == null ? "" : v.toString();
  }

  public void put(String key, String value) throws CowsqlException {
    retrying(d -> d.execPrepared(UPDATE, key, value));
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
