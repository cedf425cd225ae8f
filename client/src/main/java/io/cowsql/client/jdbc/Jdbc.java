package io.cowsql.client.jdbc;

import io.cowsql.client.CowsqlException;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;

/** Error translation shared by the JDBC classes. */
final class Jdbc {
    private Jdbc() {
    }

    /**
     * A request that ran out of its statement timeout. Not retried by the
     * session (a retry would run past the timeout the caller asked for); the
     * connection it happened on is dropped.
     */
    static final class StatementTimeout extends CowsqlException {
        private static final long serialVersionUID = 1L;

        StatementTimeout(CowsqlException cause, Duration timeout) {
            super(message(cause, timeout), cause.getSQLState(), cause.code(), cause);
        }

        private static String message(CowsqlException cause, Duration timeout) {
            String base = "statement timed out after " + timeout.toMillis() + " ms";
            return cause.code() == CLIENT_OUTCOME_UNKNOWN
                    ? base + "; the write may or may not have been applied (" + cause.getMessage() + ")"
                    : base + " (" + cause.getMessage() + ")";
        }

        @Override
        public boolean isSafeToRetry() {
            return false;
        }

        @Override
        public boolean isConnectionBroken() {
            return true;
        }
    }

    static boolean isTimeout(CowsqlException e) {
        if (e.code() == CowsqlException.CLIENT_TIMEOUT) {
            return true;
        }
        return e.code() == CowsqlException.CLIENT_OUTCOME_UNKNOWN && e.getCause() instanceof SocketTimeoutException;
    }

    /** Inside a session call: marks timeouts so the session does not retry them. */
    static CowsqlException inCall(CowsqlException e, Duration timeout) {
        return isTimeout(e) && !(e instanceof StatementTimeout) ? new StatementTimeout(e, timeout) : e;
    }

    /**
     * At the JDBC boundary, for statements that may write: LEADERSHIP_LOST
     * means the write may or may not have been committed, reported with the
     * same SQLState (08007) as a connection that broke after sending.
     */
    static SQLException translateWrite(CowsqlException e) {
        int c = e.code();
        if (c == CowsqlException.LEADERSHIP_LOST || c == CowsqlException.LEADERSHIP_LOST_LEGACY) {
            return new CowsqlException("the leader lost leadership while running the statement, so it may or may not "
                    + "have been applied: " + e.getMessage(), "08007", c, e);
        }
        return translate(e);
    }

    /** At the JDBC boundary: timeouts become SQLTimeoutException, the rest pass through (code() stays readable). */
    static SQLException translate(CowsqlException e) {
        if (e instanceof StatementTimeout || isTimeout(e)) {
            return new SQLTimeoutException(e.getMessage(), e.code() == CowsqlException.CLIENT_OUTCOME_UNKNOWN ? "08007"
                    : "HYT00", e.code(), e);
        }
        return e;
    }
}
