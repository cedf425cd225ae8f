package io.cowsql.client;

import io.cowsql.client.wire.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Malformed bytes from a server: each gives a clear exception within the
 * request timeout, never a hang, and never an allocation beyond the cap.
 * The only fake server in the project: a real node cannot be made to send these.
 */
class MalformedFrameTest {
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final ClientOptions OPTS = ClientOptions.defaults().withRequestTimeout(TIMEOUT).withMaxFrameBytes(1 << 20);

    /** What the fake node does after it read the handshake and one request. */
    interface Script {
        void run(OutputStream out) throws Exception;
    }

    ServerSocket server;
    Thread serverThread;
    final AtomicReference<Throwable> serverError = new AtomicReference<>();

    String serve(Script script) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        serverThread = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.readNBytes(8); // handshake
                byte[] header = in.readNBytes(8);
                long words = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
                in.readNBytes((int) (words * 8));
                script.run(s.getOutputStream());
                s.getOutputStream().flush();
                // Hold the connection open until the client gives up.
                in.read();
            } catch (Throwable t) {
                if (!(t instanceof IOException)) {
                    serverError.set(t);
                }
            }
        }, "fake-node");
        serverThread.setDaemon(true);
        serverThread.start();
        return "127.0.0.1:" + server.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (serverThread != null) {
            serverThread.join(5000);
        }
        assertThat(serverError.get()).isNull();
    }

    static byte[] header(long words, int type) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) words).put((byte) type).put((byte) 0)
                .putShort((short) 0).array();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** Runs {@code call}, asserting it fails within the timeout and allocates far less than {@code maxAlloc}. */
    static Throwable failsQuickly(CheckedCall call, long maxAlloc) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(thrown).as("the call must fail").isNotNull();
        assertThat(elapsedMs).as("failed within the request timeout (+ slack)").isLessThan(TIMEOUT.toMillis() + 1500);
        assertThat(allocated).as("bytes allocated while failing").isLessThan(maxAlloc);
        return thrown;
    }

    interface CheckedCall {
        void run() throws Exception;
    }

    @Test
    void aFourGibLengthIsRejectedBeforeAnyAllocation() throws Exception {
        String addr = serve(out -> out.write(header(0xFFFFFFFFL, 1)));
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 4L << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("above the configured cap");
            assertThat(c.isClosed()).isTrue();
        }
    }

    @Test
    void aLengthUnderTheCapButNeverSentTimesOutWithoutAllocatingIt() throws Exception {
        // 1 MiB - 8 announced (just under the cap), nothing sent: the buffer must not be allocated up front.
        String addr = serve(out -> out.write(header((1 << 17) - 1, 1)));
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 512 * 1024);
            assertThat(t).isInstanceOf(CowsqlException.class).hasMessageContaining("timed out");
            assertThat(((CowsqlException) t).code()).isEqualTo(CowsqlException.CLIENT_TIMEOUT);
        }
    }

    @Test
    void aTruncatedFrameFollowedByCloseIsAnEofError() throws Exception {
        String addr = serve(out -> {
            out.write(header(3, 1));
            out.write(le64(1));
            out.flush();
            throw new IOException("close now");
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 1 << 20);
            assertThat(t).isInstanceOf(CowsqlException.class).hasMessageContaining("closed by the server");
        }
    }

    @Test
    void aServerThatTricklesBytesCannotHoldTheClientPastTheTimeout() throws Exception {
        String addr = serve(out -> {
            byte[] h = header(2, 1);
            for (int i = 0; i < 40; i++) {
                out.write(h[i % 8]);
                out.flush();
                Thread.sleep(100);
            }
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 1 << 20);
            assertThat(((CowsqlException) t).code()).isEqualTo(CowsqlException.CLIENT_TIMEOUT);
        }
    }

    @Test
    void anUnknownResponseTypeIsAProtocolError() throws Exception {
        String addr = serve(out -> {
            out.write(header(1, 77));
            out.write(le64(0));
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 1 << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("unknown type code 77");
        }
    }

    @Test
    void anUnexpectedButKnownResponseTypeIsAProtocolError() throws Exception {
        String addr = serve(out -> {
            out.write(header(1, 8)); // EMPTY where SERVER is expected
            out.write(le64(0));
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 1 << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("unexpected EMPTY response to LEADER");
        }
    }

    @Test
    void aTextWithoutItsNulIsAProtocolError() throws Exception {
        String addr = serve(out -> {
            out.write(header(2, 1));
            out.write(le64(1));
            out.write("abcdefgh".getBytes());
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 1 << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("no terminating NUL");
        }
    }

    @Test
    void aHugeServerCountIsRejectedWithoutAllocatingIt() throws Exception {
        String addr = serve(out -> {
            out.write(header(1, 3));
            out.write(le64(1L << 40));
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::cluster, 1 << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("SERVERS claims");
        }
    }

    @Test
    void aHugeColumnCountIsRejectedWithoutAllocatingIt() throws Exception {
        String addr = serve(out -> {
            out.write(header(2, 7));
            out.write(le64(1L << 33));
            out.write(le64(-1L));
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(() -> new Rows(c, c.request(io.cowsql.client.wire.Protocol.REQ_QUERY_SQL, 0,
                    new io.cowsql.client.wire.BodyWriter().uint64(0).text("SELECT 1"),
                    io.cowsql.client.wire.Protocol.RESP_ROWS, TIMEOUT, false), TIMEOUT), 1 << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("columns");
        }
    }

    @Test
    void aBlobLongerThanItsBodyIsAProtocolError() throws Exception {
        // ROWS: 1 column "b", one row of type BLOB claiming 1 TiB.
        String addr = serve(out -> {
            out.write(header(5, 7));
            out.write(le64(1));
            out.write(new byte[] {'b', 0, 0, 0, 0, 0, 0, 0});
            out.write(new byte[] {4, 0, 0, 0, 0, 0, 0, 0});
            out.write(le64(1L << 40));
            out.write(le64(-1L));
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(() -> {
                Rows rows = new Rows(c, c.request(io.cowsql.client.wire.Protocol.REQ_QUERY_SQL, 0,
                        new io.cowsql.client.wire.BodyWriter().uint64(0).text("SELECT b"),
                        io.cowsql.client.wire.Protocol.RESP_ROWS, TIMEOUT, false), TIMEOUT);
                rows.next();
            }, 1 << 20);
            assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("blob");
        }
    }

    @Test
    void aFailureResponseBecomesAnExceptionWithTheServersCode() throws Exception {
        String addr = serve(out -> {
            byte[] msg = "no such table: x\0\0\0\0\0\0\0\0".getBytes();
            out.write(header(1 + 3, 0));
            out.write(le64(1));
            out.write(msg, 0, 24);
        });
        try (CowsqlClient c = CowsqlClient.connect(addr, OPTS)) {
            Throwable t = failsQuickly(c::leader, 1 << 20);
            assertThat(t).isInstanceOf(CowsqlException.class).hasMessageContaining("no such table: x");
            assertThat(((CowsqlException) t).code()).isEqualTo(1);
        }
    }

    @Test
    void connectingToNothingFailsFastWithTheAddressInTheMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> CowsqlClient.connect("127.0.0.1:" + port, OPTS))
                .isInstanceOf(CowsqlException.class).hasMessageContaining("127.0.0.1:" + port);
        assertThatThrownBy(() -> CowsqlClient.connect("no-port-here", OPTS))
                .isInstanceOf(CowsqlException.class).hasMessageContaining("expected host:port");
    }
}
