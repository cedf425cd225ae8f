package io.cowsql.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Opens the socket to a node (go-cowsql's {@code DialFunc}). The address is
 * the dialable one, after the {@link AddressResolver} ran.
 */
@FunctionalInterface
public interface Dialer {
    Socket dial(String address, Duration timeout) throws IOException;

    /** Plain TCP to {@code host:port} or {@code [v6]:port}. */
    static Dialer tcp() {
        return (address, timeout) -> {
            HostPort hp = HostPort.parse(address);
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(hp.host(), hp.port()), (int) Math.max(1, timeout.toMillis()));
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        };
    }
}
