package io.cowsql.client;

/** No node reported a leader within the retry timeout. */
public class NoLeaderException extends CowsqlException {
    private static final long serialVersionUID = 1L;

    public NoLeaderException(String message, Throwable cause) {
        super(message, "08001", CLIENT_NO_LEADER, cause);
    }
}
