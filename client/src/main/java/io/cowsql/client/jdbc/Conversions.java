package io.cowsql.client.jdbc;

import io.cowsql.client.Values;
import io.cowsql.client.wire.Protocol;
import io.cowsql.client.wire.ProtocolException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Conversions between the values the client decodes (Long, Double, String,
 * byte[], null, Boolean, Instant, OffsetDateTime) and what JDBC getters and
 * setters deal in.
 *
 * <p>Time semantics: a timestamp is an instant. {@code setTimestamp} sends it
 * as ISO8601 text in UTC; text without an offset is read as UTC (as
 * go-cowsql does); dates ({@code setDate}, {@code LocalDate}) are wall dates
 * ("2024-01-02") and read back as the same date in any JVM time zone.
 */
final class Conversions {
    private Conversions() {
    }

    /** How getString renders a time value: go-cowsql's storage layout. */
    private static final java.time.format.DateTimeFormatter TEXT_TIME = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendOffset("+HH:MM", "+00:00")
            .toFormatter();

    static SQLException cannot(Object v, String target, String column) {
        return new SQLDataException("cannot convert " + describe(v) + " in column " + column + " to " + target, "22018");
    }

    private static String describe(Object v) {
        if (v instanceof byte[]) {
            return "a BLOB of " + ((byte[]) v).length + " bytes";
        }
        String s = String.valueOf(v);
        if (s.length() > 40) {
            s = s.substring(0, 40) + "...";
        }
        return v.getClass().getSimpleName() + " '" + s + "'";
    }

    /** The JDBC-standard Java object for a decoded value: times become java.sql.Timestamp. */
    static Object standard(Object v) {
        if (v instanceof Instant) {
            return Timestamp.from((Instant) v);
        }
        if (v instanceof OffsetDateTime) {
            return Timestamp.from(((OffsetDateTime) v).toInstant());
        }
        return v;
    }

