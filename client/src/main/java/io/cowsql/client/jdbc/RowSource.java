package io.cowsql.client.jdbc;

import io.cowsql.client.Rows;

import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;

/** Where a result set's rows come from: a streamed query, or a small list built by the driver. */
interface RowSource {
    List<String> columns();

    /** Advances; false at the end. */
    boolean next() throws SQLException;

    Object[] row();

    int[] types();

    void close() throws SQLException;

    /** Streams a query's {@link Rows}, copying each row as it comes. */
    static RowSource of(Rows rows, Object lock) {
        return new RowSource() {
            private Object[] row;
            private int[] types;

            @Override
            public List<String> columns() {
                return rows.columns();
            }

            @Override
            public boolean next() throws SQLException {
                synchronized (lock) {
                    try {
                        return advance();
                    } catch (io.cowsql.client.CowsqlException e) {
                        throw Jdbc.translate(e);
                    }
                }
            }

            private boolean advance() throws SQLException {
                {
                    if (!rows.next()) {
                        row = null;
                        types = null;
                        return false;
                    }
                    int n = rows.columnCount();
                    row = new Object[n];
                    types = new int[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rows.getObject(i);
                        types[i] = rows.typeCode(i);
                    }
                    return true;
                }
            }

            @Override
            public Object[] row() {
                return row;
            }

            @Override
            public int[] types() {
                return types;
            }

            @Override
            public void close() throws SQLException {
                synchronized (lock) {
                    try {
                        rows.close();
                    } catch (io.cowsql.client.CowsqlException e) {
                        if (!e.isConnectionBroken()) {
                            throw Jdbc.translate(e);
                        }
                        // the connection is gone, and the query with it
                    }
                }
            }
        };
    }

    /** Rows the driver made itself; the types are given per column. */
    static RowSource of(List<String> columns, int[] columnTypes, List<Object[]> data) {
        Iterator<Object[]> it = data.iterator();
        return new RowSource() {
            private Object[] row;

            @Override
            public List<String> columns() {
                return columns;
            }

            @Override
            public boolean next() {
                row = it.hasNext() ? it.next() : null;
                return row != null;
            }

            @Override
            public Object[] row() {
                return row;
            }

            @Override
            public int[] types() {
                return columnTypes;
            }

            @Override
            public void close() {
                row = null;
            }
        };
    }
}
