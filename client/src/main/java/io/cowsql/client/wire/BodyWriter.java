package io.cowsql.client.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds a message body: little-endian integers, NUL-terminated padded text, padded blobs (§3). */
public final class BodyWriter {
    private byte[] buf;
    private int pos;

    public BodyWriter() {
        this(64);
    }

    public BodyWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    public BodyWriter uint8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public BodyWriter uint32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public BodyWriter uint64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public BodyWriter float64(double v) {
        return uint64(Double.doubleToRawLongBits(v));
    }

    public BodyWriter text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == 0) {
                throw new IllegalArgumentException("text contains a NUL byte, which the protocol cannot carry: " + abbreviate(s));
            }
        }
        ensure(b.length + 8);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        buf[pos++] = 0;
        pad();
        return this;
    }

    public BodyWriter blob(byte[] b) {
        uint64(b.length);
        ensure(b.length + 8);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        pad();
        return this;
    }

    public BodyWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    /** Zero bytes up to the next multiple of 8. */
    public BodyWriter pad() {
        int rem = pos % 8;
        if (rem != 0) {
            int n = 8 - rem;
            ensure(n);
            Arrays.fill(buf, pos, pos + n, (byte) 0);
            pos += n;
        }
        return this;
    }

    public int size() {
        return pos;
    }

    public byte[] array() {
        return buf;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
