package io.cowsql.client.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement whose parameters are bound on the client and sent
 * with the SQL (EXEC_SQL / QUERY_SQL), so it survives a change of leader
 * (a server-side prepared statement would not). Parameters are counted from
 * the SQL text: {@code ?}, {@code ?NNN}, {@code :name}, {@code @name},
 * {@code $name}.
 */
public final class CowsqlPreparedStatement extends CowsqlStatement implements PreparedStatement {
    private static final Object UNSET = new Object();

    private final String sql;
    private final boolean keys;
    private final Object[] params;
    private final List<Object[]> batch = new ArrayList<>();

    CowsqlPreparedStatement(CowsqlConnection connection, String sql, boolean keys) {
        super(connection);
        this.sql = sql;
        this.keys = keys;
        this.params = new Object[SqlText.parameterCount(sql)];
        Arrays.fill(params, UNSET);
    }

    private List<Object> bound() throws SQLException {
        List<Object> out = new ArrayList<>(params.length);
        for (int i = 0; i < params.length; i++) {
            if (params[i] == UNSET) {
                throw new SQLException("parameter " + (i + 1) + " of " + params.length + " is not set: call a setXxx("
                        + (i + 1) + ", value) or setNull(" + (i + 1) + ", type) first", "07001");
            }
            out.add(params[i]);
        }
        return out;
    }

    private void set(int index, Object value) throws SQLException {
        checkOpen();
        if (index < 1 || index > params.length) {
            throw new SQLException("parameter index " + index + " is out of range: the statement has "
                    + params.length + " parameter" + (params.length == 1 ? "" : "s"), "07009");
        }
        params[index - 1] = value;
    }

