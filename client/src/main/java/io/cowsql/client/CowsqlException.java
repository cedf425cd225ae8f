package io.cowsql.client;

import java.sql.SQLException;

/**
 * An error from a cowsql node or from the client. {@link #code()} is the
 * server's FAILURE code (a SQLite extended result code) or one of the
 * negative client-side codes below.
 */
public class CowsqlException extends SQLException {
    private static final long serialVersionUID = 1L;

    /** Malformed bytes on the wire. */
    public static final int CLIENT_PROTOCOL = -1;
    /** A network error: refused, reset, closed by the server. */
    public static final int CLIENT_IO = -2;
    /** A request or connect timeout. */
    public static final int CLIENT_TIMEOUT = -3;
    /** The client refused the request before sending anything (it would harm the node, or is invalid). */
    public static final int CLIENT_REFUSED = -4;
    /** No leader could be found within the retry timeout. */
    public static final int CLIENT_NO_LEADER = -5;
    /** The connection failed after a write was sent: it may or may not have been applied. */
    public static final int CLIENT_OUTCOME_UNKNOWN = -6;

    public static final int SQLITE_BUSY = 5;
    public static final int SQLITE_NOTFOUND = 12;
    public static final int SQLITE_ROW = 100;
    public static final int NOT_LEADER = 10250;
    public static final int LEADERSHIP_LOST = 10506;
    public static final int NOT_LEADER_LEGACY = 8202;
    public static final int LEADERSHIP_LOST_LEGACY = 8458;
    public static final int PARSE_ERROR = 1005;

    private final int code;
    private final String serverMessage;

    public CowsqlException(String message, String sqlState, int code, Throwable cause) {
        this(message, sqlState, code, cause, null);
    }

    private CowsqlException(String message, String sqlState, int code, Throwable cause, String serverMessage) {
        super(message, sqlState, code, cause);
        this.code = code;
        this.serverMessage = serverMessage;
    }

    public CowsqlException(String message, int code) {
        this(message, sqlStateFor(code), code, null);
    }

    /**
     * raft's RAFT_NOTLEADER (7 in raft.h): libcowsql 1.15 passes it through untranslated when raft_apply refuses a
     * write synchronously because the node is not the leader, or a leadership transfer is under way (a rolling
     * restart's handover): nothing was appended, so it is a NOT_LEADER refusal. It shares 7 with SQLITE_NOMEM, whose
     * message is always SQLite's "out of memory": that one is left as it is.
     */
    static final int RAFT_NOTLEADER = 7;
    private static final String SQLITE_NOMEM_MESSAGE = "out of memory";

    /** A FAILURE response from the server. */
    public static CowsqlException failure(long code, String message, String request, String address) {
        int c = code == RAFT_NOTLEADER && !SQLITE_NOMEM_MESSAGE.equals(message) ? NOT_LEADER : (int) code;
        return new CowsqlException(message + " (" + request + " on " + address + ", code " + code + ")", sqlStateFor(c), c, null,
                message);
    }

    /** The text of the server's FAILURE response alone (the shell prints it as the Go shell does); empty for a client-side error. */
    public java.util.Optional<String> serverMessage() {
        return java.util.Optional.ofNullable(serverMessage);
    }

    public int code() {
        return code;
    }

    /** True when the node is no longer (or not) the leader: reconnect to the new leader. */
    public boolean isLeaderChange() {
        return code == NOT_LEADER || code == NOT_LEADER_LEGACY || code == LEADERSHIP_LOST || code == LEADERSHIP_LOST_LEGACY;
    }

    /**
     * True when the request can be sent again on a fresh connection to the
     * leader without risk of applying it twice: the server did not run it.
     */
    public boolean isSafeToRetry() {
        return code == NOT_LEADER || code == NOT_LEADER_LEGACY || isBusy() || code == SQLITE_NOTFOUND
                || code == CLIENT_IO || code == CLIENT_TIMEOUT || code == CLIENT_NO_LEADER;
    }

    /**
     * SQLITE_BUSY or one of its extended codes: another write transaction or
     * a configuration change holds the database; nothing ran, try again shortly.
     */
    public boolean isBusy() {
        return code > 0 && (code & 0xff) == SQLITE_BUSY;
    }

    /** True when the connection that produced this error must be discarded. */
    public boolean isConnectionBroken() {
        return isLeaderChange() || code == SQLITE_NOTFOUND || code == CLIENT_IO || code == CLIENT_TIMEOUT
                || code == CLIENT_PROTOCOL || code == CLIENT_OUTCOME_UNKNOWN || code == 0;
    }

    private static String sqlStateFor(int code) {
        switch (code) {
            case CLIENT_IO:
            case CLIENT_PROTOCOL:
            case CLIENT_NO_LEADER:
                return "08S01";
            case CLIENT_TIMEOUT:
                return "HYT00";
            case CLIENT_OUTCOME_UNKNOWN:
                return "08007";
            case CLIENT_REFUSED:
                return "0A000";
            case NOT_LEADER:
            case NOT_LEADER_LEGACY:
            case LEADERSHIP_LOST:
            case LEADERSHIP_LOST_LEGACY:
                return "08006";
            default:
                return "HY000";
        }
    }
}
