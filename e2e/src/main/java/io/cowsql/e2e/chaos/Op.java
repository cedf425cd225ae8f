package io.cowsql.e2e.chaos;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One event of a history: the invocation or the completion of an operation by a client process, a
 * fault step of the nemesis (process {@link #NEMESIS}), or a look of the membership observer at the
 * cluster's configuration (process {@link #OBSERVER}).
 *
 * @param index   position in the history (0, 1, 2, ...)
 * @param type    invoke, or how the operation ended
 * @param process the logical client process; a process that got an unknown outcome is retired and its
 *                client continues as a new process (its old operation may still be in flight)
 * @param f       what the operation does: {@code add} (set insert), {@code append} (list-append
 *                transaction, which also reads the list), {@code read}, {@code put} / {@code get}
 *                (key/value API), {@code final-read}; for the nemesis the fault ({@code kill},
 *                {@code pause}, {@code partition}, ...) or {@code heal}; for the observer {@code members}
 * @param key     the set, list or key/value namespace the operation touches
 * @param element the unique element written (add, append, put) or looked up (get)
 * @param read    the list read (append, read, final-read), in the server's order; for get the value
 * @param error   why it failed or why its outcome is unknown
 * @param node    an acknowledged write: the member that acknowledged it (the leader the client's
 *                connection was to, or for the key/value API the agent that answered)
 * @param detail  nemesis: what exactly was done (which node, which partition); observer: every member
 *                with its role
 * @param reach   a nemesis completion: the network as it is from then on until the next nemesis
 *                invocation, as each member (the keys are the cluster's members, voters or not) and
 *                the members it can exchange messages with directly, itself included
 * @param voters  an observer completion: the voters of the configuration the leader listed, by name
 *                (one entry per voter); the configuration was in force at some moment between the
 *                observation's invocation and this completion
 * @param nanos   time since the start of the run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Op(long index, Type type, int process, String f, String key, Long element, List<Long> read,
                 String error, String node, String detail, Map<String, List<String>> reach, List<String> voters,
                 long nanos) {
    /** The process number of nemesis events. */
    public static final int NEMESIS = -1;
    /** The process number of the membership observer's events. */
    public static final int OBSERVER = -2;

    /** Invocation, or the outcome of a completed operation. */
    public enum Type {
        /** The operation was sent (or is about to be). */
        INVOKE,
        /** It succeeded. */
        OK,
        /** It certainly did not take effect (the server refused it before running it). */
        FAIL,
        /** Unknown: it may or may not have taken effect (connection broke after sending, timeout). */
        INFO;

        /** Whether this is a completion. */
        public boolean completes() {
            return this != INVOKE;
        }
    }

    public Op {
        read = read == null ? null : List.copyOf(read);
        reach = reach == null ? null : Collections.unmodifiableMap(new TreeMap<>(reach));
        voters = voters == null ? null : List.copyOf(voters);
    }

    /** Whether this event is an operation that writes {@link #element} (add, append, put). */
    @JsonIgnore
    public boolean isWrite() {
        return "add".equals(f) || "append".equals(f) || "put".equals(f);
    }

    @JsonIgnore
    public boolean isNemesis() {
        return process == NEMESIS;
    }

    /** Whether this event is the membership observer's. */
    @JsonIgnore
    public boolean isObserver() {
        return process == OBSERVER;
    }

    /** Whether this event is a client's operation (a workload's or a final read), not the harness's own. */
    @JsonIgnore
    public boolean isClient() {
        return process >= 0;
    }
}
