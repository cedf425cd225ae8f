package io.cowsql.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A node address: {@code host:port} with a host name or an IPv4 address, or {@code [ipv6]:port};
 * the port 1-65535. The one grammar for every address the client, the node agent, the operator
 * and the tests read: a cluster address, a bind or HTTP listen address, a join or resolver
 * target. An IPv6 address needs its brackets ({@code a:b:9001} is refused, not guessed). An
 * abstract Unix socket ({@code @name}) is refused: libcowsql can listen on one, but peers, the
 * agent and the client dial every cluster address over TCP, so a node bound to one could not be
 * reached.
 */
public record HostPort(String host, int port) {
    /** The forms {@link #parse} accepts, for error messages. */
    public static final String FORMS = "host:port, IPv4:port or [IPv6]:port with a port 1-65535 "
            + "(e.g. node-0.peers:9001, 127.0.0.1:9001, [::1]:9001)";

    /** Longest host name DNS allows. */
    private static final int MAX_HOST_LENGTH = 253;

    /** Checks the parts: a host name or IPv4 address, or an IPv6 address without brackets; a port 1-65535. */
    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host: expected " + FORMS);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
        if (host.indexOf(':') >= 0) {
            checkIpv6(host);
        } else {
            checkHostName(host);
        }
    }

    /** Parses {@code host:port} or {@code [ipv6]:port} (surrounding blanks ignored); the message names the value and {@link #FORMS}. */
    public static HostPort parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("empty address: expected " + FORMS);
        }
        String a = address.trim();
        if (a.startsWith("@")) {
            throw new IllegalArgumentException("'" + a + "' is an abstract Unix socket, which cowsql nodes are not "
                    + "reached by (peers and clients dial over TCP): use " + FORMS);
        }
        String host;
        String port;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0 || close + 1 >= a.length() || a.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("bad address '" + a + "': expected [IPv6]:port, e.g. [::1]:9001");
            }
            host = a.substring(1, close);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException("bad address '" + a + "': brackets are for an IPv6 address; write "
                        + "a host name or IPv4 address without them, e.g. 127.0.0.1:9001");
            }
            port = a.substring(close + 2);
        } else {
            int colon = a.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("bad address '" + a + "': no port; expected " + FORMS);
            }
            if (a.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("bad address '" + a + "': more than one ':'; write an IPv6 address in "
                        + "brackets, e.g. [::1]:9001, or use " + FORMS);
            }
            host = a.substring(0, colon);
            port = a.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("bad address '" + a + "': no host; expected " + FORMS);
        }
        try {
            return new HostPort(host, port(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad address '" + a + "': " + e.getMessage());
        }
    }

    private static int port(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad port '" + port + "': expected a number 1-65535");
        }
        return Integer.parseInt(port);
    }

    private static void checkIpv6(String host) {
        try {
            // A bracketed literal: the JDK parses it without a name lookup.
            InetAddress.getByName("[" + host + "]");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IPv6 address; expected " + FORMS);
        }
    }

    private static void checkHostName(String host) {
        if (host.length() > MAX_HOST_LENGTH) {
            throw new IllegalArgumentException("host name of " + host.length() + " characters is longer than "
                    + MAX_HOST_LENGTH + "; expected " + FORMS);
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_';
            if (!ok) {
                throw new IllegalArgumentException("host '" + host + "' has the character '" + c + "' at " + i
                        + ": a host name has letters, digits, '-', '_' and '.'; expected " + FORMS);
            }
        }
    }

    /** An unresolved socket address (no name lookup). */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The address as {@link #parse} reads it: an IPv6 host in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
