package io.cowsql.client.jdbc;

import io.cowsql.client.wire.Protocol;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Column names, and types as the first row's wire types show them (SQLite
 * is dynamically typed: another row may differ). With no rows, or a NULL in
 * the first row, the type is {@link Types#NULL}.
 */
final class CowsqlResultSetMetaData implements ResultSetMetaData, JdbcWrapper {
    private final List<String> columns;
    private final int[] types;

    CowsqlResultSetMetaData(List<String> columns, int[] firstRowTypes) {
        this.columns = columns;
        this.types = firstRowTypes;
    }

    private int type(int column) throws SQLException {
        if (column < 1 || column > columns.size()) {
            throw new SQLException("column index " + column + " is out of range 1.." + columns.size(), "07009");
        }
        return types == null ? Protocol.T_NULL : types[column - 1];
    }

    @Override
    public int getColumnCount() {
        return columns.size();
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        type(column);
        return false;
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return type(column) == Protocol.T_TEXT;
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        type(column);
        return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        type(column);
        return false;
    }

    @Override
    public int isNullable(int column) throws SQLException {
        type(column);
        return columnNullableUnknown;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        int t = type(column);
        return t == Protocol.T_INTEGER || t == Protocol.T_FLOAT;
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        switch (type(column)) {
            case Protocol.T_INTEGER:
                return 20;
            case Protocol.T_FLOAT:
                return 25;
            case Protocol.T_BOOLEAN:
                return 5;
            case Protocol.T_UNIXTIME:
            case Protocol.T_ISO8601:
                return 35;
            default:
                return Integer.MAX_VALUE;
        }
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        type(column);
        return columns.get(column - 1);
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return getColumnLabel(column);
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        type(column);
        return "";
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        switch (type(column)) {
            case Protocol.T_INTEGER:
                return 19;
            case Protocol.T_FLOAT:
                return 17;
            default:
                return 0;
        }
    }

    @Override
    public int getScale(int column) throws SQLException {
        type(column);
        return 0;
    }

    @Override
    public String getTableName(int column) throws SQLException {
        type(column);
        return "";
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        type(column);
        return "";
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return Conversions.sqlType(type(column));
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return Conversions.typeName(type(column));
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        type(column);
        return true;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        type(column);
        return false;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        type(column);
        return false;
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return Conversions.className(type(column));
    }

}
