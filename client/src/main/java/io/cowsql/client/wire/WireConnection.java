package io.cowsql.client.wire;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * One socket speaking the framed protocol (§1, §2): the 8-byte handshake, then
 * one request and its response(s) at a time. Reads honour a deadline for the
 * whole response (a server that trickles bytes cannot hold the client past it)
 * and a cap on the body size, and the body buffer grows only as bytes arrive,
 * so a bogus length cannot make the client allocate memory it never receives.
 */
public final class WireConnection implements Closeable {
    private static final int INITIAL_BODY_CHUNK = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long maxBodyBytes;
    private final String address;
    private byte[] sendBuf = new byte[256];
    /** The header of the message being received (one message at a time). */
    private final byte[] header = new byte[8];
    private volatile boolean closed;
    private long lastActivity = System.nanoTime();

    private WireConnection(Socket socket, String address, long maxBodyBytes) throws IOException {
        this.socket = socket;
        this.address = address;
        this.maxBodyBytes = maxBodyBytes;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Takes over a connected socket and sends the protocol-version handshake. */
    public static WireConnection handshake(Socket socket, String address, long maxBodyBytes) throws IOException {
        socket.setTcpNoDelay(true);
        WireConnection c = new WireConnection(socket, address, maxBodyBytes);
        byte[] hs = new byte[8];
        long v = Protocol.VERSION;
        for (int i = 0; i < 8; i++) {
            hs[i] = (byte) (v >>> (8 * i));
        }
        c.out.write(hs);
        c.out.flush();
        return c;
    }

    public String address() {
        return address;
    }

    /** Sends one request: header (words, type, schema, 0) then the body padded to 8 bytes. */
    public void send(int type, int schema, BodyWriter body) throws IOException {
        body.pad();
        int len = body.size();
        if (len == 0) {
            // Servers expect at least one word; go-cowsql sends an unused zero uint64.
            body.uint64(0);
            len = 8;
        }
        int total = 8 + len;
        if (sendBuf.length < total) {
            sendBuf = new byte[Math.max(total, sendBuf.length * 2)];
        }
        long words = len / 8;
        sendBuf[0] = (byte) words;
        sendBuf[1] = (byte) (words >>> 8);
        sendBuf[2] = (byte) (words >>> 16);
        sendBuf[3] = (byte) (words >>> 24);
        sendBuf[4] = (byte) type;
        sendBuf[5] = (byte) schema;
        sendBuf[6] = 0;
        sendBuf[7] = 0;
        System.arraycopy(body.array(), 0, sendBuf, 8, len);
        out.write(sendBuf, 0, total);
        out.flush();
        lastActivity = System.nanoTime();
    }

    /** Nanoseconds since the last request was sent or response byte read. */
    public long idleNanos() {
        return System.nanoTime() - lastActivity;
    }

    /**
     * Whether the server closed this idle connection (a node that died or
     * restarted meanwhile): waits at most 1 ms for an end of stream. Lets a
     * caller reconnect before sending instead of losing a write to an unknown
     * outcome. Bytes the server sent unasked are a protocol error.
     */
    public boolean closedByPeer() throws ProtocolException {
        if (in instanceof BufferedInputStream) {
            try {
                if (in.available() > 0) {
                    throw new ProtocolException("the server at " + address + " sent " + in.available()
                            + " bytes nobody asked for");
                }
                socket.setSoTimeout(1);
                in.mark(1);
                int b = in.read();
                if (b < 0) {
                    return true;
                }
                in.reset();
                throw new ProtocolException("the server at " + address + " sent bytes nobody asked for");
            } catch (SocketTimeoutException e) {
                return false;
            } catch (ProtocolException e) {
                throw e;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    /**
     * Receives one message, giving up at {@code deadlineNanos} (a {@link System#nanoTime()} value).
     *
     * @throws ProtocolException on a malformed header or an oversized body
     * @throws SocketTimeoutException when the deadline passes
     * @throws EOFException when the server closes the connection
     */
    public Message receive(long deadlineNanos) throws IOException, ProtocolException {
        readFully(header, 0, 8, deadlineNanos, "message header");
        long words = (header[0] & 0xffL) | (header[1] & 0xffL) << 8 | (header[2] & 0xffL) << 16 | (header[3] & 0xffL) << 24;
        int type = header[4] & 0xff;
        int schema = header[5] & 0xff;
        long bytes = words * 8;
        if (bytes > maxBodyBytes || bytes > Integer.MAX_VALUE - 16) {
            throw new ProtocolException("response from " + address + " announces a body of " + bytes
                    + " bytes, above the configured cap of " + maxBodyBytes
                    + " bytes (ClientOptions.withMaxFrameBytes)");
        }
        if (type > Protocol.RESP_METADATA) {
            throw new ProtocolException("response from " + address + " has unknown type code " + type);
        }
        int len = (int) bytes;
        byte[] body = new byte[Math.min(len, INITIAL_BODY_CHUNK)];
        int have = 0;
        while (have < len) {
            if (have == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(len, (long) body.length * 2));
            }
            int n = readSome(body, have, body.length - have, deadlineNanos, Protocol.responseName(type) + " body");
            have += n;
        }
        return new Message(type, schema, body, len);
    }

    private void readFully(byte[] b, int off, int len, long deadlineNanos, String what) throws IOException {
        int have = 0;
        while (have < len) {
            have += readSome(b, off + have, len - have, deadlineNanos, what);
        }
    }

    private int readSome(byte[] b, int off, int len, long deadlineNanos, String what) throws IOException {
        long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (remainingMs <= 0) {
            throw new SocketTimeoutException("timed out waiting for " + what + " from " + address);
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMs));
        int n;
        try {
            n = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("timed out waiting for " + what + " from " + address);
        }
        if (n < 0) {
            throw new EOFException("connection to " + address + " closed by the server while reading " + what);
        }
        lastActivity = System.nanoTime();
        return n;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a broken socket has nothing left to report.
        }
    }
}
