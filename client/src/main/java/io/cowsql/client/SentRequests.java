package io.cowsql.client;

import io.cowsql.client.wire.Protocol;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the statements (PREPARE, EXEC, QUERY, EXEC_SQL, QUERY_SQL) a client sends to each node,
 * read off the bytes on the wire by a {@link Dialer} that wraps another: it sees every request a
 * connection carries, whichever part of the client sent it, so the count does not depend on the
 * client's own bookkeeping of leaders and failures. The key is the dialled address.
 */
public final class SentRequests {
    private final Map<String, AtomicLong> statements = new ConcurrentHashMap<>();

    /** {@code dialer}, with the statements sent on each of its connections counted here. */
    public Dialer counting(Dialer dialer) {
        return (address, timeout) -> new CountedSocket(dialer.dial(address, timeout),
                statements.computeIfAbsent(address, a -> new AtomicLong()));
    }

    /** Statements sent to {@code address} so far. */
    public long statementsTo(String address) {
        AtomicLong n = statements.get(address);
        return n == null ? 0 : n.get();
    }

    /** Statements sent so far, by dialled address (sorted). */
    public Map<String, Long> statements() {
        Map<String, Long> out = new TreeMap<>();
        statements.forEach((a, n) -> out.put(a, n.get()));
        return out;
    }

    static boolean isStatement(int type) {
        return type == Protocol.REQ_PREPARE || type == Protocol.REQ_EXEC || type == Protocol.REQ_QUERY
                || type == Protocol.REQ_EXEC_SQL || type == Protocol.REQ_QUERY_SQL;
    }

    /**
     * Follows the framing of what is written: an 8-byte protocol handshake, then messages of an
     * 8-byte header (body length in 8-byte words, little endian uint32; type; schema; two unused
     * bytes) and the body. Counts each message whose type is a statement.
     */
    static final class Framing extends FilterOutputStream {
        private final AtomicLong count;
        private long handshakeLeft = 8;
        private final byte[] header = new byte[8];
        private int headerRead;
        private long bodyLeft;

        Framing(OutputStream out, AtomicLong count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            for (int i = off, end = off + len; i < end; ) {
                if (handshakeLeft > 0) {
                    int n = (int) Math.min(handshakeLeft, end - i);
                    handshakeLeft -= n;
                    i += n;
                } else if (bodyLeft > 0) {
                    int n = (int) Math.min(bodyLeft, end - i);
                    bodyLeft -= n;
                    i += n;
                } else {
                    header[headerRead++] = b[i++];
                    if (headerRead == 8) {
                        headerRead = 0;
                        bodyLeft = 8L * ((header[0] & 0xffL) | (header[1] & 0xffL) << 8 | (header[2] & 0xffL) << 16
                                | (header[3] & 0xffL) << 24);
                        if (isStatement(header[4] & 0xff)) {
                            count.incrementAndGet();
                        }
                    }
                }
            }
        }
    }

    /** A connected socket whose output is counted; everything else goes to the socket it wraps. */
    private static final class CountedSocket extends Socket {
        private final Socket inner;
        private final OutputStream out;

        CountedSocket(Socket inner, AtomicLong count) throws IOException {
            this.inner = inner;
            this.out = new Framing(inner.getOutputStream(), count);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return inner.getInputStream();
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            inner.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return inner.getSoTimeout();
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            inner.setTcpNoDelay(on);
        }

        @Override
        public boolean getTcpNoDelay() throws SocketException {
            return inner.getTcpNoDelay();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return inner.getRemoteSocketAddress();
        }

        @Override
        public boolean isConnected() {
            return inner.isConnected();
        }

        @Override
        public boolean isClosed() {
            return inner.isClosed();
        }

        @Override
        public void shutdownInput() throws IOException {
            inner.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            inner.shutdownOutput();
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                inner.close();
            } finally {
                super.close();
            }
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }
}
