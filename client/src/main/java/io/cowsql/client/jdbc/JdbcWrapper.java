package io.cowsql.client.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/** {@link Wrapper} for the driver's objects, which wrap nothing: they unwrap only to what they are. */
interface JdbcWrapper extends Wrapper {
    @Override
    default <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    default boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
