package io.cowsql.client;

import io.cowsql.client.wire.BodyReader;
import io.cowsql.client.wire.Message;
import io.cowsql.client.wire.Protocol;
import io.cowsql.client.wire.ProtocolException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of one query, streamed: only the current ROWS batch is held in
 * memory, and the next batch (PART) is read when the current one runs out.
 * If another request is sent on the same connection before the rows are
 * consumed, the rest is read into memory first so both keep working.
 */
public final class Rows implements AutoCloseable {
    private final CowsqlClient client;
    private final Duration timeout;
    private List<String> columns;
    private BodyReader reader;
    private Object[] current;
    private int[] currentTypes;
    private ArrayDeque<Object[]> buffered;
    private ArrayDeque<int[]> bufferedTypes;
    private boolean done;
    private boolean closed;
    private int batches;

    Rows(CowsqlClient client, Message first, Duration timeout) throws CowsqlException {
        this.client = client;
        this.timeout = timeout;
        startBatch(first);
    }

    private void startBatch(Message m) throws CowsqlException {
        BodyReader r = m.reader();
        long n = r.uint64("column count");
        if (n < 0 || n > r.remaining() / 8) {
            throw fail("ROWS claims " + Long.toUnsignedString(n) + " columns but the body holds at most " + r.remaining() / 8);
        }
        List<String> names = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            names.add(r.text("column name"));
        }
        if (columns == null) {
            columns = Collections.unmodifiableList(names);
        } else if (!columns.equals(names)) {
            throw fail("a ROWS batch changed the columns from " + columns + " to " + names);
        }
        reader = r;
        batches++;
    }

    private CowsqlException fail(String message) {
        done = true;
        return client.protocolError(new ProtocolException(message + " (query on " + client.address() + ")"));
    }

    public List<String> columns() {
        return columns;
    }

    public int columnCount() {
        return columns.size();
    }

    /** How many ROWS messages have arrived so far. */
    public int batches() {
        return batches;
    }

    /** Advances to the next row; false at the end. */
    public boolean next() throws CowsqlException {
        if (closed) {
            throw new CowsqlException("the rows are closed", CowsqlException.CLIENT_REFUSED);
        }
        if (buffered != null) {
            current = buffered.poll();
            currentTypes = bufferedTypes.poll();
            return current != null;
        }
        return readRow();
    }

    private boolean readRow() throws CowsqlException {
        while (true) {
            if (done) {
                current = null;
                return false;
            }
            long marker = reader.peekUint64("row header or end marker");
            if (marker == Protocol.ROWS_DONE) {
                reader.uint64("end marker");
                finish();
                current = null;
                return false;
            }
            if (marker == Protocol.ROWS_PART) {
                reader.uint64("end marker");
                Message m = client.receive(Protocol.REQ_QUERY, timeout, false);
                try {
                    startBatch(client.expect(m, Protocol.REQ_QUERY, Protocol.RESP_ROWS));
                } catch (CowsqlException e) {
                    done = true;
                    client.rowsClosed(this);
                    throw e;
                }
                continue;
            }
            decodeRow();
            return true;
        }
    }

    private void decodeRow() throws CowsqlException {
        int c = columns.size();
        if (c == 0) {
            throw fail("a ROWS batch with no columns has data that is not an end marker");
        }
        int headerBytes = BodyReader.roundup8((c + 1) / 2);
        byte[] header = reader.bytes(headerBytes, "row header");
        int[] types = new int[c];
        Object[] row = new Object[c];
        for (int i = 0; i < c; i++) {
            int b = header[i / 2] & 0xff;
            types[i] = (i % 2 == 0) ? (b & 0x0f) : (b >>> 4);
        }
        for (int i = 0; i < c; i++) {
            row[i] = Values.readValue(reader, types[i], columns.get(i));
        }
        current = row;
        currentTypes = types;
    }

    private void finish() {
        done = true;
        client.rowsClosed(this);
    }

    /** Reads what is left into memory: another request is about to use the connection. */
    void detach() throws CowsqlException {
        if (done || closed) {
            return;
        }
        ArrayDeque<Object[]> rows = new ArrayDeque<>();
        ArrayDeque<int[]> types = new ArrayDeque<>();
        Object[] keep = current;
        int[] keepTypes = currentTypes;
        while (readRow()) {
            rows.add(current);
            types.add(currentTypes);
        }
        current = keep;
        currentTypes = keepTypes;
        buffered = rows;
        bufferedTypes = types;
    }

    private Object[] row() throws CowsqlException {
        if (current == null) {
            throw new CowsqlException("no current row: call next() first", CowsqlException.CLIENT_REFUSED);
        }
        return current;
    }

    private int index(int column) throws CowsqlException {
        if (column < 0 || column >= columns.size()) {
            throw new CowsqlException("column index " + column + " out of range 0.." + (columns.size() - 1),
                    CowsqlException.CLIENT_REFUSED);
        }
        return column;
    }

    /** The value of a column (0-based): Long, Double, String, byte[], null, Boolean, Instant or OffsetDateTime. */
    public Object getObject(int column) throws CowsqlException {
        return row()[index(column)];
    }

    /** The wire type code of a column in the current row (§6). */
    public int typeCode(int column) throws CowsqlException {
        row();
        return currentTypes[index(column)];
    }

    public Long getLong(int column) throws CowsqlException {
        Object v = getObject(column);
        if (v == null) {
            return null;
        }
        if (v instanceof Number) {
            return ((Number) v).longValue();
        }
        if (v instanceof Boolean) {
            return ((Boolean) v) ? 1L : 0L;
        }
        throw new CowsqlException("column " + columns.get(column) + " holds " + v.getClass().getSimpleName()
                + ", not an integer", CowsqlException.CLIENT_REFUSED);
    }

    public String getString(int column) throws CowsqlException {
        Object v = getObject(column);
        return v == null ? null : v instanceof byte[] ? new String((byte[]) v, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }

    /** Consumes the remaining rows into a list (for small results). */
    public List<Object[]> toList() throws CowsqlException {
        List<Object[]> out = new ArrayList<>();
        while (next()) {
            out.add(current.clone());
        }
        return out;
    }

    /** Stops the query: the rest of the result is interrupted and drained so the connection stays usable. */
    @Override
    public void close() throws CowsqlException {
        if (closed) {
            return;
        }
        closed = true;
        if (!done && buffered == null) {
            done = true;
            client.rowsClosed(this);
            client.interrupt(timeout);
        }
        buffered = null;
        bufferedTypes = null;
    }
}
