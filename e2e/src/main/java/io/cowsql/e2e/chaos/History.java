package io.cowsql.e2e.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An operation history, recorded while a run goes and written as it grows, one JSON object per line
 * ({@link Op}), so that a run that dies still leaves its history behind. Thread-safe: every client
 * thread and the nemesis record into the same history, and the order of the lines is the order in
 * which the events were recorded.
 */
public final class History implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<Op> ops = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final BufferedWriter out;
    private long lastWriteAckNanos = -1;

    private History(BufferedWriter out) {
        this.out = out;
    }

    /** A history kept in memory only. */
    public static History inMemory() {
        return new History(null);
    }

    /** A history also written to {@code file} (JSON lines), line by line as events are recorded. */
    public static History writingTo(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return new History(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records the invocation of an operation; returns it (pass it to {@link #complete}). */
    public Op invoke(int process, String f, String key, Long element) {
        return record(Op.Type.INVOKE, process, f, key, element, null, null, null, null, null, null);
    }

    /** Records how {@code invocation} ended. */
    public Op complete(Op invocation, Op.Type type, Long element, List<Long> read, String error) {
        return complete(invocation, type, element, read, error, null);
    }

    /** Records how {@code invocation} ended; {@code node}: the member that acknowledged it (null if none or unknown). */
    public Op complete(Op invocation, Op.Type type, Long element, List<Long> read, String error, String node) {
        if (!type.completes()) {
            throw new IllegalArgumentException("a completion needs ok, fail or info, not " + type);
        }
        return record(type, invocation.process(), invocation.f(), invocation.key(), element, read, error, node,
            invocation.detail(), null, null);
    }

    /**
     * Records that the nemesis starts a step ({@code f}: a fault or {@code heal}): from now on the
     * network is in transition until {@link #nemesisDone}.
     */
    public Op nemesisStart(String f) {
        return record(Op.Type.INVOKE, Op.NEMESIS, f, null, null, null, null, null, null, null, null);
    }

    /** Records that the step {@code start} is in force: what was done, and the network from now on. */
    public Op nemesisDone(Op start, String detail, Map<String, List<String>> reach) {
        return record(Op.Type.OK, Op.NEMESIS, start.f(), null, null, null, null, null, detail, reach, null);
    }

    /** Records that the membership observer asks the leader for the configuration; pass it to {@link #observed}. */
    public Op observeStart() {
        return record(Op.Type.INVOKE, Op.OBSERVER, "members", null, null, null, null, null, null, null, null);
    }

    /** Records the configuration the observer got: {@code voters} by name, {@code detail} every member with its role. */
    public Op observed(Op start, List<String> voters, String detail) {
        return record(Op.Type.OK, Op.OBSERVER, start.f(), null, null, null, null, null, detail, null, voters);
    }

    /** Records that the observer got no configuration ({@code error}: why). */
    public Op observeFailed(Op start, String error) {
        return record(Op.Type.FAIL, Op.OBSERVER, start.f(), null, null, null, error, null, null, null, null);
    }

    private synchronized Op record(Op.Type type, int process, String f, String key, Long element, List<Long> read,
                                   String error, String node, String detail, Map<String, List<String>> reach,
                                   List<String> voters) {
        Op op = new Op(ops.size(), type, process, f, key, element, read, error, node, detail, reach, voters,
            System.nanoTime() - startNanos);
        ops.add(op);
        if (type == Op.Type.OK && op.isWrite() && op.isClient()) {
            lastWriteAckNanos = op.nanos();
        }
        if (out != null) {
            try {
                out.write(JSON.writeValueAsString(op));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return op;
    }

    /** When the latest acknowledged write was recorded (this history's clock), or -1. */
    public synchronized long lastWriteAckNanos() {
        return lastWriteAckNanos;
    }

    /** Now, on this history's clock ({@link Op#nanos}). */
    public long nanosNow() {
        return System.nanoTime() - startNanos;
    }

    /** The events so far, in order. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** Reads a history written by {@link #writingTo}. */
    public static List<Op> read(Path file) {
        List<Op> out = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(line, Op.class));
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + n + " is not a history event: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
