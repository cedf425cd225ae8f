package io.cowsql.client.jdbc;

import io.cowsql.client.CowsqlClient;
import io.cowsql.client.CowsqlException;
import io.cowsql.client.LeaderSession;
import io.cowsql.client.Result;
import io.cowsql.client.Rows;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A JDBC connection: one {@link LeaderSession} (one TCP connection to the
 * leader at a time, found again after a leader change).
 *
 * <p>Auto-commit (the default): each statement runs on its own; the session
 * re-sends it to the new leader only when the old one certainly did not run
 * it, and a write whose connection broke after it was sent, or whose
 * leader lost leadership while committing it, fails with SQLState 08007
 * (outcome unknown: it may or may not have been applied).
 *
 * <p>Auto-commit off: {@code BEGIN} is sent before the first statement, and
 * every statement up to {@code commit()}/{@code rollback()} runs on that same
 * server connection, never retried. If it breaks, the server has rolled the
 * transaction back: statements fail (SQLState 40003) until {@code rollback()}.
 */
public final class CowsqlConnection implements Connection, JdbcWrapper {
    private final Object lock = new Object();
    private final JdbcUrl url;
    private final LeaderSession session;
    private final Set<CowsqlStatement> statements = new LinkedHashSet<>();
    private boolean autoCommit = true;
    private boolean readOnly;
    private boolean closed;
    private int holdability = ResultSet.CLOSE_CURSORS_AT_COMMIT;
    private Duration defaultTimeout;
    private CowsqlClient txClient;
    private String txLost;
    private int savepointCounter;
    private final Properties clientInfo = new Properties();

    CowsqlConnection(JdbcUrl url) {
        this.url = url;
        this.session = new LeaderSession(url.addresses(), url.database(), url.options());
        this.defaultTimeout = url.queryTimeout();
    }

    /** Connects now, so that a bad cluster fails at getConnection() rather than at the first statement. */
    void connect() throws SQLException {
        synchronized (lock) {
            try {
                session.run(c -> c);
            } catch (CowsqlException e) {
                session.close();
                throw e;
            }
        }
    }

    JdbcUrl url() {
        return url;
    }

    Object lock() {
        return lock;
    }

