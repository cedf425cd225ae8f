package io.cowsql.client.wire;

import java.nio.charset.StandardCharsets;

/**
 * Reads a message body that is fully in memory. Every read is bounds-checked
 * against the body, so malformed input raises a {@link ProtocolException}
 * and can never make the client allocate more than the body it already holds.
 */
public final class BodyReader {
    private final byte[] buf;
    private final int end;
    private int pos;
    private final String what;

    public BodyReader(byte[] buf, int length, String what) {
        this.buf = buf;
        this.end = length;
        this.what = what;
    }

    private void need(int n, String field) throws ProtocolException {
        if (n < 0 || pos + n > end || pos + n < 0) {
            throw new ProtocolException(what + ": truncated body reading " + field + " (need " + n
                    + " bytes at offset " + pos + ", body has " + end + ")");
        }
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    public int uint8(String field) throws ProtocolException {
        need(1, field);
        return buf[pos++] & 0xff;
    }

    public long uint32(String field) throws ProtocolException {
        need(4, field);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (long) (buf[pos++] & 0xff) << (8 * i);
        }
        return v;
    }

    public long uint64(String field) throws ProtocolException {
        need(8, field);
        return peekUint64At(pos, field, true);
    }

    /** The next uint64 without consuming it. */
    public long peekUint64(String field) throws ProtocolException {
        need(8, field);
        return peekUint64At(pos, field, false);
    }

    private long peekUint64At(int at, String field, boolean consume) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[at + i] & 0xff) << (8 * i);
        }
        if (consume) {
            pos += 8;
        }
        return v;
    }

    public double float64(String field) throws ProtocolException {
        return Double.longBitsToDouble(uint64(field));
    }

    public String text(String field) throws ProtocolException {
        int nul = -1;
        for (int i = pos; i < end; i++) {
            if (buf[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            throw new ProtocolException(what + ": text field " + field + " has no terminating NUL before the end of the body");
        }
        String s = new String(buf, pos, nul - pos, StandardCharsets.UTF_8);
        int size = roundup8(nul - pos + 1);
        need(size, field + " padding");
        pos += size;
        return s;
    }

    public byte[] blob(String field) throws ProtocolException {
        long len = uint64(field + " length");
        if (len < 0 || len > remaining()) {
            throw new ProtocolException(what + ": blob " + field + " claims " + Long.toUnsignedString(len)
                    + " bytes but only " + remaining() + " remain in the body");
        }
        byte[] b = bytes((int) len, field);
        skip(roundup8((int) len) - (int) len, field + " padding");
        return b;
    }

    public byte[] bytes(int n, String field) throws ProtocolException {
        need(n, field);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    public void skip(int n, String field) throws ProtocolException {
        need(n, field);
        pos += n;
    }

    public static int roundup8(int n) {
        return (n + 7) & ~7;
    }
}
