package io.cowsql.client.jdbc;

import java.sql.SQLFeatureNotSupportedException;

/** The exception for every JDBC feature the driver does not have. */
final class Unsupported {
    private Unsupported() {
    }

    static SQLFeatureNotSupportedException of(String what) {
        return new SQLFeatureNotSupportedException("not supported by the cowsql JDBC driver: " + what, "0A000");
    }

    static SQLFeatureNotSupportedException readOnly() {
        return of("updating a result set (result sets are forward-only and read-only; use UPDATE statements)");
    }

    static SQLFeatureNotSupportedException forwardOnly() {
        return of("scrolling (result sets are TYPE_FORWARD_ONLY: use next())");
    }
}
