package io.cowsql.client.wire;

import io.cowsql.client.CowsqlException;

/**
 * Bytes on the wire that do not form a valid message: a truncated frame, an
 * oversized length, an unknown type code, a string without its NUL. The
 * connection that produced it is unusable and is closed.
 */
public class ProtocolException extends CowsqlException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message, "08S01", CLIENT_PROTOCOL, null);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, "08S01", CLIENT_PROTOCOL, cause);
    }
}
