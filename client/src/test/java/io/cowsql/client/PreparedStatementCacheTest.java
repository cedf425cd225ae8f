package io.cowsql.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import io.cowsql.client.wire.Protocol;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Statements prepared once per connection ({@link LeaderSession#execPrepared},
 * {@link LeaderSession#queryPrepared} and the pool's {@link CowsqlDatabase#execPrepared},
 * {@link CowsqlDatabase#queryAllPrepared}) against a real 3-node cluster: reuse, eviction,
 * a new connection, a schema change, and SQL with several statements.
 */
class PreparedStatementCacheTest extends OneClusterPerClass {
    static final ClientOptions OPTS = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(5));
    static final Duration T = Duration.ofSeconds(5);

    /** Counts the request frames (by type) that sessions dialled through it send. */
    static final class RequestCounter implements Dialer {
        final AtomicIntegerArray sent = new AtomicIntegerArray(256);

        @Override
        public Socket dial(String address, Duration timeout) throws IOException {
            Socket real = Dialer.tcp().dial(address, timeout);
            OutputStream counting = new FilterOutputStream(real.getOutputStream()) {
                // The 8-byte protocol version first, then frames: 8-byte header (words, type, ...) and words x 8 bytes.
                long skip = 8;
                final byte[] header = new byte[8];
                int headerFill = -1;

                @Override
                public void write(int b) throws IOException {
                    count((byte) b);
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    for (int i = 0; i < len; i++) {
                        count(b[off + i]);
                    }
                    out.write(b, off, len);
                }

                private void count(byte b) {
                    if (skip > 0) {
                        skip--;
                        return;
                    }
                    header[++headerFill] = b;
                    if (headerFill == 7) {
                        long words = (header[0] & 0xffL) | (header[1] & 0xffL) << 8 | (header[2] & 0xffL) << 16 | (header[3] & 0xffL) << 24;
                        sent.incrementAndGet(header[4] & 0xff);
                        skip = words * 8;
                        headerFill = -1;
                    }
                }
            };
            return new Socket() {
                @Override
                public OutputStream getOutputStream() {
                    return counting;
                }

                @Override
                public java.io.InputStream getInputStream() throws IOException {
                    return real.getInputStream();
                }

                @Override
                public void setSoTimeout(int t) throws java.net.SocketException {
                    real.setSoTimeout(t);
                }

                @Override
                public void setTcpNoDelay(boolean on) throws java.net.SocketException {
                    real.setTcpNoDelay(on);
                }

                @Override
                public boolean isClosed() {
                    return real.isClosed();
                }

                @Override
                public synchronized void close() throws IOException {
                    real.close();
                }
            };
        }
    }

    @Test
    void aStatementIsPreparedOncePerConnectionAndRunWithExec() throws Exception {
        RequestCounter counter = new RequestCounter();
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS.withDialer(counter))) {
            s.exec("CREATE TABLE IF NOT EXISTS once (n INTEGER)", List.of(), T);
            int before = counter.sent.get(Protocol.REQ_EXEC_SQL);
            for (int i = 0; i < 50; i++) {
                s.execPrepared("INSERT INTO once(n) VALUES(?)", List.of((long) i), T);
            }
            assertThat(counter.sent.get(Protocol.REQ_PREPARE)).isEqualTo(1);
            assertThat(counter.sent.get(Protocol.REQ_EXEC)).isEqualTo(50);
            assertThat(counter.sent.get(Protocol.REQ_EXEC_SQL)).isEqualTo(before);
            s.disconnect();
            s.execPrepared("INSERT INTO once(n) VALUES(?)", List.of(50L), T);
            assertThat(counter.sent.get(Protocol.REQ_PREPARE)).as("prepared again on the new connection").isEqualTo(2);
            // Past the cache's 64 statements, the eldest is finalized on the server.
            for (int i = 0; i < 70; i++) {
                s.execPrepared("INSERT INTO once(n) VALUES(? + " + i + ")", List.of(0L), T);
            }
            assertThat(counter.sent.get(Protocol.REQ_PREPARE)).isEqualTo(72);
            assertThat(counter.sent.get(Protocol.REQ_FINALIZE)).isEqualTo(72 - 1 - 64);
        }
    }

    @Test
    void thePoolRunsTheSameStatementWithManyParameterValues() throws Exception {
        try (CowsqlDatabase db = CowsqlDatabase.open(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 200; i++) {
                db.execPrepared("INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?)", "k" + (i % 50), "v" + i);
            }
            for (int i = 0; i < 50; i++) {
                List<Object[]> rows = db.queryAllPrepared("SELECT v FROM kv WHERE k = ?", "k" + i);
                assertThat(rows).hasSize(1);
                assertThat(rows.get(0)[0]).isEqualTo("v" + (150 + i));
            }
            assertThat(db.queryAllPrepared("SELECT v FROM kv WHERE k = ?", "absent")).isEmpty();
        }
    }

    @Test
    void moreDistinctStatementsThanTheCacheHoldsAllRunAndEvictedOnesComeBack() throws Exception {
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            s.exec("CREATE TABLE IF NOT EXISTS many (n INTEGER)", List.of(), T);
            s.exec("DELETE FROM many", List.of(), T);
            // 150 different texts: the cache keeps 64 and finalizes the eldest on the server.
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 150; i++) {
                    s.execPrepared("INSERT INTO many(n) VALUES(? + " + i + ")", List.of(0L), T);
                }
            }
            try (Rows rows = s.queryPrepared("SELECT count(*), sum(n) FROM many", List.of(), T)) {
                Object[] r = rows.toList().get(0);
                assertThat(r[0]).isEqualTo(300L);
                assertThat(r[1]).isEqualTo(2L * (149L * 150L / 2));
            }
        }
    }

    @Test
    void aNewConnectionPreparesAgain() throws Exception {
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            s.exec("CREATE TABLE IF NOT EXISTS again (n INTEGER)", List.of(), T);
            s.exec("DELETE FROM again", List.of(), T);
            s.execPrepared("INSERT INTO again(n) VALUES(?)", List.of(1L), T);
            // The statement id belongs to the old connection; the session must not reuse it.
            s.disconnect();
            s.execPrepared("INSERT INTO again(n) VALUES(?)", List.of(2L), T);
            s.disconnect();
            try (Rows rows = s.queryPrepared("SELECT sum(n) FROM again", List.of(), T)) {
                assertThat(rows.toList().get(0)[0]).isEqualTo(3L);
            }
        }
    }

    /**
     * Documented in {@link LeaderSession#queryPrepared}: libcowsql 1.15 (like dqlite 1.11) encodes a prepared query's
     * columns before SQLite re-prepares it for a changed schema, so a cached {@code SELECT *}
     * keeps the columns it had. A new connection (or naming the columns) sees the new ones.
     */
    @Test
    void aCachedSelectStarKeepsItsColumnsAfterAlterTableUntilTheConnectionChanges() throws Exception {
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            s.exec("DROP TABLE IF EXISTS grows", List.of(), T);
            s.exec("CREATE TABLE grows (a INTEGER)", List.of(), T);
            s.exec("INSERT INTO grows(a) VALUES(1)", List.of(), T);
            try (Rows rows = s.queryPrepared("SELECT * FROM grows", List.of(), T)) {
                assertThat(rows.columns()).containsExactly("a");
                rows.toList();
            }
            s.exec("ALTER TABLE grows ADD COLUMN b TEXT DEFAULT 'x'", List.of(), T);
            try (Rows rows = s.queryPrepared("SELECT * FROM grows", List.of(), T)) {
                assertThat(rows.columns()).containsExactly("a");
                assertThat(rows.toList().get(0)).containsExactly(1L);
            }
            try (Rows rows = s.queryPrepared("SELECT a, b FROM grows", List.of(), T)) {
                assertThat(rows.toList().get(0)).containsExactly(1L, "x");
            }
            s.disconnect();
            try (Rows rows = s.queryPrepared("SELECT * FROM grows", List.of(), T)) {
                assertThat(rows.columns()).containsExactly("a", "b");
                assertThat(rows.toList().get(0)).containsExactly(1L, "x");
            }
        }
    }

    @Test
    void sqlWithSeveralStatementsRunsThemAllInsteadOfOnlyTheFirst() throws Exception {
        try (LeaderSession s = new LeaderSession(cluster.addresses(), DemoCluster.DATABASE, OPTS)) {
            s.exec("CREATE TABLE IF NOT EXISTS several (n INTEGER)", List.of(), T);
            s.exec("DELETE FROM several", List.of(), T);
            s.execPrepared("INSERT INTO several(n) VALUES(1); INSERT INTO several(n) VALUES(2)", List.of(), T);
            try (Rows rows = s.queryPrepared("SELECT count(*) FROM several", List.of(), T)) {
                assertThat(rows.toList().get(0)[0]).isEqualTo(2L);
            }
        }
    }
}