    private static SQLException notOnPrepared() {
        return new SQLException("this method takes SQL, which a PreparedStatement already has: call it without the "
                + "SQL argument", "HY000");
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        run(sql, bound(), keys, Expect.ROWS);
        return getResultSet();
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) executeLargeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        run(sql, bound(), keys, Expect.COUNT);
        return updateCount();
    }

    @Override
    public boolean execute() throws SQLException {
        return run(sql, bound(), keys, Expect.ANY);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        batch.add(bound().toArray());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<Object[]> todo = new ArrayList<>(batch);
        batch.clear();
        long[] counts = new long[todo.size()];
        List<Object[]> allKeys = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) {
            try {
                run(sql, Arrays.asList(todo.get(i)), keys, Expect.COUNT);
                counts[i] = updateCount();
                allKeys.addAll(takeGeneratedKeys());
            } catch (SQLException e) {
                addGeneratedKeys(allKeys);
                throw batchFailure(counts, i, e);
            }
        }
        addGeneratedKeys(allKeys);
        setUpdateCount(-1);
        return counts;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] n = executeLargeBatch();
        int[] out = new int[n.length];
        for (int i = 0; i < n.length; i++) {
            out[i] = (int) n[i];
        }
        return out;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        Arrays.fill(params, UNSET);
    }

    // ------------------------------------------------------------ setters

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        set(i, null);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        set(i, null);
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        set(i, (long) x);
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        set(i, (long) x);
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        set(i, (long) x);
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        set(i, (double) x);
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        set(i, x);
    }

    /** Integral values fitting a long go as INTEGER; others as exact text (a REAL/NUMERIC column converts it). */
    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        set(i, Conversions.param(x));
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        set(i, x == null ? null : x.clone());
    }

    /** Sent as the wall date "yyyy-MM-dd" (ISO8601). */
    @Override
    public void setDate(int i, Date x) throws SQLException {
        set(i, x == null ? null : x.toLocalDate());
    }

    @Override
    public void setDate(int i, Date x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setDate(i, x);
            return;
        }
        set(i, LocalDate.ofInstant(Instant.ofEpochMilli(x.getTime()), cal.getTimeZone().toZoneId()));
    }

    /** Sent as text "HH:mm:ss". */
    @Override
    public void setTime(int i, Time x) throws SQLException {
        set(i, x == null ? null : x.toLocalTime().toString());
    }

    @Override
    public void setTime(int i, Time x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setTime(i, x);
            return;
        }
        set(i, Instant.ofEpochMilli(x.getTime()).atZone(cal.getTimeZone().toZoneId()).toLocalTime().toString());
    }

    /** Sent as ISO8601 text of the instant, in UTC: "2024-01-02 03:04:05.123000000+00:00". */
    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        set(i, x == null ? null : x.toInstant());
    }

    /** The same instant, written with the calendar's offset. */
    @Override
    public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setTimestamp(i, x);
            return;
        }
        set(i, x.toInstant().atZone(cal.getTimeZone().toZoneId()).toOffsetDateTime());
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        set(i, Conversions.param(x));
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        set(i, Conversions.param(x, targetSqlType));
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        if (x instanceof BigDecimal && (targetSqlType == Types.DECIMAL || targetSqlType == Types.NUMERIC)) {
            x = ((BigDecimal) x).setScale(scaleOrLength, java.math.RoundingMode.HALF_UP);
        }
        setObject(i, x, targetSqlType);
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType) throws SQLException {
        setObject(i, x, vendorType(targetSqlType));
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        setObject(i, x, vendorType(targetSqlType), scaleOrLength);
    }

    private static int vendorType(SQLType t) throws SQLException {
        if (t instanceof JDBCType) {
            return t.getVendorTypeNumber();
        }
        throw Unsupported.of("SQL type " + t);
    }

    @Override
    public void setURL(int i, URL x) throws SQLException {
        set(i, x == null ? null : x.toString());
    }

    // ------------------------------------------------------------ streams: read whole

    private static byte[] readAll(InputStream in, long length) throws SQLException {
        try {
            byte[] b = length >= 0 ? in.readNBytes((int) Math.min(length, Integer.MAX_VALUE - 8)) : in.readAllBytes();
            return b;
        } catch (IOException e) {
            throw new SQLException("reading the parameter stream failed: " + e.getMessage(), "HY000", e);
        }
    }

    private static String readAll(Reader in, long length) throws SQLException {
        try {
            StringWriter w = new StringWriter();
            char[] buf = new char[8192];
            long left = length < 0 ? Long.MAX_VALUE : length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                w.write(buf, 0, n);
                left -= n;
            }
            return w.toString();
        } catch (IOException e) {
            throw new SQLException("reading the parameter stream failed: " + e.getMessage(), "HY000", e);
        }
    }

    @Override
    public void setAsciiStream(int i, InputStream x, int length) throws SQLException {
        setAsciiStream(i, x, (long) length);
    }

    @Override
    public void setAsciiStream(int i, InputStream x, long length) throws SQLException {
        set(i, x == null ? null : new String(readAll(x, length), StandardCharsets.US_ASCII));
    }

    @Override
    public void setAsciiStream(int i, InputStream x) throws SQLException {
        setAsciiStream(i, x, -1L);
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int i, InputStream x, int length) throws SQLException {
        throw Unsupported.of("setUnicodeStream (deprecated): use setCharacterStream");
    }

    @Override
    public void setBinaryStream(int i, InputStream x, int length) throws SQLException {
        setBinaryStream(i, x, (long) length);
    }

    @Override
    public void setBinaryStream(int i, InputStream x, long length) throws SQLException {
        set(i, x == null ? null : readAll(x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x) throws SQLException {
        setBinaryStream(i, x, -1L);
    }

    @Override
    public void setCharacterStream(int i, Reader x, int length) throws SQLException {
        setCharacterStream(i, x, (long) length);
    }

    @Override
    public void setCharacterStream(int i, Reader x, long length) throws SQLException {
        set(i, x == null ? null : readAll(x, length));
    }

    @Override
    public void setCharacterStream(int i, Reader x) throws SQLException {
        setCharacterStream(i, x, -1L);
    }

    @Override
    public void setNCharacterStream(int i, Reader x, long length) throws SQLException {
        setCharacterStream(i, x, length);
    }

    @Override
    public void setNCharacterStream(int i, Reader x) throws SQLException {
        setCharacterStream(i, x, -1L);
    }

    @Override
    public void setBlob(int i, Blob x) throws SQLException {
        set(i, x == null ? null : x.getBytes(1, (int) x.length()));
    }

    @Override
    public void setBlob(int i, InputStream x, long length) throws SQLException {
        setBinaryStream(i, x, length);
    }

    @Override
    public void setBlob(int i, InputStream x) throws SQLException {
        setBinaryStream(i, x, -1L);
    }

    @Override
    public void setClob(int i, Clob x) throws SQLException {
        set(i, x == null ? null : x.getSubString(1, (int) x.length()));
    }

    @Override
    public void setClob(int i, Reader x, long length) throws SQLException {
        setCharacterStream(i, x, length);
    }

    @Override
    public void setClob(int i, Reader x) throws SQLException {
        setCharacterStream(i, x, -1L);
    }

    @Override
    public void setNClob(int i, NClob x) throws SQLException {
        setClob(i, x);
    }

    @Override
    public void setNClob(int i, Reader x, long length) throws SQLException {
        setCharacterStream(i, x, length);
    }

    @Override
    public void setNClob(int i, Reader x) throws SQLException {
        setCharacterStream(i, x, -1L);
    }

    @Override
    public void setRef(int i, Ref x) throws SQLException {
        throw Unsupported.of("setRef");
    }

    @Override
    public void setArray(int i, Array x) throws SQLException {
        throw Unsupported.of("setArray");
    }

    @Override
    public void setRowId(int i, RowId x) throws SQLException {
        throw Unsupported.of("setRowId: bind the rowid with setLong");
    }

    @Override
    public void setSQLXML(int i, SQLXML x) throws SQLException {
        throw Unsupported.of("setSQLXML");
    }

    // ------------------------------------------------------------ metadata

    /** Not known before execution (SQLite is dynamically typed): null, as the spec allows. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        int n = params.length;
        return new ParameterMetaData() {
            private void check(int p) throws SQLException {
                if (p < 1 || p > n) {
                    throw new SQLException("parameter index " + p + " is out of range 1.." + n, "07009");
                }
            }

            @Override
            public int getParameterCount() {
                return n;
            }

            @Override
            public int isNullable(int p) throws SQLException {
                check(p);
                return parameterNullableUnknown;
            }

            @Override
            public boolean isSigned(int p) throws SQLException {
                check(p);
                return true;
            }

            @Override
            public int getPrecision(int p) throws SQLException {
                check(p);
                return 0;
            }

            @Override
            public int getScale(int p) throws SQLException {
                check(p);
                return 0;
            }

            @Override
            public int getParameterType(int p) throws SQLException {
                check(p);
                return Types.OTHER;
            }

            @Override
            public String getParameterTypeName(int p) throws SQLException {
                check(p);
                return "ANY";
            }

            @Override
            public String getParameterClassName(int p) throws SQLException {
                check(p);
                return Object.class.getName();
            }

            @Override
            public int getParameterMode(int p) throws SQLException {
                check(p);
                return parameterModeIn;
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                if (iface.isInstance(this)) {
                    return iface.cast(this);
                }
                throw new SQLException("not a wrapper for " + iface.getName());
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return iface.isInstance(this);
            }
        };
    }

    // ------------------------------------------------------------ Statement methods that take SQL

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw notOnPrepared();
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        throw notOnPrepared();
    }
}