    Duration defaultTimeout() {
        return defaultTimeout;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the connection is closed", "08003");
        }
    }

    // ------------------------------------------------------------ running statements

    /** Runs a statement that returns no rows. */
    Result update(String sql, List<Object> params, Duration timeout) throws SQLException {
        synchronized (lock) {
            checkOpen();
            SqlText.Kind kind = SqlText.kind(sql);
            try {
                switch (kind) {
                    case BEGIN:
                        if (txClient == null) {
                            begin(sql);
                            return new Result(0, 0);
                        }
                        break;
                    case COMMIT:
                    case ROLLBACK:
                        if (txClient != null || txLost != null) {
                            endTransaction(sql, kind == SqlText.Kind.COMMIT);
                            return new Result(0, 0);
                        }
                        if (!autoCommit) {
                            return new Result(0, 0); // nothing was started: nothing to end
                        }
                        break;
                    default:
                        break;
                }
                CowsqlClient tx = transactionClient();
                if (tx != null) {
                    try {
                        return tx.exec(sql, params, timeout);
                    } catch (CowsqlException e) {
                        noteTransactionBreak(tx, e);
                        throw e;
                    }
                }
                return session.runWrite(timeout, c -> {
                    try {
                        return c.exec(sql, params, timeout);
                    } catch (CowsqlException e) {
                        throw Jdbc.inCall(e, timeout);
                    }
                });
            } catch (CowsqlException e) {
                throw Jdbc.translateWrite(e);
            }
        }
    }

    /** Starts a query; the rows stream while the caller reads them. */
    RowSource query(String sql, List<Object> params, Duration timeout) throws SQLException {
        synchronized (lock) {
            checkOpen();
            try {
                CowsqlClient tx = transactionClient();
                Rows rows;
                if (tx != null) {
                    try {
                        rows = tx.query(sql, params, timeout);
                    } catch (CowsqlException e) {
                        noteTransactionBreak(tx, e);
                        throw e;
                    }
                } else {
                    rows = session.run(c -> {
                        try {
                            return c.query(sql, params, timeout);
                        } catch (CowsqlException e) {
                            throw Jdbc.inCall(e, timeout);
                        }
                    });
                }
                return RowSource.of(rows, lock);
            } catch (CowsqlException e) {
                throw Jdbc.translate(e);
            }
        }
    }

    /** The connection a transaction runs on, starting one if auto-commit is off; null in auto-commit mode. */
    private CowsqlClient transactionClient() throws SQLException {
        if (txLost != null) {
            throw new SQLException("the transaction was rolled back by the server: " + txLost
                    + "; call rollback() and run the transaction again", "40003");
        }
        if (txClient == null && !autoCommit) {
            begin("BEGIN");
        }
        if (txClient != null && txClient.isClosed()) {
            txLost = "the connection to " + txClient.address() + " was closed";
            txClient = null;
            throw new SQLException("the transaction was rolled back by the server: " + txLost
                    + "; call rollback() and run the transaction again", "40003");
        }
        return txClient;
    }

    private void noteTransactionBreak(CowsqlClient tx, CowsqlException e) {
        if (tx.isClosed() || e.isConnectionBroken()) {
            txLost = "the connection to " + tx.address() + " broke (" + e.getMessage() + ")";
            txClient = null;
            session.disconnect();
        }
    }

    /** Sends BEGIN on the leader connection and pins it. A BEGIN whose connection broke did nothing: retried. */
    private void begin(String sql) throws SQLException {
        long deadline = System.nanoTime() + url.options().retryTimeout().toNanos();
        while (true) {
            try {
                txClient = session.run(c -> {
                    c.exec(sql, List.of(), defaultTimeout);
                    return c;
                });
                session.setInTransaction(true);
                return;
            } catch (CowsqlException e) {
                if (e.code() != CowsqlException.CLIENT_OUTCOME_UNKNOWN || System.nanoTime() > deadline) {
                    throw Jdbc.translate(e);
                }
                session.disconnect();
            }
        }
    }

    private void endTransaction(String sql, boolean commit) throws SQLException {
        CowsqlClient tx = txClient;
        String lost = txLost;
        txClient = null;
        txLost = null;
        session.setInTransaction(false);
        if (tx == null) {
            if (commit) {
                throw new SQLException("commit failed: the transaction was already rolled back by the server: " + lost,
                        "40003");
            }
            return; // the server rolled it back already
        }
        try {
            tx.exec(sql, List.of(), defaultTimeout);
        } catch (CowsqlException e) {
            if (!tx.isClosed() && !e.isConnectionBroken() && commit) {
                // COMMIT refused (e.g. busy): the transaction is still open on the server.
                txClient = tx;
                session.setInTransaction(true);
                throw Jdbc.translate(e);
            }
            if (!commit && (tx.isClosed() || e.isConnectionBroken())) {
                session.disconnect();
                return; // rolled back either way
            }
            session.disconnect();
            throw Jdbc.translate(e);
        }
    }

    boolean inTransaction() {
        return txClient != null || txLost != null;
    }

    void register(CowsqlStatement s) {
        synchronized (lock) {
            statements.add(s);
        }
    }

    void unregister(CowsqlStatement s) {
        synchronized (lock) {
            statements.remove(s);
        }
    }

    // ------------------------------------------------------------ java.sql.Connection

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return createStatement(resultSetType, resultSetConcurrency, holdability);
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        checkResultSetKind(type, concurrency, holdability);
        CowsqlStatement s = new CowsqlStatement(this);
        register(s);
        return s;
    }

    private static void checkResultSetKind(int type, int concurrency, int holdability) throws SQLException {
        if (type != ResultSet.TYPE_FORWARD_ONLY) {
            throw Unsupported.of("result set type " + type + " (only TYPE_FORWARD_ONLY)");
        }
        if (concurrency != ResultSet.CONCUR_READ_ONLY) {
            throw Unsupported.of("result set concurrency " + concurrency + " (only CONCUR_READ_ONLY)");
        }
        if (holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT && holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT) {
            throw new SQLException("unknown holdability " + holdability, "HY092");
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return prepareStatement(sql, type, concurrency, holdability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        checkResultSetKind(type, concurrency, holdability);
        return prepare(sql, false);
    }

    private PreparedStatement prepare(String sql, boolean keys) throws SQLException {
        checkOpen();
        if (sql == null) {
            throw new SQLException("SQL is null", "42000");
        }
        io.cowsql.client.SqlSafety.check(sql);
        CowsqlPreparedStatement s = new CowsqlPreparedStatement(this, sql, keys);
        register(s);
        return s;
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        if (autoGeneratedKeys != Statement.RETURN_GENERATED_KEYS && autoGeneratedKeys != Statement.NO_GENERATED_KEYS) {
            throw new SQLException("autoGeneratedKeys must be RETURN_GENERATED_KEYS or NO_GENERATED_KEYS, got "
                    + autoGeneratedKeys, "HY092");
        }
        return prepare(sql, autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS);
    }

    /** The only key cowsql reports is the rowid (last insert id): any column list asks for it. */
    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepare(sql, true);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepare(sql, true);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        throw Unsupported.of("stored procedures (prepareCall)");
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        throw Unsupported.of("stored procedures (prepareCall)");
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        throw Unsupported.of("stored procedures (prepareCall)");
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return sql;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        synchronized (lock) {
            checkOpen();
            if (autoCommit && !this.autoCommit && inTransaction()) {
                endTransaction("COMMIT", true);
            }
            this.autoCommit = autoCommit;
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        synchronized (lock) {
            checkOpen();
            if (autoCommit) {
                throw new SQLException("commit() in auto-commit mode: call setAutoCommit(false) first", "25000");
            }
            if (inTransaction()) {
                endTransaction("COMMIT", true);
            }
        }
    }

    @Override
    public void rollback() throws SQLException {
        synchronized (lock) {
            checkOpen();
            if (autoCommit) {
                throw new SQLException("rollback() in auto-commit mode: call setAutoCommit(false) first", "25000");
            }
            if (inTransaction()) {
                endTransaction("ROLLBACK", false);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                for (CowsqlStatement s : new ArrayList<>(statements)) {
                    try {
                        s.close();
                    } catch (SQLException ignored) {
                        // closing anyway
                    }
                }
                if (txClient != null) {
                    try {
                        endTransaction("ROLLBACK", false);
                    } catch (SQLException ignored) {
                        // the connection goes away: the server rolls back
                    }
                }
            } finally {
                closed = true;
                session.close();
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new CowsqlDatabaseMetaData(this);
    }

    /** A hint only: cowsql has no read-only connections. */
    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen(); // no catalogs: ignored, as the spec allows
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (level != TRANSACTION_SERIALIZABLE) {
            throw Unsupported.of("transaction isolation level " + level + " (cowsql transactions are SERIALIZABLE)");
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return TRANSACTION_SERIALIZABLE;
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
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return Collections.emptyMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        throw Unsupported.of("type maps");
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        checkResultSetKind(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, holdability);
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        synchronized (lock) {
            return savepoint(null);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        if (name == null || name.isEmpty()) {
            throw new SQLException("savepoint name is empty", "3B001");
        }
        synchronized (lock) {
            return savepoint(name);
        }
    }

    private Savepoint savepoint(String name) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("savepoints need a transaction: call setAutoCommit(false) first", "25000");
        }
        int id = ++savepointCounter;
        CowsqlSavepoint sp = new CowsqlSavepoint(id, name);
        update("SAVEPOINT " + sp.sqlName(), List.of(), defaultTimeout);
        return sp;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        update("ROLLBACK TO SAVEPOINT " + sqlName(savepoint), List.of(), defaultTimeout);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        update("RELEASE SAVEPOINT " + sqlName(savepoint), List.of(), defaultTimeout);
    }

    private String sqlName(Savepoint savepoint) throws SQLException {
        if (!(savepoint instanceof CowsqlSavepoint)) {
            throw new SQLException("not a savepoint of this driver: " + savepoint, "3B001");
        }
        if (autoCommit) {
            throw new SQLException("savepoints need a transaction: call setAutoCommit(false) first", "25000");
        }
        return ((CowsqlSavepoint) savepoint).sqlName();
    }

    private static final class CowsqlSavepoint implements Savepoint {
        private final int id;
        private final String name;

        CowsqlSavepoint(int id, String name) {
            this.id = id;
            this.name = name;
        }

        String sqlName() {
            return name == null ? "jdbc_sp_" + id : "\"" + name.replace("\"", "\"\"") + "\"";
        }

        @Override
        public int getSavepointId() throws SQLException {
            if (name != null) {
                throw new SQLException("a named savepoint has no id", "3B001");
            }
            return id;
        }

        @Override
        public String getSavepointName() throws SQLException {
            if (name == null) {
                throw new SQLException("an unnamed savepoint has no name", "3B001");
            }
            return name;
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        throw Unsupported.of("createClob: bind a String");
    }

    @Override
    public Blob createBlob() throws SQLException {
        throw Unsupported.of("createBlob: bind a byte[]");
    }

    @Override
    public NClob createNClob() throws SQLException {
        throw Unsupported.of("createNClob: bind a String");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        throw Unsupported.of("createSQLXML");
    }

    /** Runs SELECT 1 on the leader within {@code timeout} seconds (0: the request timeout). */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must be >= 0, got " + timeout, "HY092");
        }
        if (closed) {
            return false;
        }
        Duration t = timeout == 0 ? url.options().requestTimeout() : Duration.ofSeconds(timeout);
        try {
            RowSource rows = query("SELECT 1", List.of(), t);
            try {
                return rows.next();
            } finally {
                rows.close();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        clientInfo.clear();
        if (properties != null) {
            clientInfo.putAll(properties);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties p = new Properties();
        p.putAll(clientInfo);
        return p;
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        throw Unsupported.of("arrays");
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        throw Unsupported.of("structs");
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen(); // one schema ("main"): ignored, as the spec allows
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort: the executor is null", "HY009");
        }
        executor.execute(() -> {
            try {
                close();
            } catch (SQLException ignored) {
                // aborting
            }
        });
    }

    /** Sets the default per-request timeout of this connection's statements. */
    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("timeout must be >= 0, got " + milliseconds, "HY092");
        }
        defaultTimeout = milliseconds == 0 ? url.queryTimeout() : Duration.ofMillis(milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return (int) Math.min(Integer.MAX_VALUE, defaultTimeout.toMillis());
    }


    /** The leader this connection talks to now (null before the first request). */
    public String leaderAddress() throws SQLException {
        synchronized (lock) {
            checkOpen();
            return session.run(CowsqlClient::address);
        }
    }

    @Override
    public String toString() {
        return "CowsqlConnection[" + url + (closed ? ", closed" : "") + "]";
    }
}
