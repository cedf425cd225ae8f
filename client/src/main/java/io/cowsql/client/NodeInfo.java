package io.cowsql.client;

import java.util.Objects;

/** A member of the cluster as the server reports it. Id 0 with an empty address means "unknown". */
public record NodeInfo(long id, String address, Role role) {
    public NodeInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(role, "role");
    }

    public boolean isKnown() {
        return id != 0 || !address.isEmpty();
    }

    /** The id as unsigned decimal (as go-cowsql's shell prints it in JSON). */
    public String idString() {
        return Long.toUnsignedString(id);
    }

    /** The id in hex, as go-cowsql's shell prints it in {@code .cluster} and as the agent logs and reports it. */
    public String hexId() {
        return Long.toHexString(id);
    }
}
