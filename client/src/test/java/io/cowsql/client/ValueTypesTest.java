package io.cowsql.client;

import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import io.cowsql.client.wire.Protocol;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every value type of the protocol round-trips through a real node, and large results stream in batches. */
class ValueTypesTest extends OneClusterPerClass {
    static final ClientOptions OPTS = ClientOptions.defaults().withRetryTimeout(Duration.ofSeconds(20));



    @Test
    void everyValueTypeRoundTrips() throws Exception {
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            c.open(DemoCluster.DATABASE);
            c.exec("CREATE TABLE types (i INTEGER, f REAL, t TEXT, b BLOB, n TEXT, flag BOOLEAN, at DATETIME, day DATE)");
            byte[] blob = {0, 1, 2, (byte) 0xff, 0, 42, 7, 8, 9};
            OffsetDateTime when = OffsetDateTime.of(2026, 11, 25, 16, 30, 5, 123_456_789, ZoneOffset.ofHours(2));
            Result r = c.exec("INSERT INTO types VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Long.MIN_VALUE, 3.25e-7,
                    "héllo wörld ✓", blob, null, true, when, java.time.LocalDate.of(2024, 2, 29));
            assertThat(r.rowsAffected()).isEqualTo(1);
            c.exec("INSERT INTO types(i, flag, at) VALUES (?, ?, ?)", 42, false, 1_700_000_000L);
            c.exec("INSERT INTO types(i) VALUES (?)", 7);

            try (Rows rows = c.query("SELECT i, f, t, b, n, flag, at, day FROM types ORDER BY rowid")) {
                assertThat(rows.columns()).containsExactly("i", "f", "t", "b", "n", "flag", "at", "day");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getObject(0)).isEqualTo(Long.MIN_VALUE);
                assertThat(rows.getObject(1)).isEqualTo(3.25e-7);
                assertThat(rows.getObject(2)).isEqualTo("héllo wörld ✓");
                assertThat((byte[]) rows.getObject(3)).isEqualTo(blob);
                assertThat(rows.getObject(4)).isNull();
                assertThat(rows.typeCode(4)).isEqualTo(Protocol.T_NULL);
                assertThat(rows.getObject(5)).isEqualTo(Boolean.TRUE);
                assertThat(rows.typeCode(5)).isEqualTo(Protocol.T_BOOLEAN);
                assertThat(rows.typeCode(6)).isEqualTo(Protocol.T_ISO8601);
                assertThat(((OffsetDateTime) rows.getObject(6)).toInstant()).isEqualTo(when.toInstant());
                assertThat(rows.getObject(7)).isEqualTo(OffsetDateTime.of(2024, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC));

                assertThat(rows.next()).isTrue();
                assertThat(rows.getObject(0)).isEqualTo(42L);
                assertThat(rows.getObject(5)).isEqualTo(Boolean.FALSE);
                // An integer in a DATETIME column arrives as UNIXTIME.
                assertThat(rows.typeCode(6)).isEqualTo(Protocol.T_UNIXTIME);
                assertThat(rows.getObject(6)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));

