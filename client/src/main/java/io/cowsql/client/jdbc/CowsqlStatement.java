package io.cowsql.client.jdbc;

import io.cowsql.client.CowsqlException;
import io.cowsql.client.Result;
import io.cowsql.client.SqlSafety;
import io.cowsql.client.wire.Protocol;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A statement: SQL goes out as EXEC_SQL (no rows) or QUERY_SQL (rows),
 * chosen by its leading keyword (SELECT, VALUES, EXPLAIN, WITH ... SELECT,
 * PRAGMA without '=' return rows). One result set at a time.
 */
public class CowsqlStatement implements Statement, JdbcWrapper {
    static final String KEY_COLUMN = "GENERATED_KEY";

    protected final CowsqlConnection connection;
    private final List<String> batch = new ArrayList<>();
    private CowsqlResultSet resultSet;
    private long updateCount = -1;
    private List<Object[]> generatedKeys = new ArrayList<>();
    private long maxRows;
    private int queryTimeoutSeconds;
    private int fetchSize;
    private boolean closed;
    private boolean closeOnCompletion;
    private boolean poolable;

    /** What a caller expects back. */
    enum Expect { ANY, ROWS, COUNT }

    CowsqlStatement(CowsqlConnection connection) {
        this.connection = connection;
    }

    protected void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the statement is closed", "HY010");
        }
        connection.checkOpen();
    }

    Duration timeout() {
        return queryTimeoutSeconds > 0 ? Duration.ofSeconds(queryTimeoutSeconds) : connection.defaultTimeout();
    }

    private void closeResults() throws SQLException {
        updateCount = -1;
        if (resultSet != null) {
            CowsqlResultSet rs = resultSet;
            resultSet = null;
            rs.close();
        }
    }

    /**
     * Runs one statement. Returns true when it produced a result set.
     * {@code keys}: collect the last insert id as a generated key.
     */
    boolean run(String sql, List<Object> params, boolean keys, Expect expect) throws SQLException {
        checkOpen();
        if (sql == null) {
            throw new SQLException("SQL is null", "42000");
        }
        SqlSafety.check(sql);
        closeResults();
        generatedKeys = new ArrayList<>();
        SqlText.Kind kind = SqlText.kind(sql);
        if (kind == SqlText.Kind.EMPTY) {
            throw new SQLException("the SQL is empty (only whitespace or comments)", "42000");
        }
        if (kind == SqlText.Kind.QUERY && expect != Expect.COUNT) {
            query(sql, params);
            return true;
        }
        if (kind == SqlText.Kind.QUERY) {
            throw new SQLException("the statement returns rows: use executeQuery() or execute(), not executeUpdate()", "07000");
        }
        if (expect == Expect.ROWS && !(kind == SqlText.Kind.UPDATE && SqlText.words(sql, 1).get(0).equals("PRAGMA"))) {
            throw new SQLException("the statement returns no rows: use executeUpdate() or execute() for statements "
                    + "that change data (nothing was sent)", "07000");
        }
        try {
            Result r = connection.update(sql, params, timeout());
            updateCount = SqlText.isDml(sql) ? r.rowsAffected() : 0;
            if (keys && SqlText.isInsert(sql) && r.rowsAffected() > 0) {
                generatedKeys.add(new Object[] {r.lastInsertId()});
            }
            if (expect == Expect.ROWS) {
                throw new SQLException("the statement returned no rows: use executeUpdate() or execute() for "
                        + "statements that change data (it ran)", "07000");
            }
            return false;
        } catch (CowsqlException e) {
            if (e.code() == CowsqlException.SQLITE_ROW && expect != Expect.COUNT) {
                // The statement yields rows after all (EXEC refuses that before changing anything): query it.
                query(sql, params);
                return true;
            }
            throw e;
        }
    }

    private void query(String sql, List<Object> params) throws SQLException {
        RowSource rows = connection.query(sql, params, timeout());
        resultSet = new CowsqlResultSet(this, rows, maxRows);
        updateCount = -1;
    }

    /** Called by the result set at its end. */
    void resultSetExhausted(CowsqlResultSet rs) {
        // nothing: closeOnCompletion acts on close
    }

    void resultSetClosed(CowsqlResultSet rs) throws SQLException {
        // Closed by its user (the statement's own closes unlink it first).
        if (rs == resultSet) {
            resultSet = null;
            if (closeOnCompletion && !closed) {
                close();
            }
        }
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        run(sql, List.of(), false, Expect.ROWS);
        return resultSet;
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return (int) executeLargeUpdate(sql);
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        run(sql, List.of(), false, Expect.COUNT);
        return updateCount;
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return (int) executeLargeUpdate(sql, autoGeneratedKeys);
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        run(sql, List.of(), wantKeys(autoGeneratedKeys), Expect.COUNT);
        return updateCount;
    }

    static boolean wantKeys(int autoGeneratedKeys) throws SQLException {
        if (autoGeneratedKeys == RETURN_GENERATED_KEYS) {
            return true;
        }
        if (autoGeneratedKeys == NO_GENERATED_KEYS) {
            return false;
        }
        throw new SQLException("autoGeneratedKeys must be RETURN_GENERATED_KEYS or NO_GENERATED_KEYS, got "
                + autoGeneratedKeys, "HY092");
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return executeUpdate(sql, RETURN_GENERATED_KEYS);
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return executeUpdate(sql, RETURN_GENERATED_KEYS);
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return executeLargeUpdate(sql, RETURN_GENERATED_KEYS);
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return executeLargeUpdate(sql, RETURN_GENERATED_KEYS);
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return run(sql, List.of(), false, Expect.ANY);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return run(sql, List.of(), wantKeys(autoGeneratedKeys), Expect.ANY);
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return execute(sql, RETURN_GENERATED_KEYS);
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return execute(sql, RETURN_GENERATED_KEYS);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        return new CowsqlResultSet(this, RowSource.of(List.of(KEY_COLUMN), new int[] {Protocol.T_INTEGER},
                new ArrayList<>(generatedKeys)), 0);
    }

    void addGeneratedKeys(List<Object[]> keys) {
        generatedKeys.addAll(keys);
    }

    List<Object[]> takeGeneratedKeys() {
        List<Object[]> k = generatedKeys;
        generatedKeys = new ArrayList<>();
        return k;
    }

    void setUpdateCount(long n) {
        updateCount = n;
    }

    long updateCount() {
        return updateCount;
    }

    // ------------------------------------------------------------ batches

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        if (sql == null) {
            throw new SQLException("SQL is null", "42000");
        }
        SqlSafety.check(sql);
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
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
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> todo = new ArrayList<>(batch);
        batch.clear();
        long[] counts = new long[todo.size()];
        for (int i = 0; i < todo.size(); i++) {
            try {
                run(todo.get(i), List.of(), false, Expect.COUNT);
                counts[i] = updateCount;
            } catch (SQLException e) {
                throw batchFailure(counts, i, e);
            }
        }
        updateCount = -1;
        return counts;
    }

    static BatchUpdateException batchFailure(long[] counts, int failed, SQLException e) {
        long[] done = Arrays.copyOf(counts, failed);
        return new BatchUpdateException("batch entry " + failed + " failed: " + e.getMessage(), e.getSQLState(),
                e.getErrorCode(), done, e);
    }

    // ------------------------------------------------------------ results

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return resultSet;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        return (int) Math.min(Integer.MAX_VALUE, updateCount);
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return updateCount;
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        if (current != CLOSE_CURRENT_RESULT && current != CLOSE_ALL_RESULTS && current != KEEP_CURRENT_RESULT) {
            throw new SQLException("unknown getMoreResults mode " + current, "HY092");
        }
        if (current == KEEP_CURRENT_RESULT) {
            throw Unsupported.of("keeping a result set open while moving to the next result");
        }
        closeResults();
        return false;
    }

    // ------------------------------------------------------------ settings

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        try {
            closeResults();
        } finally {
            closed = true;
            connection.unregister(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return 0;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("max field size must be >= 0", "HY024");
        }
        // not enforced: values arrive whole
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return (int) Math.min(Integer.MAX_VALUE, maxRows);
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("max rows must be >= 0, got " + max, "HY024");
        }
        maxRows = max;
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen(); // SQL is passed through unchanged
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeoutSeconds;
    }

    /** Bounds every request of this statement (0: the connection's default, the URL's queryTimeout). */
    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw new SQLException("query timeout must be >= 0, got " + seconds, "HY024");
        }
        queryTimeoutSeconds = seconds;
    }

    @Override
    public void cancel() throws SQLException {
        throw Unsupported.of("cancel(): use setQueryTimeout to bound a statement");
    }

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
    public void setCursorName(String name) throws SQLException {
        throw Unsupported.of("named cursors");
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD) {
            throw Unsupported.forwardOnly();
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return ResultSet.FETCH_FORWARD;
    }

    /** A hint only: the server sends batches of about 4 KiB. */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw new SQLException("fetch size must be >= 0, got " + rows, "HY024");
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return connection.getHoldability();
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

}
