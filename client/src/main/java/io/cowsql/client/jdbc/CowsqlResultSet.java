package io.cowsql.client.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.List;
import java.util.Map;

/**
 * A forward-only, read-only result set. Rows stream from the server one
 * batch at a time; the current row is a copy, and at most one more row is
 * read ahead (for {@link #getMetaData()} before the first {@code next()}, and
 * for {@link #isLast()}).
 */
public final class CowsqlResultSet implements ResultSet, JdbcWrapper {
    private final CowsqlStatement statement;
    private final RowSource source;
    private final List<String> columns;
    private final long maxRows;
    private Object[] row;
    private int[] types;
    private Object[] aheadRow;
    private int[] aheadTypes;
    private boolean ahead;
    private boolean aheadValid;
    private boolean exhausted;
    private long rowNumber;
    private boolean afterLast;
    private boolean wasNull;
    private boolean closed;
    private int fetchSize;
    private CowsqlResultSetMetaData metaData;

    CowsqlResultSet(CowsqlStatement statement, RowSource source, long maxRows) {
        this.statement = statement;
        this.source = source;
        this.columns = source.columns();
        this.maxRows = maxRows;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the result set is closed", "24000");
        }
    }

    /** Reads one row ahead, if not done yet. */
    private void peek() throws SQLException {
        if (ahead) {
            return;
        }
        ahead = true;
        if (exhausted || maxRows > 0 && rowNumber >= maxRows) {
            aheadValid = false;
            return;
        }
        aheadValid = source.next();
        if (aheadValid) {
            aheadRow = source.row();
            aheadTypes = source.types();
        } else {
            exhausted = true;
        }
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (afterLast) {
            return false;
        }
        peek();
        ahead = false;
        if (!aheadValid) {
            row = null;
            types = null;
            afterLast = true;
            if (statement != null) {
                statement.resultSetExhausted(this);
            }
            return false;
        }
        row = aheadRow;
        types = aheadTypes;
        aheadRow = null;
        aheadTypes = null;
        rowNumber++;
        if (rowNumber == 1) {
            firstTypes = types;
        }
        return true;
    }

    /** Wire type codes of the first row (reading it ahead if needed); null when there are no rows. */
    int[] firstRowTypes() throws SQLException {
        if (rowNumber == 0 && !afterLast) {
            peek();
            return aheadValid ? aheadTypes : null;
        }
        return firstTypes;
    }

    private int[] firstTypes;

    List<String> columnNames() {
        return columns;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        row = null;
        aheadRow = null;
        try {
            source.close();
        } finally {
            if (statement != null) {
                statement.resultSetClosed(this);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private Object value(int columnIndex) throws SQLException {
        checkOpen();
        if (row == null) {
            throw new SQLException(afterLast ? "the result set is past its last row" : "no current row: call next() first", "24000");
        }
        if (columnIndex < 1 || columnIndex > columns.size()) {
            throw new SQLException("column index " + columnIndex + " is out of range 1.." + columns.size(), "07009");
        }
        Object v = row[columnIndex - 1];
        wasNull = v == null;
        return v;
    }

    private String name(int columnIndex) {
        return columns.get(columnIndex - 1);
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(columnLabel)) {
                return i + 1;
            }
        }
        throw new SQLException("no column named '" + columnLabel + "' in this result set; columns are " + columns, "42S22");
    }

    // ------------------------------------------------------------ getters by index

    @Override
    public String getString(int i) throws SQLException {
        return Conversions.toString(value(i));
    }

    @Override
    public boolean getBoolean(int i) throws SQLException {
        return Conversions.toBoolean(value(i), name(i));
    }

    @Override
    public byte getByte(int i) throws SQLException {
        return (byte) Conversions.toLong(value(i), name(i), Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(int i) throws SQLException {
        return (short) Conversions.toLong(value(i), name(i), Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(int i) throws SQLException {
        return (int) Conversions.toLong(value(i), name(i), Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(int i) throws SQLException {
        return Conversions.toLong(value(i), name(i), Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public float getFloat(int i) throws SQLException {
        return (float) Conversions.toDouble(value(i), name(i));
    }

    @Override
    public double getDouble(int i) throws SQLException {
        return Conversions.toDouble(value(i), name(i));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int i, int scale) throws SQLException {
        BigDecimal d = getBigDecimal(i);
        return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public BigDecimal getBigDecimal(int i) throws SQLException {
        return Conversions.toBigDecimal(value(i), name(i));
    }

    @Override
    public byte[] getBytes(int i) throws SQLException {
        byte[] b = Conversions.toBytes(value(i), name(i));
        return b == null ? null : b.clone();
    }

    @Override
    public Date getDate(int i) throws SQLException {
        return Conversions.toDate(value(i), name(i));
    }

    @Override
    public Time getTime(int i) throws SQLException {
        return Conversions.toTime(value(i), name(i));
    }

    @Override
    public Timestamp getTimestamp(int i) throws SQLException {
        return Conversions.toTimestamp(value(i), name(i));
    }

    /** The calendar is not needed: every stored time has an offset (UTC when the text had none). */
    @Override
    public Date getDate(int i, Calendar cal) throws SQLException {
        return getDate(i);
    }

    @Override
    public Time getTime(int i, Calendar cal) throws SQLException {
        return getTime(i);
    }

    @Override
    public Timestamp getTimestamp(int i, Calendar cal) throws SQLException {
        return getTimestamp(i);
    }

    @Override
    public InputStream getAsciiStream(int i) throws SQLException {
        String s = getString(i);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int i) throws SQLException {
        throw Unsupported.of("getUnicodeStream (deprecated): use getCharacterStream");
    }

    @Override
    public InputStream getBinaryStream(int i) throws SQLException {
        byte[] b = Conversions.toBytes(value(i), name(i));
        return b == null ? null : new ByteArrayInputStream(b);
    }

    @Override
    public Reader getCharacterStream(int i) throws SQLException {
        String s = getString(i);
        return s == null ? null : new StringReader(s);
    }

    @Override
    public Reader getNCharacterStream(int i) throws SQLException {
        return getCharacterStream(i);
    }

    @Override
    public String getNString(int i) throws SQLException {
        return getString(i);
    }

    @Override
    public Object getObject(int i) throws SQLException {
        return Conversions.standard(value(i));
    }

    @Override
    public <T> T getObject(int i, Class<T> type) throws SQLException {
        return Conversions.to(value(i), type, name(i));
    }

    @Override
    public Object getObject(int i, Map<String, Class<?>> map) throws SQLException {
        if (map == null || map.isEmpty()) {
            return getObject(i);
        }
        throw Unsupported.of("getObject with a type map");
    }

    @Override
    public Ref getRef(int i) throws SQLException {
        throw Unsupported.of("getRef");
    }

    @Override
    public Blob getBlob(int i) throws SQLException {
        throw Unsupported.of("getBlob: use getBytes or getBinaryStream");
    }

    @Override
    public Clob getClob(int i) throws SQLException {
        throw Unsupported.of("getClob: use getString or getCharacterStream");
    }

    @Override
    public Array getArray(int i) throws SQLException {
        throw Unsupported.of("getArray");
    }

    @Override
    public URL getURL(int i) throws SQLException {
        String s = getString(i);
        if (s == null) {
            return null;
        }
        try {
            return new java.net.URI(s).toURL();
        } catch (Exception e) {
            throw new SQLException("column " + name(i) + " does not hold a URL: " + e.getMessage(), "22018", e);
        }
    }

    @Override
    public RowId getRowId(int i) throws SQLException {
        throw Unsupported.of("getRowId: select the rowid column and use getLong");
    }

    @Override
    public NClob getNClob(int i) throws SQLException {
        throw Unsupported.of("getNClob: use getString");
    }

    @Override
    public SQLXML getSQLXML(int i) throws SQLException {
        throw Unsupported.of("getSQLXML");
    }

    // ------------------------------------------------------------ getters by label

    @Override
    public String getString(String c) throws SQLException {
        return getString(findColumn(c));
    }

    @Override
    public boolean getBoolean(String c) throws SQLException {
        return getBoolean(findColumn(c));
    }

    @Override
    public byte getByte(String c) throws SQLException {
        return getByte(findColumn(c));
    }

    @Override
    public short getShort(String c) throws SQLException {
        return getShort(findColumn(c));
    }

    @Override
    public int getInt(String c) throws SQLException {
        return getInt(findColumn(c));
    }

    @Override
    public long getLong(String c) throws SQLException {
        return getLong(findColumn(c));
    }

    @Override
    public float getFloat(String c) throws SQLException {
        return getFloat(findColumn(c));
    }

    @Override
    public double getDouble(String c) throws SQLException {
        return getDouble(findColumn(c));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String c, int scale) throws SQLException {
        return getBigDecimal(findColumn(c), scale);
    }

    @Override
    public BigDecimal getBigDecimal(String c) throws SQLException {
        return getBigDecimal(findColumn(c));
    }

    @Override
    public byte[] getBytes(String c) throws SQLException {
        return getBytes(findColumn(c));
    }

    @Override
    public Date getDate(String c) throws SQLException {
        return getDate(findColumn(c));
    }

    @Override
    public Time getTime(String c) throws SQLException {
        return getTime(findColumn(c));
    }

    @Override
    public Timestamp getTimestamp(String c) throws SQLException {
        return getTimestamp(findColumn(c));
    }

    @Override
    public Date getDate(String c, Calendar cal) throws SQLException {
        return getDate(findColumn(c), cal);
    }

    @Override
    public Time getTime(String c, Calendar cal) throws SQLException {
        return getTime(findColumn(c), cal);
    }

    @Override
    public Timestamp getTimestamp(String c, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(c), cal);
    }

    @Override
    public InputStream getAsciiStream(String c) throws SQLException {
        return getAsciiStream(findColumn(c));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String c) throws SQLException {
        return getUnicodeStream(findColumn(c));
    }

    @Override
    public InputStream getBinaryStream(String c) throws SQLException {
        return getBinaryStream(findColumn(c));
    }

    @Override
    public Reader getCharacterStream(String c) throws SQLException {
        return getCharacterStream(findColumn(c));
    }

    @Override
    public Reader getNCharacterStream(String c) throws SQLException {
        return getNCharacterStream(findColumn(c));
    }

    @Override
    public String getNString(String c) throws SQLException {
        return getNString(findColumn(c));
    }

    @Override
    public Object getObject(String c) throws SQLException {
        return getObject(findColumn(c));
    }

    @Override
    public <T> T getObject(String c, Class<T> type) throws SQLException {
        return getObject(findColumn(c), type);
    }

    @Override
    public Object getObject(String c, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(c), map);
    }

    @Override
    public Ref getRef(String c) throws SQLException {
        return getRef(findColumn(c));
    }

    @Override
    public Blob getBlob(String c) throws SQLException {
        return getBlob(findColumn(c));
    }

    @Override
    public Clob getClob(String c) throws SQLException {
        return getClob(findColumn(c));
    }

    @Override
    public Array getArray(String c) throws SQLException {
        return getArray(findColumn(c));
    }

    @Override
    public URL getURL(String c) throws SQLException {
        return getURL(findColumn(c));
    }

    @Override
    public RowId getRowId(String c) throws SQLException {
        return getRowId(findColumn(c));
    }

    @Override
    public NClob getNClob(String c) throws SQLException {
        return getNClob(findColumn(c));
    }

    @Override
    public SQLXML getSQLXML(String c) throws SQLException {
        return getSQLXML(findColumn(c));
    }

    // ------------------------------------------------------------ state and navigation

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public String getCursorName() throws SQLException {
        throw Unsupported.of("named cursors");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        if (metaData == null) {
            metaData = new CowsqlResultSetMetaData(columns, firstRowTypes());
        }
        return metaData;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        if (rowNumber > 0 || afterLast) {
            return false;
        }
        peek();
        return aheadValid;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return afterLast && rowNumber > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return rowNumber == 1 && row != null;
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        if (row == null) {
            return false;
        }
        peek();
        return !aheadValid;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return row == null ? 0 : (int) Math.min(rowNumber, Integer.MAX_VALUE);
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public void afterLast() throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public boolean first() throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public boolean last() throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public boolean previous() throws SQLException {
        throw Unsupported.forwardOnly();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD) {
            throw Unsupported.forwardOnly();
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return FETCH_FORWARD;
    }

    /** A hint only: the server decides the batch size (about 4 KiB). */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw new SQLException("fetch size must be >= 0, got " + rows, "22023");
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getType() throws SQLException {
        checkOpen();
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() throws SQLException {
        checkOpen();
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public Statement getStatement() throws SQLException {
        checkOpen();
        return statement;
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public boolean rowInserted() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public void insertRow() throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateRow() throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void deleteRow() throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void refreshRow() throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw Unsupported.readOnly();
    }


    // ------------------------------------------------------------ updates: read-only

    @Override
    public void updateNull(int a0) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBoolean(int a0, boolean a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateByte(int a0, byte a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateShort(int a0, short a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateInt(int a0, int a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateLong(int a0, long a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateFloat(int a0, float a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateDouble(int a0, double a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBigDecimal(int a0, java.math.BigDecimal a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateString(int a0, java.lang.String a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBytes(int a0, byte[] a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateDate(int a0, java.sql.Date a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateTime(int a0, java.sql.Time a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateTimestamp(int a0, java.sql.Timestamp a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateAsciiStream(int a0, java.io.InputStream a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBinaryStream(int a0, java.io.InputStream a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateCharacterStream(int a0, java.io.Reader a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(int a0, java.lang.Object a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(int a0, java.lang.Object a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNull(java.lang.String a0) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBoolean(java.lang.String a0, boolean a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateByte(java.lang.String a0, byte a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateShort(java.lang.String a0, short a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateInt(java.lang.String a0, int a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateLong(java.lang.String a0, long a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateFloat(java.lang.String a0, float a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateDouble(java.lang.String a0, double a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBigDecimal(java.lang.String a0, java.math.BigDecimal a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateString(java.lang.String a0, java.lang.String a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBytes(java.lang.String a0, byte[] a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateDate(java.lang.String a0, java.sql.Date a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateTime(java.lang.String a0, java.sql.Time a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateTimestamp(java.lang.String a0, java.sql.Timestamp a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateAsciiStream(java.lang.String a0, java.io.InputStream a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBinaryStream(java.lang.String a0, java.io.InputStream a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateCharacterStream(java.lang.String a0, java.io.Reader a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(java.lang.String a0, java.lang.Object a1, int a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(java.lang.String a0, java.lang.Object a1) throws SQLException {
        throw Unsupported.readOnly();
    }


    @Override
    public void updateRef(int a0, java.sql.Ref a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateRef(java.lang.String a0, java.sql.Ref a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBlob(int a0, java.sql.Blob a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBlob(java.lang.String a0, java.sql.Blob a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateClob(int a0, java.sql.Clob a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateClob(java.lang.String a0, java.sql.Clob a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateArray(int a0, java.sql.Array a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateArray(java.lang.String a0, java.sql.Array a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateRowId(int a0, java.sql.RowId a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateRowId(java.lang.String a0, java.sql.RowId a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNString(int a0, java.lang.String a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNString(java.lang.String a0, java.lang.String a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNClob(int a0, java.sql.NClob a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNClob(java.lang.String a0, java.sql.NClob a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateSQLXML(int a0, java.sql.SQLXML a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateSQLXML(java.lang.String a0, java.sql.SQLXML a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNCharacterStream(int a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNCharacterStream(java.lang.String a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateAsciiStream(int a0, java.io.InputStream a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBinaryStream(int a0, java.io.InputStream a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateCharacterStream(int a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateAsciiStream(java.lang.String a0, java.io.InputStream a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBinaryStream(java.lang.String a0, java.io.InputStream a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateCharacterStream(java.lang.String a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBlob(int a0, java.io.InputStream a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBlob(java.lang.String a0, java.io.InputStream a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateClob(int a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateClob(java.lang.String a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNClob(int a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNClob(java.lang.String a0, java.io.Reader a1, long a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNCharacterStream(int a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNCharacterStream(java.lang.String a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateAsciiStream(int a0, java.io.InputStream a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBinaryStream(int a0, java.io.InputStream a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateCharacterStream(int a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateAsciiStream(java.lang.String a0, java.io.InputStream a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBinaryStream(java.lang.String a0, java.io.InputStream a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateCharacterStream(java.lang.String a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBlob(int a0, java.io.InputStream a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateBlob(java.lang.String a0, java.io.InputStream a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateClob(int a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateClob(java.lang.String a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNClob(int a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateNClob(java.lang.String a0, java.io.Reader a1) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(int a0, java.lang.Object a1, java.sql.SQLType a2, int a3) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(java.lang.String a0, java.lang.Object a1, java.sql.SQLType a2, int a3) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(int a0, java.lang.Object a1, java.sql.SQLType a2) throws SQLException {
        throw Unsupported.readOnly();
    }

    @Override
    public void updateObject(java.lang.String a0, java.lang.Object a1, java.sql.SQLType a2) throws SQLException {
        throw Unsupported.readOnly();
    }
}
