package io.cowsql.client.jdbc;

import io.cowsql.client.CowsqlException;
import io.cowsql.client.testing.DemoCluster;
import io.cowsql.client.testing.OneClusterPerClass;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC driver against a real 3-node cowsql-demo cluster (libcowsql). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdbcDriverTest extends OneClusterPerClass {
    static String url;

    @BeforeAll
    static void prepare() throws Exception {
        url = "jdbc:cowsql://" + String.join(",", cluster.addresses()) + "/" + DemoCluster.DATABASE
                + "?retryTimeout=20000";
    }


    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void theDriverIsFoundThroughServiceLoaderAndDriverManager() throws Exception {
        List<Class<?>> found = new ArrayList<>();
        for (Driver d : ServiceLoader.load(Driver.class)) {
            found.add(d.getClass());
        }
        assertThat(found).contains(CowsqlDriver.class);
        assertThat(DriverManager.getDriver(url)).isInstanceOf(CowsqlDriver.class);
        assertThat(new CowsqlDriver().connect("jdbc:postgresql://localhost/x", new Properties())).isNull();
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getDatabaseProductName()).isEqualTo("cowsql");
            assertThat(md.getDatabaseProductVersion()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(md.getDatabaseMajorVersion()).isEqualTo(3);
            assertThat(md.getDriverName()).isEqualTo(CowsqlDriver.NAME);
            assertThat(md.getDriverVersion()).isEqualTo(CowsqlDriver.VERSION);
            assertThat(md.getURL()).startsWith("jdbc:cowsql://");
            assertThat(c.isValid(2)).isTrue();
            assertThat(((CowsqlConnection) c).leaderAddress()).isIn(cluster.addresses());
        }
    }

    @Test
    @Order(2)
    void everyValueTypeRoundTripsThroughPreparedStatementAndResultSet() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DROP TABLE IF EXISTS vals");
            s.executeUpdate("CREATE TABLE vals (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n, "
                    + "ts DATETIME, d DATE, bo BOOLEAN)");
            Timestamp ts = Timestamp.from(Instant.parse("2024-05-06T07:08:09.123456789Z"));
            byte[] blob = {0, 1, 2, (byte) 0xff, 0x7f};
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO vals (id, i, r, t, b, n, ts, d, bo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                assertThat(p.getParameterMetaData().getParameterCount()).isEqualTo(9);
                p.setInt(1, 1);
                p.setLong(2, Long.MIN_VALUE);
                p.setDouble(3, 1.5e300);
                p.setString(4, "héllo 'quoted' \u2603");
                p.setBytes(5, blob);
                p.setNull(6, Types.INTEGER);
                p.setTimestamp(7, ts);
                p.setDate(8, Date.valueOf("2024-01-02"));
                p.setBoolean(9, true);
                assertThat(p.executeUpdate()).isEqualTo(1);

                p.setObject(1, 2);
                p.setObject(2, new BigDecimal("42"));
                p.setObject(3, 0.1f);
                p.setObject(4, 'x');
                p.setObject(5, new byte[0]);
                p.setObject(6, null);
                p.setObject(7, OffsetDateTime.parse("2024-05-06T07:08:09+02:00"));
                p.setObject(8, LocalDate.of(1999, 12, 31));
                p.setObject(9, false);
                assertThat(p.executeUpdate()).isEqualTo(1);

                p.setLong(1, 3);
                p.setShort(2, (short) 7);
                p.setFloat(3, -2.25f);
                p.setString(4, "");
                p.setNull(5, Types.BLOB);
                p.setBigDecimal(6, new BigDecimal("12.345"));
                p.setObject(7, LocalDateTime.of(2020, 2, 29, 23, 59, 58));
                p.setObject(8, null, Types.DATE);
                p.setObject(9, "1", Types.BOOLEAN);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
            // An integer in a DATETIME column arrives as UNIXTIME.
            s.executeUpdate("INSERT INTO vals (id, ts) VALUES (4, 1700000000)");

            try (ResultSet rs = s.executeQuery("SELECT id, i, r, t, b, n, ts, d, bo FROM vals ORDER BY id")) {
                ResultSetMetaData md = rs.getMetaData();
                assertThat(md.getColumnCount()).isEqualTo(9);
                assertThat(md.getColumnName(4)).isEqualTo("t");
                assertThat(md.getColumnType(2)).isEqualTo(Types.BIGINT);
                assertThat(md.getColumnType(3)).isEqualTo(Types.DOUBLE);
                assertThat(md.getColumnType(4)).isEqualTo(Types.VARCHAR);
                assertThat(md.getColumnType(5)).isEqualTo(Types.VARBINARY);
                assertThat(md.getColumnType(6)).isEqualTo(Types.NULL);
                assertThat(md.getColumnType(7)).isEqualTo(Types.TIMESTAMP);
                assertThat(md.getColumnType(9)).isEqualTo(Types.BOOLEAN);
                assertThat(md.getColumnClassName(9)).isEqualTo(Boolean.class.getName());
                assertThat(rs.isBeforeFirst()).isTrue();

                assertThat(rs.next()).isTrue();
                assertThat(rs.isFirst()).isTrue();
                assertThat(rs.getInt("id")).isEqualTo(1);
                assertThat(rs.getLong(2)).isEqualTo(Long.MIN_VALUE);
                assertThat(rs.getObject(2)).isEqualTo(Long.MIN_VALUE);
                assertThatThrownBy(() -> rs.getInt(2)).isInstanceOf(SQLException.class).hasMessageContaining("out of range");
                assertThat(rs.getDouble(3)).isEqualTo(1.5e300);
                assertThat(rs.getString(4)).isEqualTo("héllo 'quoted' \u2603");
                assertThat(rs.getBytes(5)).isEqualTo(blob);
                assertThat(rs.getBinaryStream(5).readAllBytes()).isEqualTo(blob);
                assertThat(rs.getObject(6)).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getLong(6)).isZero();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getTimestamp(7)).isEqualTo(ts);
                assertThat(rs.getObject(7)).isEqualTo(ts);
                assertThat(rs.getObject(7, Instant.class)).isEqualTo(ts.toInstant());
                assertThat(rs.getObject(7, OffsetDateTime.class)).isEqualTo(ts.toInstant().atOffset(ZoneOffset.UTC));
                assertThat(rs.getDate(8)).isEqualTo(Date.valueOf("2024-01-02"));
                assertThat(rs.getObject(8, LocalDate.class)).isEqualTo(LocalDate.of(2024, 1, 2));
                assertThat(rs.getBoolean(9)).isTrue();
                assertThat(rs.getObject(9)).isEqualTo(Boolean.TRUE);

                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject(1)).isEqualTo(2L);
                assertThat(rs.getObject(2)).isEqualTo(42L);
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("42");
                assertThat(rs.getFloat(3)).isEqualTo(0.1f);
                assertThat(rs.getString(4)).isEqualTo("x");
                assertThat(rs.getBytes(5)).isEmpty();
                assertThat(rs.getString(6)).isNull();
                assertThat(rs.getObject(7, OffsetDateTime.class)).isEqualTo(OffsetDateTime.parse("2024-05-06T07:08:09+02:00"));
                assertThat(rs.getObject(8, LocalDate.class)).isEqualTo(LocalDate.of(1999, 12, 31));
                assertThat(rs.getBoolean(9)).isFalse();
                assertThat(rs.getInt(9)).isZero();

                assertThat(rs.next()).isTrue();
                assertThat(rs.getShort(2)).isEqualTo((short) 7);
                assertThat(rs.getByte(2)).isEqualTo((byte) 7);
                assertThat(rs.getDouble(3)).isEqualTo(-2.25);
                assertThat(rs.getString(4)).isEmpty();
                assertThat(rs.getBytes(5)).isNull();
                assertThat(rs.getBigDecimal(6)).isEqualByComparingTo("12.345");
                assertThat(rs.getObject(7, LocalDateTime.class)).isEqualTo(LocalDateTime.of(2020, 2, 29, 23, 59, 58));
                // A NULL in a DATETIME column is sent as an empty ISO8601 string: read back as NULL.
                assertThat(rs.getTimestamp(8)).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.getBoolean(9)).isTrue();

                assertThat(rs.next()).isTrue();
                assertThat(rs.isLast()).isTrue();
                assertThat(rs.getObject(7)).isEqualTo(Timestamp.from(Instant.ofEpochSecond(1700000000)));
                assertThat(rs.getLong(7)).isEqualTo(1700000000L);
                // NULL in a BOOLEAN column arrives as false (dqlite#882): it cannot be told from false.
                assertThat(rs.getObject(9)).isEqualTo(Boolean.FALSE);
                assertThat(rs.next()).isFalse();
                assertThat(rs.isAfterLast()).isTrue();
            }
            // Conversions between text and numbers, and times as text.
            try (PreparedStatement p = c.prepareStatement("SELECT ?, ?, ?, ?, ?")) {
                p.setString(1, "123");
                p.setString(2, "2.5");
                p.setTime(3, Time.valueOf("13:14:15"));
                p.setString(4, "true");
                p.setObject(5, Instant.parse("2001-02-03T04:05:06Z"));
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(123);
                    assertThat(rs.getDouble(2)).isEqualTo(2.5);
                    assertThat(rs.getTime(3)).isEqualTo(Time.valueOf("13:14:15"));
                    assertThat(rs.getBoolean(4)).isTrue();
                    assertThat(rs.getTimestamp(5)).isEqualTo(Timestamp.from(Instant.parse("2001-02-03T04:05:06Z")));
                    assertThatThrownBy(() -> rs.getInt(4)).isInstanceOf(SQLException.class).hasMessageContaining("cannot convert");
                }
            }
        }
    }

    @Test
    @Order(3)
    void transactionsCommitAndRollBackOnOneConnection() throws Exception {
        try (Connection c = connect(); Connection other = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS tx (v INTEGER)");
            s.executeUpdate("DELETE FROM tx");
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO tx (v) VALUES (?)")) {
                for (int i = 0; i < 5; i++) {
                    p.setInt(1, i);
                    p.executeUpdate();
                }
            }
            assertThat(count(c, "tx")).isEqualTo(5);
            assertThat(count(other, "tx")).isZero();
            c.rollback();
            assertThat(count(c, "tx")).isZero();
            c.commit(); // ends the read transaction count() started

            s.executeUpdate("INSERT INTO tx (v) VALUES (10)");
            s.executeUpdate("INSERT INTO tx (v) VALUES (11)");
            assertThat(count(other, "tx")).isZero();
            c.commit();
            assertThat(count(other, "tx")).isEqualTo(2);

            Statement s2 = c.createStatement();
            s2.executeUpdate("INSERT INTO tx (v) VALUES (12)");
            c.setAutoCommit(true); // commits
            assertThat(count(other, "tx")).isEqualTo(3);
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class).hasMessageContaining("auto-commit");

            // SQL-level BEGIN/ROLLBACK in auto-commit mode pins the connection too.
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO tx (v) VALUES (13)");
            assertThat(count(other, "tx")).isEqualTo(3);
            s.execute("ROLLBACK");
            assertThat(count(c, "tx")).isEqualTo(3);

            // Savepoints.
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO tx (v) VALUES (20)");
            java.sql.Savepoint sp = c.setSavepoint("sp1");
            s.executeUpdate("INSERT INTO tx (v) VALUES (21)");
            c.rollback(sp);
            c.commit();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("SELECT v FROM tx ORDER BY v")) {
                List<Long> vs = new ArrayList<>();
                while (rs.next()) {
                    vs.add(rs.getLong(1));
                }
                assertThat(vs).containsExactly(10L, 11L, 12L, 20L);
            }
            // An error inside a transaction leaves it usable; close rolls back.
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO tx (v) VALUES (30)");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO nosuchtable VALUES (1)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("no such table");
            s.executeUpdate("INSERT INTO tx (v) VALUES (31)");
        }
        try (Connection c = connect()) {
            assertThat(count(c, "tx")).isEqualTo(4);
        }
    }

    @Test
    @Order(4)
    void batchesAndGeneratedKeys() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DROP TABLE IF EXISTS batch");
            s.executeUpdate("CREATE TABLE batch (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT UNIQUE)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO batch (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 50; i++) {
                    p.setString(1, "v" + i);
                    p.addBatch();
                }
                assertThat(p.executeBatch()).hasSize(50).containsOnly(1);
                List<Long> keys = new ArrayList<>();
                try (ResultSet k = p.getGeneratedKeys()) {
                    while (k.next()) {
                        keys.add(k.getLong(1));
                    }
                }
                assertThat(keys).hasSize(50).doesNotHaveDuplicates();
                assertThat(keys.get(49)).isEqualTo(keys.get(0) + 49);
            }
            assertThat(count(c, "batch")).isEqualTo(50);

            s.addBatch("INSERT INTO batch (v) VALUES ('a')");
            s.addBatch("UPDATE batch SET v = v || '!' WHERE v LIKE 'v1%'");
            s.addBatch("INSERT INTO batch (v) VALUES ('a')"); // violates UNIQUE
            s.addBatch("INSERT INTO batch (v) VALUES ('b')");
            assertThatThrownBy(s::executeBatch).isInstanceOfSatisfying(BatchUpdateException.class, e -> {
                assertThat(e.getLargeUpdateCounts()).containsExactly(1, 11);
                assertThat(e.getMessage()).contains("batch entry 2").contains("UNIQUE");
            });

            assertThat(s.executeUpdate("INSERT INTO batch (v) VALUES ('k')", Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            long key;
            try (ResultSet k = s.getGeneratedKeys()) {
                assertThat(k.next()).isTrue();
                key = k.getLong("GENERATED_KEY");
                assertThat(k.next()).isFalse();
            }
            try (ResultSet rs = s.executeQuery("SELECT id FROM batch WHERE v = 'k'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(key);
            }
            // Not asked for, or not an insert: no keys.
            s.executeUpdate("INSERT INTO batch (v) VALUES ('nokey')");
            try (ResultSet k = s.getGeneratedKeys()) {
                assertThat(k.next()).isFalse();
            }
            s.executeUpdate("UPDATE batch SET v = 'k2' WHERE v = 'k'", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet k = s.getGeneratedKeys()) {
                assertThat(k.next()).isFalse();
            }
        }
    }

    @Test
    @Order(5)
    void executeChoosesRowsOrCountAndResultsStreamAcrossBatches() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DROP TABLE IF EXISTS big");
            s.executeUpdate("CREATE TABLE big (n INTEGER PRIMARY KEY, pad TEXT NOT NULL DEFAULT 'x')");
            assertThat(s.executeUpdate("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) "
                    + "INSERT INTO big (n, pad) SELECT x, printf('%050d', x) FROM c")).isEqualTo(3000);
            assertThat(s.execute("SELECT count(*) FROM big")).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3000);
            }
            assertThat(s.execute("UPDATE big SET pad = pad WHERE n <= 10")).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(10);
            assertThat(s.execute("PRAGMA table_info(big)")).isTrue();
            s.getResultSet().close();
            assertThat(s.executeUpdate("CREATE INDEX IF NOT EXISTS big_pad ON big (pad)")).isZero();
            assertThatThrownBy(() -> s.executeQuery("DELETE FROM big")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("nothing was sent");
            assertThat(count(c, "big")).isEqualTo(3000);
            assertThatThrownBy(() -> s.executeUpdate("SELECT 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("executeQuery");

            // 3000 rows of ~70 bytes arrive over many ROWS batches; another statement mid-stream still works.
            try (Statement s2 = c.createStatement(); ResultSet rs = s2.executeQuery("SELECT n, pad FROM big ORDER BY n")) {
                long expected = 1;
                while (rs.next()) {
                    assertThat(rs.getLong(1)).isEqualTo(expected);
                    if (expected == 100) {
                        assertThat(count(c, "big")).isEqualTo(3000);
                    }
                    expected++;
                }
                assertThat(expected).isEqualTo(3001);
            }
            // Closing a result set early interrupts the query; the connection stays usable.
            try (ResultSet rs = s.executeQuery("SELECT n FROM big")) {
                assertThat(rs.next()).isTrue();
            }
            s.setMaxRows(5);
            try (ResultSet rs = s.executeQuery("SELECT n FROM big")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(5);
            }
            s.setMaxRows(0);
            assertThat(count(c, "big")).isEqualTo(3000);

            DatabaseMetaData md = c.getMetaData();
            try (ResultSet t = md.getTables(null, null, "BIG", new String[] {"TABLE"})) {
                assertThat(t.next()).isTrue();
                assertThat(t.getString("TABLE_NAME")).isEqualTo("big");
                assertThat(t.getString("TABLE_TYPE")).isEqualTo("TABLE");
                assertThat(t.next()).isFalse();
            }
            try (ResultSet col = md.getColumns(null, null, "big", "%")) {
                assertThat(col.next()).isTrue();
                assertThat(col.getString("COLUMN_NAME")).isEqualTo("n");
                assertThat(col.getInt("DATA_TYPE")).isEqualTo(Types.BIGINT);
                assertThat(col.getString("IS_AUTOINCREMENT")).isEqualTo("YES");
                assertThat(col.next()).isTrue();
                assertThat(col.getString("COLUMN_NAME")).isEqualTo("pad");
                assertThat(col.getInt("DATA_TYPE")).isEqualTo(Types.VARCHAR);
                assertThat(col.getInt("NULLABLE")).isEqualTo(DatabaseMetaData.columnNoNulls);
                assertThat(col.getString("COLUMN_DEF")).isEqualTo("'x'");
                assertThat(col.getInt("ORDINAL_POSITION")).isEqualTo(2);
                assertThat(col.next()).isFalse();
            }
            try (ResultSet pk = md.getPrimaryKeys(null, null, "big")) {
                assertThat(pk.next()).isTrue();
                assertThat(pk.getString("COLUMN_NAME")).isEqualTo("n");
                assertThat(pk.getShort("KEY_SEQ")).isEqualTo((short) 1);
            }
            try (ResultSet ix = md.getIndexInfo(null, null, "big", false, true)) {
                assertThat(ix.next()).isTrue();
                assertThat(ix.getString("INDEX_NAME")).isEqualTo("big_pad");
                assertThat(ix.getBoolean("NON_UNIQUE")).isTrue();
                assertThat(ix.getString("COLUMN_NAME")).isEqualTo("pad");
                assertThat(ix.getInt("ORDINAL_POSITION")).isEqualTo(1);
                assertThat(ix.next()).isFalse();
            }
            s.executeUpdate("CREATE TABLE IF NOT EXISTS big_child (id INTEGER PRIMARY KEY, "
                    + "big_n INTEGER REFERENCES big ON DELETE CASCADE)");
            try (ResultSet fk = md.getImportedKeys(null, null, "big_child")) {
                assertThat(fk.next()).isTrue();
                assertThat(fk.getString("PKTABLE_NAME")).isEqualTo("big");
                assertThat(fk.getString("PKCOLUMN_NAME")).isEqualTo("n");
                assertThat(fk.getString("FKCOLUMN_NAME")).isEqualTo("big_n");
                assertThat(fk.getShort("DELETE_RULE")).isEqualTo((short) DatabaseMetaData.importedKeyCascade);
                assertThat(fk.next()).isFalse();
            }
            try (ResultSet ti = md.getTypeInfo()) {
                List<String> names = new ArrayList<>();
                while (ti.next()) {
                    names.add(ti.getString("TYPE_NAME") + ":" + ti.getInt("DATA_TYPE"));
                }
                assertThat(names).contains("INTEGER:" + Types.BIGINT, "TEXT:" + Types.VARCHAR, "BOOLEAN:" + Types.BOOLEAN);
            }
        }
    }

    @Test
    @Order(6)
    void badUrlsNameTheProblem() {
        String nodes = String.join(",", cluster.addresses());
        assertBadUrl("jdbc:cowsql:" + nodes + "/demo", "lacks '//'");
        assertBadUrl("jdbc:cowsql://" + nodes, "names no database");
        assertBadUrl("jdbc:cowsql://" + nodes + "/", "empty database name");
        assertBadUrl("jdbc:cowsql:///demo", "names no node");
        assertBadUrl("jdbc:cowsql://127.0.0.1/demo", "expected host:port");
        assertBadUrl("jdbc:cowsql://127.0.0.1:notaport/demo", "bad port 'notaport'");
        assertBadUrl("jdbc:cowsql://127.0.0.1:70000/demo", "out of range 1-65535");
        assertBadUrl("jdbc:cowsql://127.0.0.1:9001,,127.0.0.1:9002/demo", "empty entry");
        assertBadUrl("jdbc:cowsql://" + nodes + "/demo?colour=blue", "unknown URL option 'colour'");
        assertBadUrl("jdbc:cowsql://" + nodes + "/demo?requestTimeout=soon", "requestTimeout=soon is not a number");
        assertBadUrl("jdbc:cowsql://" + nodes + "/demo?connectTimeout=-5", "must be a positive number");
        assertBadUrl("jdbc:cowsql://" + nodes + "/demo?maxFrameBytes=10", "too small");
        assertBadUrl("jdbc:cowsql://" + nodes + "/demo?retryTimeout", "has no value");
        assertThatThrownBy(() -> new CowsqlDriver().connect("jdbc:cowsql://" + nodes + "/demo", props("flavour", "x")))
                .isInstanceOf(SQLException.class).hasMessageContaining("unknown connection property 'flavour'");
        // A well-formed URL whose nodes do not answer: a connect error naming them, after the retry timeout.
        String dead = "127.0.0.1:" + freePort();
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:cowsql://" + dead + "/demo?retryTimeout=300"))
                .isInstanceOf(SQLException.class).hasMessageContaining(dead)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
    }

    private static int freePort() {
        try {
            return DemoCluster.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Properties props(String k, String v) {
        Properties p = new Properties();
        p.setProperty(k, v);
        return p;
    }

    private static void assertBadUrl(String bad, String problem) {
        assertThatThrownBy(() -> DriverManager.getConnection(bad))
                .as("URL %s", bad)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("bad cowsql JDBC URL")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
    }

    @Test
    @Order(7)
    void unsupportedFeaturesThrowSqlFeatureNotSupported() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertUnsupported(() -> c.prepareCall("SELECT 1"));
            assertUnsupported(c::createBlob);
            assertUnsupported(c::createClob);
            assertUnsupported(() -> c.createArrayOf("INTEGER", new Object[0]));
            assertUnsupported(() -> c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY));
            assertUnsupported(() -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE));
            assertUnsupported(() -> c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED));
            assertUnsupported(() -> c.setTypeMap(java.util.Map.of()));
            assertUnsupported(s::cancel);
            assertUnsupported(() -> s.setCursorName("x"));
            assertUnsupported(() -> new CowsqlDriver().getParentLogger());
            assertUnsupported(() -> c.getMetaData().getProcedures(null, null, "%"));
            try (PreparedStatement p = c.prepareStatement("SELECT ?")) {
                assertUnsupported(() -> p.setArray(1, null));
                assertUnsupported(() -> p.setRef(1, null));
                assertUnsupported(() -> p.setObject(1, new Object()));
            }
            try (ResultSet rs = s.executeQuery("SELECT 1 AS one")) {
                assertThat(rs.next()).isTrue();
                assertUnsupported(rs::previous);
                assertUnsupported(() -> rs.absolute(1));
                assertUnsupported(rs::first);
                assertUnsupported(() -> rs.updateInt(1, 2));
                assertUnsupported(rs::updateRow);
                assertUnsupported(() -> rs.getBlob(1));
                assertUnsupported(() -> rs.getObject(1, Thread.class));
                assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_FORWARD_ONLY);
                assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_READ_ONLY);
            }
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        }
    }

    private static void assertUnsupported(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("not supported");
    }

    @Test
    @Order(8)
    void returningIsRefusedBeforeAnythingIsSentAndTheNodesKeepAnswering() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS ret (id INTEGER PRIMARY KEY, v TEXT)");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO ret (v) VALUES ('a') RETURNING id"))
                    .isInstanceOf(CowsqlException.class).hasMessageContaining("RETURNING")
                    .satisfies(e -> assertThat(((CowsqlException) e).code()).isEqualTo(CowsqlException.CLIENT_REFUSED));
            assertThatThrownBy(() -> s.executeQuery("insert into ret (v) values ('a') returning *"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("RETURNING");
            assertThatThrownBy(() -> c.prepareStatement("DELETE FROM ret RETURNING id"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("RETURNING");
            assertThatThrownBy(() -> s.addBatch("UPDATE ret SET v = 'b' RETURNING v"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("RETURNING");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO ret (v) VALUES (?)")) {
                p.setString(1, "returning is just a word here");
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
            assertThat(count(c, "ret")).isEqualTo(1);
        }
        for (DemoCluster.Node n : cluster.nodes()) {
            assertThat(n.isAlive()).as("node %s alive", n.dbAddress()).isTrue();
        }
    }

    @Test
    @Order(9)
    void closeSemantics() throws Exception {
        Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1");
        ResultSet rs2 = s.executeQuery("SELECT 2"); // closes the first
        assertThat(rs.isClosed()).isTrue();
        assertThat(rs2.next()).isTrue();
        s.close();
        assertThat(rs2.isClosed()).isTrue();
        assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        Statement s3 = c.createStatement();
        s3.closeOnCompletion();
        ResultSet rs3 = s3.executeQuery("SELECT 3");
        rs3.close();
        assertThat(s3.isClosed()).isTrue();
        PreparedStatement p = c.prepareStatement("SELECT ?");
        assertThatThrownBy(p::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("parameter 1 of 1 is not set");
        assertThatThrownBy(() -> p.setInt(2, 1)).isInstanceOf(SQLException.class).hasMessageContaining("out of range");
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(p.isClosed()).isTrue();
        assertThat(c.isValid(1)).isFalse();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        c.close(); // twice is fine
    }

    /** Last: the slow query keeps the leader's single thread busy for a while. */
    @Test
    @Order(100)
    void queryTimeoutsBoundARequest() throws Exception {
        String slow = "SELECT (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 12000000) "
                + "SELECT count(*) FROM c)";
        try (Connection c = DriverManager.getConnection(url + "&queryTimeout=300"); Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.executeQuery(slow)).isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("timed out after 300 ms");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
            s.setQueryTimeout(20);
            assertThat(s.getQueryTimeout()).isEqualTo(20);
            try (ResultSet rs = s.executeQuery("SELECT 42")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            c.setNetworkTimeout(Executors.newSingleThreadExecutor(), 250);
            assertThat(c.getNetworkTimeout()).isEqualTo(250);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.executeQuery(slow.replace("12000000", "40000000")))
                    .isInstanceOf(SQLTimeoutException.class).hasMessageContaining("timed out after 1000 ms");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
