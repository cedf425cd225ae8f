package io.cowsql.client;

import io.cowsql.client.wire.BodyReader;
import io.cowsql.client.wire.BodyWriter;
import io.cowsql.client.wire.Protocol;
import io.cowsql.client.wire.ProtocolException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Date;
import java.util.List;

/** Java values to and from the protocol's typed values (§6, §7). */
public final class Values {
    private Values() {
    }

    /** How time values are sent: the layout go-cowsql writes, which SQLite's date functions read. */
    private static final DateTimeFormatter ISO8601_OUT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
            .appendOffset("+HH:MM", "+00:00")
            .toFormatter();

    /** Every layout SQLite and go-cowsql accept: date, optional time with ' ' or 'T', fraction and offset. */
    private static final DateTimeFormatter ISO8601_IN = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart()
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter();

    /** The wire type code for a parameter value. */
    public static int typeOf(Object v) throws CowsqlException {
        if (v == null) {
            return Protocol.T_NULL;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) {
            return Protocol.T_INTEGER;
        }
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            return Protocol.T_FLOAT;
        }
        if (v instanceof String || v instanceof Character) {
            return Protocol.T_TEXT;
        }
        if (v instanceof byte[]) {
            return Protocol.T_BLOB;
        }
        if (v instanceof Boolean) {
            return Protocol.T_BOOLEAN;
        }
        if (v instanceof Instant || v instanceof OffsetDateTime || v instanceof ZonedDateTime || v instanceof LocalDateTime
                || v instanceof LocalDate || v instanceof Date) {
            return Protocol.T_ISO8601;
        }
        throw new CowsqlException("parameter of type " + v.getClass().getName() + " is not supported: use Long, Double, "
                + "String, byte[], Boolean, null or a java.time value", CowsqlException.CLIENT_REFUSED);
    }

    /**
     * Appends a parameter tuple. Schema 0 (1-byte count) for up to 255
     * parameters, schema 1 (4-byte count, cowsql only) above that.
     *
     * @return the schema the request must carry
     */
    public static int writeParams(BodyWriter w, List<?> params) throws CowsqlException {
        if (params.isEmpty()) {
            return 0;
        }
        int n = params.size();
        int schema = n > Protocol.MAX_SCHEMA0_PARAMS ? 1 : 0;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = typeOf(params.get(i));
        }
        if (schema == 0) {
            w.uint8(n);
        } else {
            w.uint32(n);
        }
        for (int t : types) {
            w.uint8(t);
        }
        w.pad();
        for (int i = 0; i < n; i++) {
            writeValue(w, types[i], params.get(i));
        }
        return schema;
    }

    private static void writeValue(BodyWriter w, int type, Object v) {
        switch (type) {
            case Protocol.T_NULL:
                w.uint64(0);
                break;
            case Protocol.T_INTEGER:
                w.uint64(((Number) v).longValue());
                break;
            case Protocol.T_FLOAT:
                w.float64(((Number) v).doubleValue());
                break;
            case Protocol.T_TEXT:
                w.text(v.toString());
                break;
            case Protocol.T_BLOB:
                w.blob((byte[]) v);
                break;
            case Protocol.T_BOOLEAN:
                w.uint64(((Boolean) v) ? 1 : 0);
                break;
            case Protocol.T_ISO8601:
                w.text(formatTime(v));
                break;
            default:
                throw new IllegalStateException("unhandled type " + type);
        }
    }

    static String formatTime(Object v) {
        if (v instanceof LocalDate) {
            return v.toString();
        }
        OffsetDateTime t;
        if (v instanceof Instant) {
            t = ((Instant) v).atOffset(ZoneOffset.UTC);
        } else if (v instanceof Date) {
            t = ((Date) v).toInstant().atOffset(ZoneOffset.UTC);
        } else if (v instanceof ZonedDateTime) {
            t = ((ZonedDateTime) v).toOffsetDateTime();
        } else if (v instanceof LocalDateTime) {
            t = ((LocalDateTime) v).atOffset(ZoneOffset.UTC);
        } else {
            t = (OffsetDateTime) v;
        }
        return ISO8601_OUT.format(t);
    }

    /** Parses a date string as the server sends it; {@code null} for the empty string (a NULL, dqlite#882). */
    public static OffsetDateTime parseIso8601(String s) throws ProtocolException {
        if (s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.from(ISO8601_IN.parse(s.trim()));
        } catch (DateTimeParseException e) {
            throw new ProtocolException("cannot parse ISO8601 value '" + s + "' from the server", e);
        }
    }

    /** Reads one value of the given type code from a row. */
    public static Object readValue(BodyReader r, int type, String column) throws ProtocolException {
        switch (type) {
            case Protocol.T_INTEGER:
                return r.uint64(column);
            case Protocol.T_FLOAT:
                return r.float64(column);
            case Protocol.T_TEXT:
                return r.text(column);
            case Protocol.T_BLOB:
                return r.blob(column);
            case Protocol.T_NULL:
                r.uint64(column);
                return null;
            case Protocol.T_UNIXTIME:
                return Instant.ofEpochSecond(r.uint64(column));
            case Protocol.T_ISO8601:
                return parseIso8601(r.text(column));
            case Protocol.T_BOOLEAN:
                // NULL arrives as 0 too (dqlite#882): a BOOLEAN column cannot tell NULL from false.
                return r.uint64(column) != 0;
            default:
                throw new ProtocolException("column " + column + " has unknown value type code " + type);
        }
    }
}
