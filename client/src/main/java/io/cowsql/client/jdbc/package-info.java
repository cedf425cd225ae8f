/**
 * The cowsql JDBC driver.
 *
 * <pre>
 * jdbc:cowsql://host1:port,host2:port/dbname?option=value&amp;...
 * </pre>
 *
 * <p>Options (in the URL or as connection properties; the URL wins):
 * {@code connectTimeout}, {@code requestTimeout}, {@code queryTimeout} (the
 * default statement timeout; {@code Statement.setQueryTimeout} overrides it),
 * {@code retryTimeout}, {@code backoffMin}, {@code backoffMax} (all in
 * milliseconds), {@code maxFrameBytes} (bytes), {@code clientId}; {@code user}
 * and {@code password} are ignored. A malformed URL is an SQLException
 * (SQLState 08001) that names the problem and the fix.
 *
 * <p>Semantics worth knowing:
 * <ul>
 * <li>A connection is one {@link io.cowsql.client.LeaderSession}: it follows
 * the leader. In auto-commit mode a statement is re-sent to a new leader only
 * when the old one certainly did not run it; a write whose outcome is unknown
 * fails with SQLState 08007 and is never repeated silently.</li>
 * <li>Auto-commit off: {@code BEGIN} before the first statement, then
 * everything on that one server connection until commit/rollback. If that
 * connection breaks the server has rolled back: statements fail with SQLState
 * 40003 until {@code rollback()}.</li>
 * <li>Parameters are bound on the client and sent with the SQL (EXEC_SQL /
 * QUERY_SQL), at most 255 per statement against dqlite 1.11 nodes.</li>
 * <li>Result sets are forward-only and read-only and stream batch by batch;
 * their metadata types come from the first row's wire types.</li>
 * <li>Times: a timestamp is an instant, written as ISO8601 text in UTC; text
 * without an offset reads as UTC; dates are wall dates ("2024-01-02"). A NULL
 * in a BOOLEAN column reads as false (dqlite#882).</li>
 * <li>Generated keys: the last insert id of each INSERT/REPLACE (one per
 * statement or batch entry), in a column named {@code GENERATED_KEY}.</li>
 * <li>SQL containing {@code RETURNING} is refused before anything is sent (it
 * aborts the node).</li>
 * <li>DatabaseMetaData: product (cowsql, SQLite's version) and driver
 * versions, capabilities, getTables, getColumns, getPrimaryKeys,
 * getIndexInfo, getImportedKeys, getTypeInfo; no catalogs or schemas.</li>
 * <li>What is not supported throws {@link java.sql.SQLFeatureNotSupportedException}.</li>
 * </ul>
 */
package io.cowsql.client.jdbc;
