package io.cowsql.client.jdbc;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.HostPort;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed {@code jdbc:cowsql://host1:port,host2:port/dbname?option=value&...} URL.
 * Options (URL or connection properties, the URL wins): durations in
 * milliseconds, sizes in bytes.
 */
public final class JdbcUrl {
    public static final String PREFIX = "jdbc:cowsql:";
    static final String EXAMPLE = "jdbc:cowsql://127.0.0.1:9001,127.0.0.1:9002/app.db?requestTimeout=10000";

    /** Every option the driver understands, with its description (for getPropertyInfo and error messages). */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("connectTimeout", "TCP connect timeout per node, ms (default 2000)");
        OPTIONS.put("requestTimeout", "timeout of one request to the server, ms (default 30000)");
        OPTIONS.put("queryTimeout", "default statement timeout, ms (default: requestTimeout); Statement.setQueryTimeout overrides it");
        OPTIONS.put("retryTimeout", "how long to look for a leader and retry safe requests, ms (default 30000)");
        OPTIONS.put("backoffMin", "first retry delay, ms (default 100)");
        OPTIONS.put("backoffMax", "largest retry delay, ms (default 1000)");
        OPTIONS.put("maxFrameBytes", "largest response the client accepts, bytes (default 134217728)");
        OPTIONS.put("clientId", "id sent in the CLIENT request (informational)");
        OPTIONS.put("user", "ignored (cowsql has no users)");
        OPTIONS.put("password", "ignored (cowsql has no users)");
    }

    private final List<String> addresses;
    private final String database;
    private final ClientOptions options;
    private final Duration queryTimeout;

    private JdbcUrl(List<String> addresses, String database, ClientOptions options, Duration queryTimeout) {
        this.addresses = addresses;
        this.database = database;
        this.options = options;
        this.queryTimeout = queryTimeout;
    }

    public List<String> addresses() {
        return addresses;
    }

    public String database() {
        return database;
    }

    public ClientOptions options() {
        return options;
    }

    /** The default per-statement timeout. */
    public Duration queryTimeout() {
        return queryTimeout;
    }

    public static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** Parses {@code url}; every problem is an SQLException (state 08001) that names it and the fix. */
    public static JdbcUrl parse(String url, Properties info) throws SQLException {
        if (!accepts(url)) {
            throw bad("the URL '" + url + "' does not start with " + PREFIX + "; expected " + EXAMPLE);
        }
        String rest = url.substring(PREFIX.length());
        if (!rest.startsWith("//")) {
            throw bad("the URL '" + url + "' lacks '//' after " + PREFIX + "; expected " + EXAMPLE);
        }
        rest = rest.substring(2);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw bad("the URL '" + url + "' names no database: add '/dbname' after the node addresses, e.g. " + EXAMPLE);
        }
        String hosts = rest.substring(0, slash);
        String database = decode(rest.substring(slash + 1), url);
        if (database.isEmpty()) {
            throw bad("the URL '" + url + "' has an empty database name: add it after the '/', e.g. " + EXAMPLE);
        }
        if (database.contains("/")) {
            throw bad("the database name '" + database + "' in '" + url + "' contains '/': use a plain file name such as app.db");
        }
        if (hosts.isBlank()) {
            throw bad("the URL '" + url + "' names no node: put host:port[,host:port...] after '//', e.g. " + EXAMPLE);
        }
        List<String> addresses = new ArrayList<>();
        for (String h : hosts.split(",", -1)) {
            if (h.isBlank()) {
                throw bad("the node list '" + hosts + "' in '" + url + "' has an empty entry: separate host:port pairs with single commas");
            }
            try {
                HostPort.parse(h);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage() + " in the URL '" + url + "'");
            }
            addresses.add(h.trim());
        }

        Map<String, String> values = new LinkedHashMap<>();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                values.put(canonical(name, "connection property", url), info.getProperty(name));
            }
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw bad("the option '" + pair + "' in '" + url + "' has no value: write name=value, e.g. requestTimeout=10000");
                }
                values.put(canonical(decode(pair.substring(0, eq), url), "URL option", url), decode(pair.substring(eq + 1), url));
            }
        }

        ClientOptions o = ClientOptions.defaults();
        Duration queryTimeout = null;
        long backoffMin = o.backoffMin().toMillis();
        long backoffMax = o.backoffMax().toMillis();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String name = e.getKey();
            String v = e.getValue();
            switch (name) {
                case "connectTimeout":
                    o = o.withConnectTimeout(millis(name, v));
                    break;
                case "requestTimeout":
                    o = o.withRequestTimeout(millis(name, v));
                    break;
                case "queryTimeout":
                    queryTimeout = millis(name, v);
                    break;
                case "retryTimeout":
                    o = o.withRetryTimeout(millis(name, v));
                    break;
                case "backoffMin":
                    backoffMin = millis(name, v).toMillis();
                    break;
                case "backoffMax":
                    backoffMax = millis(name, v).toMillis();
                    break;
                case "maxFrameBytes": {
                    long n = number(name, v, "bytes");
                    if (n < 64) {
                        throw bad("maxFrameBytes=" + v + " is too small: use at least 64 (bytes)");
                    }
                    o = o.withMaxFrameBytes(n);
                    break;
                }
                case "clientId":
                    o = o.withClientId(number(name, v, "a number"));
                    break;
                default:
                    break; // user, password
            }
        }
        if (backoffMax < backoffMin) {
            throw bad("backoffMax=" + backoffMax + " is below backoffMin=" + backoffMin + ": make backoffMax at least backoffMin");
        }
        o = o.withRetryBackoff(Duration.ofMillis(backoffMin), Duration.ofMillis(backoffMax));
        return new JdbcUrl(List.copyOf(addresses), database, o, queryTimeout == null ? o.requestTimeout() : queryTimeout);
    }

    private static String canonical(String name, String what, String url) throws SQLException {
        for (String known : OPTIONS.keySet()) {
            if (known.equalsIgnoreCase(name.trim())) {
                return known;
            }
        }
        throw bad("unknown " + what + " '" + name + "' for '" + url + "': the driver understands " + OPTIONS.keySet());
    }

    private static Duration millis(String name, String v) throws SQLException {
        long n = number(name, v, "milliseconds");
        if (n <= 0) {
            throw bad(name + "=" + v + " must be a positive number of milliseconds, e.g. " + name + "=5000");
        }
        return Duration.ofMillis(n);
    }

    private static long number(String name, String v, String unit) throws SQLException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw bad(name + "=" + v + " is not a number: give " + unit + " as digits, e.g. " + name + "=5000");
        }
    }

    private static String decode(String s, String url) throws SQLException {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("bad %-escape in '" + s + "' of the URL '" + url + "': " + e.getMessage());
        }
    }

    static SQLException bad(String message) {
        return new SQLException("bad cowsql JDBC URL: " + message, "08001");
    }

    @Override
    public String toString() {
        return PREFIX + "//" + String.join(",", addresses) + "/" + database;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
