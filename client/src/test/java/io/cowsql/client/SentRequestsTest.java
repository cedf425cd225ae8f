package io.cowsql.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.wire.Protocol;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SentRequestsTest {
    /** The bytes of one message as the wire carries it: header, then a body of {@code words} words. */
    static byte[] message(int type, int words) {
        byte[] m = new byte[8 + 8 * words];
        m[0] = (byte) words;
        m[1] = (byte) (words >>> 8);
        m[4] = (byte) type;
        // A body that looks like headers of statements, so a lost frame boundary would miscount.
        for (int i = 8; i < m.length; i += 8) {
            m[i + 4] = (byte) Protocol.REQ_EXEC;
        }
        return m;
    }

    @Test
    void onlyStatementsAreCountedWhateverTheWritesLookLike() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}); // handshake
        all.write(message(Protocol.REQ_CLIENT, 1));
        all.write(message(Protocol.REQ_LEADER, 1));
        all.write(message(Protocol.REQ_PREPARE, 3));
        all.write(message(Protocol.REQ_EXEC, 300));
        all.write(message(Protocol.REQ_FINALIZE, 1));
        all.write(message(Protocol.REQ_QUERY_SQL, 2));
        byte[] bytes = all.toByteArray();
        for (int chunk : new int[] {1, 3, 7, 8, 13, bytes.length}) {
            AtomicLong n = new AtomicLong();
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            try (SentRequests.Framing f = new SentRequests.Framing(copy, n)) {
                for (int i = 0; i < bytes.length; i += chunk) {
                    f.write(bytes, i, Math.min(chunk, bytes.length - i));
                }
            }
            assertThat(n.get()).as("written in chunks of %d bytes", chunk).isEqualTo(3);
            assertThat(copy.toByteArray()).isEqualTo(bytes);
        }
    }
}
