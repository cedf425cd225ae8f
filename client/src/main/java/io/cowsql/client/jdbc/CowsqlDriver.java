package io.cowsql.client.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The cowsql JDBC driver: {@code jdbc:cowsql://host1:port,host2:port/dbname?options}.
 * Registered with {@link DriverManager} through ServiceLoader
 * ({@code META-INF/services/java.sql.Driver}) and when this class loads.
 * See {@link JdbcUrl} for the options.
 */
public final class CowsqlDriver implements Driver {
    public static final String NAME = "cowsql JDBC driver";
    public static final int MAJOR = 0;
    public static final int MINOR = 1;
    public static final String VERSION = MAJOR + "." + MINOR + ".0";

    static {
        try {
            DriverManager.registerDriver(new CowsqlDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Connects to the leader of the cluster and opens the database. Returns
     * null for URLs that are not {@code jdbc:cowsql:} (so DriverManager asks
     * the next driver); a malformed cowsql URL is an SQLException naming the
     * problem.
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        CowsqlConnection c = new CowsqlConnection(JdbcUrl.parse(url, info));
        c.connect();
        return c;
    }

    @Override
    public boolean acceptsURL(String url) {
        return JdbcUrl.accepts(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        List<DriverPropertyInfo> out = new ArrayList<>();
        for (Map.Entry<String, String> e : JdbcUrl.OPTIONS.entrySet()) {
            DriverPropertyInfo p = new DriverPropertyInfo(e.getKey(), info == null ? null : info.getProperty(e.getKey()));
            p.description = e.getValue();
            p.required = false;
            out.add(p);
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return MAJOR;
    }

    @Override
    public int getMinorVersion() {
        return MINOR;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw Unsupported.of("java.util.logging (the driver does not log)");
    }
}
