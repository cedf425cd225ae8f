package io.cowsql.client.wire;

/** Type codes and constants of the cowsql/dqlite client wire protocol, version 1, the same on libcowsql and libdqlite. */
public final class Protocol {
    private Protocol() {
    }

    /** The 8-byte handshake value of the current protocol. */
    public static final long VERSION = 1L;

    // Requests (§4).
    public static final int REQ_LEADER = 0;
    public static final int REQ_CLIENT = 1;
    public static final int REQ_OPEN = 3;
    public static final int REQ_PREPARE = 4;
    public static final int REQ_EXEC = 5;
    public static final int REQ_QUERY = 6;
    public static final int REQ_FINALIZE = 7;
    public static final int REQ_EXEC_SQL = 8;
    public static final int REQ_QUERY_SQL = 9;
    public static final int REQ_INTERRUPT = 10;
    public static final int REQ_ADD = 12;
    public static final int REQ_ASSIGN = 13;
    public static final int REQ_REMOVE = 14;
    public static final int REQ_DUMP = 15;
    public static final int REQ_CLUSTER = 16;
    public static final int REQ_TRANSFER = 17;
    public static final int REQ_DESCRIBE = 18;
    public static final int REQ_WEIGHT = 19;

    // Responses (§5).
    public static final int RESP_FAILURE = 0;
    public static final int RESP_SERVER = 1;
    public static final int RESP_WELCOME = 2;
    public static final int RESP_SERVERS = 3;
    public static final int RESP_DB = 4;
    public static final int RESP_STMT = 5;
    public static final int RESP_RESULT = 6;
    public static final int RESP_ROWS = 7;
    public static final int RESP_EMPTY = 8;
    public static final int RESP_FILES = 9;
    public static final int RESP_METADATA = 10;

    // Value types (§6).
    public static final int T_INTEGER = 1;
    public static final int T_FLOAT = 2;
    public static final int T_TEXT = 3;
    public static final int T_BLOB = 4;
    public static final int T_NULL = 5;
    public static final int T_UNIXTIME = 9;
    public static final int T_ISO8601 = 10;
    public static final int T_BOOLEAN = 11;

    // Row batch end markers (§8).
    public static final long ROWS_DONE = 0xFFFFFFFFFFFFFFFFL;
    public static final long ROWS_PART = 0xEEEEEEEEEEEEEEEEL;

    /** The most parameters a schema-0 tuple can carry (1-byte count). */
    public static final int MAX_SCHEMA0_PARAMS = 255;

    public static String requestName(int type) {
        switch (type) {
            case REQ_LEADER: return "LEADER";
            case REQ_CLIENT: return "CLIENT";
            case REQ_OPEN: return "OPEN";
            case REQ_PREPARE: return "PREPARE";
            case REQ_EXEC: return "EXEC";
            case REQ_QUERY: return "QUERY";
            case REQ_FINALIZE: return "FINALIZE";
            case REQ_EXEC_SQL: return "EXEC_SQL";
            case REQ_QUERY_SQL: return "QUERY_SQL";
            case REQ_INTERRUPT: return "INTERRUPT";
            case REQ_ADD: return "ADD";
            case REQ_ASSIGN: return "ASSIGN";
            case REQ_REMOVE: return "REMOVE";
            case REQ_DUMP: return "DUMP";
            case REQ_CLUSTER: return "CLUSTER";
            case REQ_TRANSFER: return "TRANSFER";
            case REQ_DESCRIBE: return "DESCRIBE";
            case REQ_WEIGHT: return "WEIGHT";
            default: return "request#" + type;
        }
    }

    public static String responseName(int type) {
        switch (type) {
            case RESP_FAILURE: return "FAILURE";
            case RESP_SERVER: return "SERVER";
            case RESP_WELCOME: return "WELCOME";
            case RESP_SERVERS: return "SERVERS";
            case RESP_DB: return "DB";
            case RESP_STMT: return "STMT";
            case RESP_RESULT: return "RESULT";
            case RESP_ROWS: return "ROWS";
            case RESP_EMPTY: return "EMPTY";
            case RESP_FILES: return "FILES";
            case RESP_METADATA: return "METADATA";
            default: return "response#" + type;
        }
    }
}