                assertThat(rows.next()).isTrue();
                // The documented quirk (dqlite#882): NULL in a BOOLEAN column is indistinguishable from false,
                // and NULL in a DATETIME column arrives as an empty ISO8601 string, which we turn back into null.
                assertThat(rows.getObject(5)).isEqualTo(Boolean.FALSE);
                assertThat(rows.getObject(6)).isNull();
                assertThat(rows.next()).isFalse();
            }
            c.exec("DROP TABLE types");
        }
    }

    @Test
    void tenThousandRowsArriveInSeveralBatchesWithinASmallFrameCap() throws Exception {
        // A 64 KiB frame cap: the whole result (~700 KB) could never fit, so passing proves it streams.
        ClientOptions small = OPTS.withMaxFrameBytes(64 * 1024);
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), small)) {
            c.open(DemoCluster.DATABASE);
            c.exec("CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT)");
            c.exec("WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 10000) "
                    + "INSERT INTO big SELECT x, printf('%060d', x) FROM seq");
            long count = 0;
            long sum = 0;
            int batches;
            try (Rows rows = c.query("SELECT id, payload FROM big ORDER BY id")) {
                while (rows.next()) {
                    count++;
                    sum += rows.getLong(0);
                    assertThat(rows.getString(1)).hasSize(60).endsWith(Long.toString(rows.getLong(0)));
                }
                batches = rows.batches();
            }
            assertThat(count).isEqualTo(10_000);
            assertThat(sum).isEqualTo(10_000L * 10_001 / 2);
            assertThat(batches).isGreaterThan(10);
            // The connection is still in step after the stream.
            assertThat(c.query("SELECT count(*) FROM big").toList().get(0)[0]).isEqualTo(10_000L);
        }
    }

    @Test
    void closingRowsEarlyInterruptsTheQueryAndKeepsTheConnection() throws Exception {
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            c.open(DemoCluster.DATABASE);
            c.exec("CREATE TABLE IF NOT EXISTS early (x INTEGER)");
            c.exec("WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 3000) "
                    + "INSERT INTO early SELECT x FROM seq");
            try (Rows rows = c.query("SELECT x FROM early")) {
                assertThat(rows.next()).isTrue();
            }
            // A new request while another result is half-read keeps both working.
            Rows outer = c.query("SELECT x FROM early ORDER BY x");
            assertThat(outer.next()).isTrue();
            assertThat(c.exec("INSERT INTO early VALUES (?)", -1).rowsAffected()).isEqualTo(1);
            long seen = 1;
            while (outer.next()) {
                seen++;
            }
            assertThat(seen).isEqualTo(3000);
            assertThat(c.query("SELECT count(*) FROM early").toList().get(0)[0]).isEqualTo(3001L);
            c.exec("DROP TABLE early");
        }
    }

    @Test
    void preparedStatementsExecuteAndQueryWithParameters() throws Exception {
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            c.open(DemoCluster.DATABASE);
            c.exec("CREATE TABLE IF NOT EXISTS prep (k TEXT PRIMARY KEY, v INTEGER)");
            CowsqlClient.PreparedStatementHandle ins = c.prepare("INSERT OR REPLACE INTO prep(k, v) VALUES(?, ?)");
            assertThat(ins.parameterCount()).isEqualTo(2);
            for (int i = 0; i < 20; i++) {
                c.exec(ins, Arrays.asList("k" + i, (long) i * i), OPTS.requestTimeout());
            }
            CowsqlClient.PreparedStatementHandle sel = c.prepare("SELECT v FROM prep WHERE k = ?");
            try (Rows rows = c.query(sel, List.of("k9"), OPTS.requestTimeout())) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong(0)).isEqualTo(81L);
            }
            c.finalizeStatement(ins);
            c.finalizeStatement(sel);
        }
    }

    /** More than 255 parameters travel in the schema-1 tuple (4-byte count), which libcowsql binds. */
    @Test
    void moreThan255ParametersAreBoundOnCowsql() throws Exception {
        try (CowsqlClient c = CowsqlClient.findLeader(cluster.addresses(), OPTS)) {
            c.open(DemoCluster.DATABASE);
            try (Rows rows = c.query(selectAmong(300), params(300, 299L))) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong(0)).isEqualTo(299L);
                assertThat(rows.next()).isFalse();
            }
        }
    }

    /** The second engine (libdqlite 1.11) has no schema-1 tuple: it refuses one, and the error says to use at most 255. */
    @Test
    void moreThan255ParametersGiveAClearErrorOnDqlite() throws Exception {
        try (DemoCluster dqlite = DemoCluster.start(DemoCluster.Engine.DQLITE, 1);
             CowsqlClient c = CowsqlClient.findLeader(dqlite.addresses(), OPTS)) {
            c.open(DemoCluster.DATABASE);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.query(selectAmong(300), params(300, 299L)))
                    .isInstanceOf(CowsqlException.class)
                    .hasMessageContaining("255");
        }
    }

    /** {@code SELECT ? WHERE 1 IN (?, ..., ?)}: {@code n} placeholders in all. */
    private static String selectAmong(int n) {
        StringBuilder sql = new StringBuilder("SELECT ? WHERE 1 IN (");
        for (int i = 1; i < n; i++) {
            sql.append(i == 1 ? "?" : ",?");
        }
        return sql.append(')').toString();
    }

    /** {@code first}, then 0, 1, 2 ... up to {@code n} parameters. */
    private static Object[] params(int n, long first) {
        Object[] params = new Object[n];
        params[0] = first;
        for (int i = 1; i < n; i++) {
            params[i] = (long) i - 1;
        }
        return params;
    }
}
