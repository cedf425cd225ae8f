package io.cowsql.e2e.chaos;

import io.cowsql.client.CowsqlException;

/**
 * How a failed write is recorded. A failure is definite ({@link Op.Type#FAIL}) only when the request
 * certainly did not run: the server refused it before running it (not the leader, busy), or nothing
 * was sent (no leader found, connect failed or timed out, refused by the client). Everything else is
 * unknown ({@link Op.Type#INFO}): the connection broke or timed out after the request was sent
 * ({@link CowsqlException#CLIENT_OUTCOME_UNKNOWN}), leadership was lost while the entry was in raft
 * (it may still commit under the next leader), malformed responses, and any other server error.
 */
public final class Outcomes {
    private Outcomes() {}

    /** The outcome of a write that failed with {@code e}. */
    public static Op.Type ofWrite(CowsqlException e) {
        int c = e.code();
        boolean notRun = c == CowsqlException.NOT_LEADER || c == CowsqlException.NOT_LEADER_LEGACY || e.isBusy()
            || c == CowsqlException.CLIENT_NO_LEADER || c == CowsqlException.CLIENT_REFUSED
            // Without CLIENT_OUTCOME_UNKNOWN, an I/O error or timeout of a write means it was not sent:
            // the client reports a broken connection after sending as CLIENT_OUTCOME_UNKNOWN.
            || c == CowsqlException.CLIENT_IO || c == CowsqlException.CLIENT_TIMEOUT;
        return notRun ? Op.Type.FAIL : Op.Type.INFO;
    }

    /** A short description of {@code e} for the history. */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getSimpleName() + (e instanceof CowsqlException ce ? " " + ce.code() : "")
            + (m == null ? "" : ": " + m);
        return s.length() > 300 ? s.substring(0, 300) : s;
    }
}
