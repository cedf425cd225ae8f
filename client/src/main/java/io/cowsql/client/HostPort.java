package io.cowsql.client;

/** A parsed {@code host:port}, {@code [v6]:port} address. */
public record HostPort(String host, int port) {
    public static HostPort parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("empty address: expected host:port");
        }
        String a = address.trim();
        if (a.startsWith("@")) {
            throw new IllegalArgumentException("abstract Unix socket address '" + a + "' is not supported by the Java client: use host:port");
        }
        String host;
        String port;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0 || close + 1 >= a.length() || a.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("bad address '" + a + "': expected [ipv6]:port");
            }
            host = a.substring(1, close);
            port = a.substring(close + 2);
        } else {
            int colon = a.lastIndexOf(':');
            if (colon <= 0 || colon == a.length() - 1 || a.indexOf(':') != colon) {
                throw new IllegalArgumentException("bad address '" + a + "': expected host:port (e.g. 127.0.0.1:9001)");
            }
            host = a.substring(0, colon);
            port = a.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + port + "' in address '" + a + "': expected a number 1-65535");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " in address '" + a + "' is out of range 1-65535");
        }
        return new HostPort(host, p);
    }
}