    static String toString(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[]) {
            return new String((byte[]) v, StandardCharsets.UTF_8);
        }
        if (v instanceof OffsetDateTime) {
            return TEXT_TIME.format((OffsetDateTime) v);
        }
        if (v instanceof Instant) {
            return TEXT_TIME.format(((Instant) v).atOffset(ZoneOffset.UTC));
        }
        return v.toString();
    }

    static long toLong(Object v, String column, long min, long max, String target) throws SQLException {
        long n;
        if (v == null) {
            return 0;
        } else if (v instanceof Long) {
            n = (Long) v;
        } else if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d) || d < min || d > max) {
                throw outOfRange(v, target, column);
            }
            n = (long) d;
        } else if (v instanceof Boolean) {
            n = ((Boolean) v) ? 1 : 0;
        } else if (v instanceof String) {
            String s = ((String) v).trim();
            try {
                n = Long.parseLong(s);
            } catch (NumberFormatException e) {
                try {
                    BigDecimal d = new BigDecimal(s);
                    if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
                        throw outOfRange(v, target, column);
                    }
                    n = d.longValue();
                } catch (NumberFormatException e2) {
                    throw cannot(v, target, column);
                }
            }
        } else if (v instanceof Instant) {
            n = ((Instant) v).getEpochSecond();
        } else if (v instanceof OffsetDateTime) {
            n = ((OffsetDateTime) v).toEpochSecond();
        } else {
            throw cannot(v, target, column);
        }
        if (n < min || n > max) {
            throw outOfRange(v, target, column);
        }
        return n;
    }

    private static SQLException outOfRange(Object v, String target, String column) {
        return new SQLDataException("value " + v + " in column " + column + " is out of range for " + target, "22003");
    }

    static double toDouble(Object v, String column) throws SQLException {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Boolean) {
            return ((Boolean) v) ? 1 : 0;
        }
        if (v instanceof String) {
            try {
                return Double.parseDouble(((String) v).trim());
            } catch (NumberFormatException e) {
                throw cannot(v, "double", column);
            }
        }
        throw cannot(v, "double", column);
    }

    static BigDecimal toBigDecimal(Object v, String column) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof Long) {
            return BigDecimal.valueOf((Long) v);
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw cannot(v, "BigDecimal", column);
            }
            return BigDecimal.valueOf(d);
        }
        if (v instanceof Boolean) {
            return ((Boolean) v) ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof String) {
            try {
                return new BigDecimal(((String) v).trim());
            } catch (NumberFormatException e) {
                throw cannot(v, "BigDecimal", column);
            }
        }
        throw cannot(v, "BigDecimal", column);
    }

    static boolean toBoolean(Object v, String column) throws SQLException {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof Long) {
            return (Long) v != 0;
        }
        if (v instanceof Double) {
            return (Double) v != 0;
        }
        if (v instanceof String) {
            String s = ((String) v).trim();
            if (s.equalsIgnoreCase("true") || s.equals("1")) {
                return true;
            }
            if (s.equalsIgnoreCase("false") || s.equals("0")) {
                return false;
            }
            try {
                return Double.parseDouble(s) != 0;
            } catch (NumberFormatException e) {
                throw cannot(v, "boolean", column);
            }
        }
        throw cannot(v, "boolean", column);
    }

    static byte[] toBytes(Object v, String column) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof String) {
            return ((String) v).getBytes(StandardCharsets.UTF_8);
        }
        throw cannot(v, "byte[]", column);
    }

    /** A time value as an OffsetDateTime: times, ISO8601 text, and integers as Unix seconds. */
    static OffsetDateTime toOffsetDateTime(Object v, String column) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof OffsetDateTime) {
            return (OffsetDateTime) v;
        }
        if (v instanceof Instant) {
            return ((Instant) v).atOffset(ZoneOffset.UTC);
        }
        if (v instanceof Long) {
            return Instant.ofEpochSecond((Long) v).atOffset(ZoneOffset.UTC);
        }
        if (v instanceof String) {
            String s = ((String) v).trim();
            try {
                OffsetDateTime t = Values.parseIso8601(s);
                if (t != null) {
                    return t;
                }
            } catch (ProtocolException e) {
                // fall through
            }
        }
        throw cannot(v, "a date/time", column);
    }

    static Timestamp toTimestamp(Object v, String column) throws SQLException {
        OffsetDateTime t = toOffsetDateTime(v, column);
        return t == null ? null : Timestamp.from(t.toInstant());
    }

    static Date toDate(Object v, String column) throws SQLException {
        if (v instanceof String) {
            try {
                return Date.valueOf(LocalDate.parse(((String) v).trim()));
            } catch (DateTimeParseException e) {
                // a date-time: fall through
            }
        }
        OffsetDateTime t = toOffsetDateTime(v, column);
        return t == null ? null : Date.valueOf(t.toLocalDate());
    }

    static LocalTime toLocalTime(Object v, String column) throws SQLException {
        if (v instanceof String) {
            try {
                return LocalTime.parse(((String) v).trim());
            } catch (DateTimeParseException e) {
                // a date-time: fall through
            }
        }
        OffsetDateTime t = toOffsetDateTime(v, column);
        return t == null ? null : t.toLocalTime();
    }

    static Time toTime(Object v, String column) throws SQLException {
        LocalTime t = toLocalTime(v, column);
        return t == null ? null : Time.valueOf(t);
    }

    /** getObject(column, type). */
    @SuppressWarnings("unchecked")
    static <T> T to(Object v, Class<T> type, String column) throws SQLException {
        if (type == null) {
            throw new SQLException("getObject: the type is null");
        }
        if (v == null) {
            return null;
        }
        Object out;
        if (type == Object.class) {
            out = standard(v);
        } else if (type == String.class) {
            out = toString(v);
        } else if (type == Long.class || type == long.class) {
            out = toLong(v, column, Long.MIN_VALUE, Long.MAX_VALUE, "long");
        } else if (type == Integer.class || type == int.class) {
            out = (int) toLong(v, column, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
        } else if (type == Short.class || type == short.class) {
            out = (short) toLong(v, column, Short.MIN_VALUE, Short.MAX_VALUE, "short");
        } else if (type == Byte.class || type == byte.class) {
            out = (byte) toLong(v, column, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
        } else if (type == Double.class || type == double.class) {
            out = toDouble(v, column);
        } else if (type == Float.class || type == float.class) {
            out = (float) toDouble(v, column);
        } else if (type == BigDecimal.class) {
            out = toBigDecimal(v, column);
        } else if (type == BigInteger.class) {
            out = toBigDecimal(v, column).toBigInteger();
        } else if (type == Boolean.class || type == boolean.class) {
            out = toBoolean(v, column);
        } else if (type == byte[].class) {
            out = toBytes(v, column);
        } else if (type == Timestamp.class) {
            out = toTimestamp(v, column);
        } else if (type == Date.class) {
            out = toDate(v, column);
        } else if (type == Time.class) {
            out = toTime(v, column);
        } else if (type == java.util.Date.class) {
            out = toTimestamp(v, column);
        } else if (type == Instant.class) {
            out = toOffsetDateTime(v, column).toInstant();
        } else if (type == OffsetDateTime.class) {
            out = toOffsetDateTime(v, column);
        } else if (type == ZonedDateTime.class) {
            out = toOffsetDateTime(v, column).toZonedDateTime();
        } else if (type == LocalDateTime.class) {
            out = toOffsetDateTime(v, column).toLocalDateTime();
        } else if (type == LocalDate.class) {
            out = toDate(v, column).toLocalDate();
        } else if (type == LocalTime.class) {
            out = toLocalTime(v, column);
        } else if (type == OffsetTime.class) {
            out = toOffsetDateTime(v, column).toOffsetTime();
        } else if (type == UUID.class) {
            try {
                out = UUID.fromString(toString(v).trim());
            } catch (IllegalArgumentException e) {
                throw cannot(v, "UUID", column);
            }
        } else if (type.isInstance(v)) {
            out = v;
        } else {
            throw new java.sql.SQLFeatureNotSupportedException("getObject: conversion to " + type.getName()
                    + " is not supported; use String, Long, Integer, Double, BigDecimal, Boolean, byte[], a java.sql or java.time type");
        }
        return (T) out;
    }

    /** A parameter value for the wire: what {@link Values#typeOf} accepts. */
    static Object param(Object x) throws SQLException {
        if (x == null || x instanceof Long || x instanceof Double || x instanceof String || x instanceof byte[]
                || x instanceof Boolean) {
            return x;
        }
        if (x instanceof Integer || x instanceof Short || x instanceof Byte) {
            return ((Number) x).longValue();
        }
        if (x instanceof Float) {
            return ((Float) x).doubleValue();
        }
        if (x instanceof BigInteger) {
            BigInteger b = (BigInteger) x;
            return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
        }
        if (x instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) x;
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                return d.toPlainString();
            }
        }
        if (x instanceof Character || x instanceof UUID || x instanceof StringBuilder || x instanceof StringBuffer) {
            return x.toString();
        }
        if (x instanceof Date) {
            return ((Date) x).toLocalDate();
        }
        if (x instanceof Time) {
            return ((Time) x).toLocalTime().toString();
        }
        if (x instanceof Timestamp) {
            return ((Timestamp) x).toInstant();
        }
        if (x instanceof java.util.Date) {
            return ((java.util.Date) x).toInstant();
        }
        if (x instanceof LocalTime || x instanceof OffsetTime) {
            return x.toString();
        }
        if (x instanceof Instant || x instanceof OffsetDateTime || x instanceof ZonedDateTime
                || x instanceof LocalDateTime || x instanceof LocalDate) {
            return x;
        }
        throw new java.sql.SQLFeatureNotSupportedException("parameters of type " + x.getClass().getName()
                + " are not supported: use a number, String, byte[], Boolean, null, or a java.sql / java.time value");
    }

    /** setObject(index, x, targetSqlType). */
    static Object param(Object x, int sqlType) throws SQLException {
        if (x == null) {
            return null;
        }
        String col = "parameter";
        switch (sqlType) {
            case Types.BIT:
            case Types.BOOLEAN:
                return toBoolean(param(x) instanceof Boolean ? x : plain(x), col);
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
                return toLong(plain(x), col, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE:
                return toDouble(plain(x), col);
            case Types.DECIMAL:
            case Types.NUMERIC:
                return param(toBigDecimal(plain(x), col));
            case Types.CHAR:
            case Types.VARCHAR:
            case Types.LONGVARCHAR:
            case Types.NCHAR:
            case Types.NVARCHAR:
            case Types.LONGNVARCHAR:
            case Types.CLOB:
                return x instanceof byte[] ? new String((byte[]) x, StandardCharsets.UTF_8) : toString(plain(param(x)));
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                return toBytes(x instanceof byte[] ? x : toString(plain(param(x))), col);
            case Types.DATE:
                return x instanceof String ? LocalDate.parse(((String) x).trim()) : toDate(plain(param(x)), col).toLocalDate();
            case Types.TIME:
            case Types.TIME_WITH_TIMEZONE:
                return x instanceof String ? x : toLocalTime(plain(param(x)), col).toString();
            case Types.TIMESTAMP:
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return toOffsetDateTime(plain(param(x)), col);
            case Types.NULL:
                return null;
            case Types.OTHER:
            case Types.JAVA_OBJECT:
                return param(x);
            default:
                throw new java.sql.SQLFeatureNotSupportedException("setObject with target SQL type " + sqlType
                        + " is not supported");
        }
    }

    /** Reduces a parameter value to one of the decoded kinds, for the converters above. */
    private static Object plain(Object x) throws SQLException {
        Object p = param(x);
        if (p instanceof LocalDate) {
            return p.toString();
        }
        if (p instanceof LocalDateTime) {
            return ((LocalDateTime) p).atOffset(ZoneOffset.UTC);
        }
        if (p instanceof ZonedDateTime) {
            return ((ZonedDateTime) p).toOffsetDateTime();
        }
        return p;
    }

    /** JDBC type for a wire type code (§6). */
    static int sqlType(int code) {
        switch (code) {
            case Protocol.T_INTEGER:
                return Types.BIGINT;
            case Protocol.T_FLOAT:
                return Types.DOUBLE;
            case Protocol.T_TEXT:
                return Types.VARCHAR;
            case Protocol.T_BLOB:
                return Types.VARBINARY;
            case Protocol.T_UNIXTIME:
            case Protocol.T_ISO8601:
                return Types.TIMESTAMP;
            case Protocol.T_BOOLEAN:
                return Types.BOOLEAN;
            default:
                return Types.NULL;
        }
    }

    static String typeName(int code) {
        switch (code) {
            case Protocol.T_INTEGER:
                return "INTEGER";
            case Protocol.T_FLOAT:
                return "FLOAT";
            case Protocol.T_TEXT:
                return "TEXT";
            case Protocol.T_BLOB:
                return "BLOB";
            case Protocol.T_UNIXTIME:
                return "UNIXTIME";
            case Protocol.T_ISO8601:
                return "ISO8601";
            case Protocol.T_BOOLEAN:
                return "BOOLEAN";
            default:
                return "NULL";
        }
    }

    static String className(int code) {
        switch (code) {
            case Protocol.T_INTEGER:
                return Long.class.getName();
            case Protocol.T_FLOAT:
                return Double.class.getName();
            case Protocol.T_TEXT:
                return String.class.getName();
            case Protocol.T_BLOB:
                return byte[].class.getName();
            case Protocol.T_UNIXTIME:
            case Protocol.T_ISO8601:
                return Timestamp.class.getName();
            case Protocol.T_BOOLEAN:
                return Boolean.class.getName();
            default:
                return Object.class.getName();
        }
    }
}
