package io.cowsql.client;

/** A member's role in the raft configuration, as the wire protocol codes it: voter 0, standby 1, spare 2. */
public enum Role {
    VOTER(0), STANDBY(1), SPARE(2);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The role for a wire code; the server treats unknown values as voter, and so do we. */
    public static Role fromCode(long code) {
        if (code == 1) {
            return STANDBY;
        }
        if (code == 2) {
            return SPARE;
        }
        return VOTER;
    }

    /** Parses "voter", "standby" or "spare" (any case), as users type them. */
    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(s.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + s + "': use voter, standby or spare");
    }

    /** The lower-case name that go-cowsql prints. */
    public String label() {
        switch (this) {
            case VOTER: return "voter";
            case STANDBY: return "stand-by";
            default: return "spare";
        }
    }
}
