package io.cowsql.client.shell;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Values printed the way go-cowsql's Go {@code cowsql} shell prints them (Go's
 * {@code %v} of what go-cowsql's driver returns), and Go's indented JSON.
 */
final class GoFormat {
    private GoFormat() {
    }

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    /** One column value: int64, float64, string, []byte, nil, bool, time.Time. */
    static String value(Object v, ZoneId local) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof Double) {
            return formatFloat((Double) v);
        }
        if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < b.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(b[i] & 0xff);
            }
            return sb.append(']').toString();
        }
        if (v instanceof Instant) {
            // UNIXTIME: go-cowsql returns time.Unix(s, 0), in the local zone.
            return time(((Instant) v).atZone(local));
        }
        if (v instanceof OffsetDateTime) {
            // ISO8601: parsed in UTC; an offset other than zero gets a nameless fixed zone.
            OffsetDateTime t = (OffsetDateTime) v;
            return t.getOffset().equals(ZoneOffset.UTC) ? time(t.atZoneSameInstant(ZoneId.of("UTC")))
                    : time(t.toZonedDateTime());
        }
        return v.toString(); // Long, String, Boolean
    }

    /** Go's time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
    static String time(ZonedDateTime t) {
        StringBuilder sb = new StringBuilder(DATE_TIME.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            String f = String.format(Locale.ROOT, "%09d", nanos);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        int offset = t.getOffset().getTotalSeconds();
        String numeric = numericOffset(offset);
        sb.append(' ').append(numeric).append(' ');
        ZoneId zone = t.getZone();
        if (zone instanceof ZoneOffset) {
            sb.append(numeric); // a zone without a name prints its offset again
        } else if (zone.getId().equals("UTC") || zone.getId().equals("Etc/UTC") || zone.getId().equals("Z")) {
            sb.append("UTC");
        } else {
            sb.append(DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(t));
        }
        return sb.toString();
    }

    private static String numericOffset(int seconds) {
        char sign = seconds < 0 ? '-' : '+';
        int abs = Math.abs(seconds);
        return String.format(Locale.ROOT, "%c%02d%02d", sign, abs / 3600, (abs / 60) % 60);
    }

    /** Go's %v of a float64: strconv 'g' with the shortest digits that round-trip, exponent form when it is < -4 or >= 6. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        boolean neg = d < 0;
        double abs = Math.abs(d);
        String e = null;
        for (int p = 1; p <= 17; p++) {
            e = String.format(Locale.ROOT, "%." + (p - 1) + "e", abs);
            if (Double.parseDouble(e) == abs) {
                break;
            }
        }
        int ePos = e.indexOf('e');
        String mantissa = e.substring(0, ePos).replace(".", "");
        int exp = Integer.parseInt(e.substring(ePos + 1));
        int end = mantissa.length();
        while (end > 1 && mantissa.charAt(end - 1) == '0') {
            end--;
        }
        String digits = mantissa.substring(0, end);
        int nd = digits.length();
        int dp = exp + 1;
        StringBuilder sb = new StringBuilder();
        if (neg) {
            sb.append('-');
        }
        if (exp < -4 || exp >= 6) {
            // %e: d.ddde±XX
            sb.append(digits.charAt(0));
            if (nd > 1) {
                sb.append('.').append(digits, 1, nd);
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
            return sb.toString();
        }
        // %f with the digits needed.
        if (dp <= 0) {
            sb.append("0.");
            sb.append("0".repeat(-dp));
            sb.append(digits);
        } else if (dp >= nd) {
            sb.append(digits).append("0".repeat(dp - nd));
        } else {
            sb.append(digits, 0, dp).append('.').append(digits, dp, nd);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------ JSON, as json.Marshal then json.Indent(.., "", "\t")

    /** An ordered JSON object of strings and numbers. */
    static String object(Map<String, Object> fields, int depth) {
        String pad = "\t".repeat(depth + 1);
        StringBuilder sb = new StringBuilder("{");
        if (fields.isEmpty()) {
            return "{}";
        }
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            sb.append(first ? "\n" : ",\n").append(pad).append(string(e.getKey())).append(": ");
            Object v = e.getValue();
            sb.append(v instanceof String ? string((String) v) : String.valueOf(v));
            first = false;
        }
        return sb.append('\n').append("\t".repeat(depth)).append('}').toString();
    }

    static String array(List<Map<String, Object>> items) {
        if (items.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "\n\t" : ",\n\t").append(object(items.get(i), 1));
        }
        return sb.append("\n]").toString();
    }

    /** A JSON string as Go's encoder writes it (HTML-safe). */
    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '<':
                case '>':
                case '&':
                case '\u2028':
                case '\u2029':
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
