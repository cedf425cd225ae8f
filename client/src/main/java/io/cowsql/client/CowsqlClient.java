package io.cowsql.client;

import io.cowsql.client.wire.BodyReader;
import io.cowsql.client.wire.BodyWriter;
import io.cowsql.client.wire.Message;
import io.cowsql.client.wire.Protocol;
import io.cowsql.client.wire.ProtocolException;
import io.cowsql.client.wire.WireConnection;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One connection to one cowsql node: the admin requests, and SQL once a
 * database is open. The protocol carries one request at a time, so this
 * class is not thread-safe. Any network or protocol error closes the
 * connection; the caller (or {@link LeaderSession}) reconnects.
 */
public final class CowsqlClient implements AutoCloseable {
    /** After this long without traffic, check that the server has not closed the connection before sending. */
    private static final long IDLE_CHECK_NANOS = 500_000_000L;

    private final WireConnection wire;
    private final String address;
    private final ClientOptions options;
    private boolean dbOpen;
    private int dbId;
    private Rows openRows;

    private CowsqlClient(WireConnection wire, String address, ClientOptions options) {
        this.wire = wire;
        this.address = address;
        this.options = options;
    }

    /** Connects to the node known in the cluster as {@code address} (resolved, then dialled). */
    public static CowsqlClient connect(String address, ClientOptions options) throws CowsqlException {
        String target = options.resolver().resolve(address);
        Socket socket;
        try {
            socket = options.dialer().dial(target, options.connectTimeout());
        } catch (IllegalArgumentException e) {
            throw new CowsqlException(e.getMessage(), CowsqlException.CLIENT_REFUSED);
        } catch (SocketTimeoutException e) {
            throw new CowsqlException("connect to " + describe(address, target) + " timed out after "
                    + options.connectTimeout().toMillis() + " ms", "08001", CowsqlException.CLIENT_TIMEOUT, e);
        } catch (IOException e) {
            throw new CowsqlException("connect to " + describe(address, target) + ": " + e.getMessage(), "08001",
                    CowsqlException.CLIENT_IO, e);
        }
        try {
            return new CowsqlClient(WireConnection.handshake(socket, address, options.maxFrameBytes()), address, options);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new CowsqlException("handshake with " + describe(address, target) + ": " + e.getMessage(), "08001",
                    CowsqlException.CLIENT_IO, e);
        }
    }

    /** Finds the leader among {@code addresses} and returns a registered connection to it. */
    public static CowsqlClient findLeader(List<String> addresses, ClientOptions options) throws CowsqlException {
        return new LeaderFinder(addresses, options).find();
    }

    /**
     * Like {@link #findLeader(List, ClientOptions)}, but gives up at {@code deadlineNanos} (a
     * {@link System#nanoTime()} value) instead of after the retry timeout: every connect and
     * probe is cut to the time left, so the search ends by the deadline.
     */
    public static CowsqlClient findLeader(List<String> addresses, ClientOptions options, long deadlineNanos) throws CowsqlException {
        return new LeaderFinder(addresses, options).find(deadlineNanos);
    }

    private static String describe(String address, String target) {
        return address.equals(target) ? address : address + " (dialled as " + target + ")";
    }

    /** The address this node is known by in the cluster. */
    public String address() {
        return address;
    }

    public ClientOptions options() {
        return options;
    }

    public boolean isClosed() {
        return wire.isClosed();
    }

    // ---------------------------------------------------------------- admin

    /** The leader as this node sees it; {@link NodeInfo#isKnown()} is false when it knows none (or is not a voter). */
    public NodeInfo leader() throws CowsqlException {
        return leader(options.requestTimeout());
    }

    NodeInfo leader(Duration timeout) throws CowsqlException {
        Message m = request(Protocol.REQ_LEADER, 0, new BodyWriter().uint64(0), Protocol.RESP_SERVER, timeout, false);
        BodyReader r = m.reader();
        long id = r.uint64("leader id");
        String addr = r.text("leader address");
        return new NodeInfo(id, addr, Role.VOTER);
    }

    /** Registers this connection as a client (CLIENT → WELCOME); returns the server's heartbeat timeout in ms. */
    public long hello() throws CowsqlException {
        return hello(options.requestTimeout());
    }

    long hello(Duration timeout) throws CowsqlException {
        Message m = request(Protocol.REQ_CLIENT, 0, new BodyWriter().uint64(options.clientId()), Protocol.RESP_WELCOME,
                timeout, false);
        return m.reader().uint64("heartbeat timeout");
    }

    /** The raft configuration as this node knows it, with roles. */
    public List<NodeInfo> cluster() throws CowsqlException {
        Message m = request(Protocol.REQ_CLUSTER, 0, new BodyWriter().uint64(1), Protocol.RESP_SERVERS,
                options.requestTimeout(), false);
        BodyReader r = m.reader();
        long n = r.uint64("server count");
        // Each entry takes at least 24 bytes: a bogus count fails here instead of allocating.
        if (n < 0 || n > r.remaining() / 24) {
            throw protocolError(new ProtocolException("SERVERS claims " + Long.toUnsignedString(n)
                    + " entries but the body holds at most " + r.remaining() / 24));
        }
        List<NodeInfo> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            long id = r.uint64("server id");
            String addr = r.text("server address");
            long role = r.uint64("server role");
            out.add(new NodeInfo(id, addr, Role.fromCode(role)));
        }
        return Collections.unmodifiableList(out);
    }

    /** Adds a node as a spare (needs the leader). */
    public void add(long id, String nodeAddress) throws CowsqlException {
        request(Protocol.REQ_ADD, 0, new BodyWriter().uint64(id).text(nodeAddress), Protocol.RESP_EMPTY,
                options.requestTimeout(), false);
    }

    /** Changes a member's role (needs the leader). */
    public void assign(long id, Role role) throws CowsqlException {
        request(Protocol.REQ_ASSIGN, 0, new BodyWriter().uint64(id).uint64(role.code()), Protocol.RESP_EMPTY,
                options.requestTimeout(), false);
    }

    /** Removes a member from the configuration (needs the leader). */
    public void remove(long id) throws CowsqlException {
        request(Protocol.REQ_REMOVE, 0, new BodyWriter().uint64(id), Protocol.RESP_EMPTY, options.requestTimeout(), false);
    }

    /** Transfers leadership to {@code id}, or to a voter raft picks when {@code id} is 0 (needs the leader). */
    public void transfer(long id) throws CowsqlException {
        request(Protocol.REQ_TRANSFER, 0, new BodyWriter().uint64(id), Protocol.RESP_EMPTY, options.requestTimeout(), false);
    }

    /** Failure domain and weight of the node this connection goes to. */
    public NodeMetadata describe() throws CowsqlException {
        return describe(options.requestTimeout());
    }

    public NodeMetadata describe(Duration timeout) throws CowsqlException {
        // Always format 0: with another value cowsql sends a FAILURE and then METADATA too (a server bug).
        Message m = request(Protocol.REQ_DESCRIBE, 0, new BodyWriter().uint64(0), Protocol.RESP_METADATA, timeout, false);
        BodyReader r = m.reader();
        return new NodeMetadata(r.uint64("failure domain"), r.uint64("weight"));
    }

    /** Sets the weight of the node this connection goes to. */
    public void weight(long weight) throws CowsqlException {
        if (weight < 0) {
            throw new CowsqlException("weight must be >= 0, got " + weight, CowsqlException.CLIENT_REFUSED);
        }
        request(Protocol.REQ_WEIGHT, 0, new BodyWriter().uint64(weight), Protocol.RESP_EMPTY, options.requestTimeout(), false);
    }

    /** This node's copy of the database and its WAL. */
    public DumpFiles dump(String database) throws CowsqlException {
        Message m = request(Protocol.REQ_DUMP, 0, new BodyWriter().text(database), Protocol.RESP_FILES,
                options.requestTimeout(), false);
        BodyReader r = m.reader();
        long n = r.uint64("file count");
        if (n != 2) {
            throw protocolError(new ProtocolException("FILES carries " + Long.toUnsignedString(n) + " files, expected 2"));
        }
        String[] names = new String[2];
        byte[][] data = new byte[2][];
        for (int i = 0; i < 2; i++) {
            names[i] = r.text("file name");
            long size = r.uint64("file size");
            if (size < 0 || size > r.remaining()) {
                throw protocolError(new ProtocolException("FILES entry " + names[i] + " claims "
                        + Long.toUnsignedString(size) + " bytes, only " + r.remaining() + " remain"));
            }
            data[i] = r.bytes((int) size, "file data");
        }
        return new DumpFiles(names[0], data[0], names[1], data[1]);
    }

    // ---------------------------------------------------------------- SQL

    /** Opens {@code database} on this connection (one per connection; needed before SQL). */
    public void open(String database) throws CowsqlException {
        open(database, options.requestTimeout());
    }

    void open(String database, Duration timeout) throws CowsqlException {
        if (dbOpen) {
            throw new CowsqlException("a database is already open on this connection", CowsqlException.CLIENT_REFUSED);
        }
        Message m = request(Protocol.REQ_OPEN, 0, new BodyWriter().text(database).uint64(0).text("volatile"),
                Protocol.RESP_DB, timeout, false);
        dbId = (int) m.reader().uint32("db id");
        dbOpen = true;
    }

    public boolean isOpen() {
        return dbOpen;
    }

    public Result exec(String sql, Object... params) throws CowsqlException {
        return exec(sql, Arrays.asList(params), options.requestTimeout());
    }

    /** Runs the statements in {@code sql}; the parameters bind to the first one (EXEC_SQL). */
    public Result exec(String sql, List<?> params, Duration timeout) throws CowsqlException {
        SqlSafety.check(sql);
        requireOpen();
        BodyWriter w = new BodyWriter(32 + sql.length()).uint64(dbId).text(sql);
        int schema = Values.writeParams(w, params);
        return readResult(sqlRequest(Protocol.REQ_EXEC_SQL, schema, w, Protocol.RESP_RESULT, timeout, true, params.size()));
    }

    public Rows query(String sql, Object... params) throws CowsqlException {
        return query(sql, Arrays.asList(params), options.requestTimeout());
    }

    /** Runs one statement and streams its rows (QUERY_SQL). Close the {@link Rows} before the next request. */
    public Rows query(String sql, List<?> params, Duration timeout) throws CowsqlException {
        SqlSafety.check(sql);
        requireOpen();
        BodyWriter w = new BodyWriter(32 + sql.length()).uint64(dbId).text(sql);
        int schema = Values.writeParams(w, params);
        Message m = sqlRequest(Protocol.REQ_QUERY_SQL, schema, w, Protocol.RESP_ROWS, timeout, false, params.size());
        openRows = new Rows(this, m, timeout);
        return openRows;
    }

    /** Prepares one statement (PREPARE → STMT). */
    public PreparedStatementHandle prepare(String sql) throws CowsqlException {
        return prepare(sql, options.requestTimeout());
    }

    PreparedStatementHandle prepare(String sql, Duration timeout) throws CowsqlException {
        SqlSafety.check(sql);
        requireOpen();
        Message m = request(Protocol.REQ_PREPARE, 0, new BodyWriter(32 + sql.length()).uint64(dbId).text(sql),
                Protocol.RESP_STMT, timeout, false);
        BodyReader r = m.reader();
        r.uint32("db id");
        int stmtId = (int) r.uint32("stmt id");
        long nParams = r.uint64("parameter count");
        return new PreparedStatementHandle(stmtId, (int) nParams);
    }

    public Result exec(PreparedStatementHandle stmt, List<?> params, Duration timeout) throws CowsqlException {
        requireOpen();
        BodyWriter w = new BodyWriter().uint32(dbId).uint32(stmt.id());
        int schema = Values.writeParams(w, params);
        return readResult(sqlRequest(Protocol.REQ_EXEC, schema, w, Protocol.RESP_RESULT, timeout, true, params.size()));
    }

    public Rows query(PreparedStatementHandle stmt, List<?> params, Duration timeout) throws CowsqlException {
        requireOpen();
        BodyWriter w = new BodyWriter().uint32(dbId).uint32(stmt.id());
        int schema = Values.writeParams(w, params);
        Message m = sqlRequest(Protocol.REQ_QUERY, schema, w, Protocol.RESP_ROWS, timeout, false, params.size());
        openRows = new Rows(this, m, timeout);
        return openRows;
    }

    public void finalizeStatement(PreparedStatementHandle stmt) throws CowsqlException {
        if (wire.isClosed()) {
            return; // closing the connection finalised it already
        }
        requireOpen();
        request(Protocol.REQ_FINALIZE, 0, new BodyWriter().uint32(dbId).uint32(stmt.id()), Protocol.RESP_EMPTY,
                options.requestTimeout(), false);
    }

    /** A request with a parameter tuple: a refused schema-1 tuple gets an error that says what to do. */
    private Message sqlRequest(int type, int schema, BodyWriter w, int expected, Duration timeout, boolean write,
            int parameters) throws CowsqlException {
        try {
            return request(type, schema, w, expected, timeout, write);
        } catch (CowsqlException e) {
            if (schema == 1 && (e.code() == CowsqlException.PARSE_ERROR || e.code() == 1001)) {
                throw new CowsqlException("the statement has " + parameters + " parameters; more than "
                        + Protocol.MAX_SCHEMA0_PARAMS + " need the schema-1 parameter tuple, which only cowsql servers "
                        + "accept, and " + address + " refused it (" + e.getMessage() + "): use at most "
                        + Protocol.MAX_SCHEMA0_PARAMS + " parameters per statement on this server",
                        "07001", CowsqlException.CLIENT_REFUSED, e);
            }
            throw e;
        }
    }

    private void requireOpen() throws CowsqlException {
        if (!dbOpen) {
            throw new CowsqlException("no database is open on this connection: call open(name) first",
                    CowsqlException.CLIENT_REFUSED);
        }
    }

    private Result readResult(Message m) throws CowsqlException {
        BodyReader r = m.reader();
        return new Result(r.uint64("last insert id"), r.uint64("rows affected"));
    }

    // ---------------------------------------------------------------- plumbing

    /**
     * Sends one request and reads its response, turning FAILURE into a
     * {@link CowsqlException} and any transport problem into one that closes
     * this connection. {@code write} marks requests whose outcome is unknown
     * when the connection fails after they were sent.
     */
    Message request(int type, int schema, BodyWriter body, int expected, Duration timeout, boolean write)
            throws CowsqlException {
        if (wire.isClosed()) {
            throw new CowsqlException("connection to " + address + " is closed", "08003", CowsqlException.CLIENT_IO, null);
        }
        if (openRows != null) {
            Rows r = openRows;
            openRows = null;
            r.detach();
        } else if (wire.idleNanos() > IDLE_CHECK_NANOS) {
            boolean gone;
            try {
                gone = wire.closedByPeer();
            } catch (ProtocolException e) {
                throw protocolError(e);
            }
            if (gone) {
                close();
                throw new CowsqlException("connection to " + address + " was closed by the server while idle; "
                        + Protocol.requestName(type) + " was not sent", "08S01", CowsqlException.CLIENT_IO, null);
            }
        }
        try {
            wire.send(type, schema, body);
        } catch (IOException e) {
            throw ioError(type, e, false);
        }
        Message m = receive(type, timeout, write);
        return expect(m, type, expected);
    }

    Message receive(int requestType, Duration timeout, boolean write) throws CowsqlException {
        try {
            return wire.receive(System.nanoTime() + timeout.toNanos());
        } catch (ProtocolException e) {
            throw protocolError(e);
        } catch (IOException e) {
            throw ioError(requestType, e, write);
        }
    }

    Message expect(Message m, int requestType, int expected) throws CowsqlException {
        if (m.type() == expected) {
            return m;
        }
        if (m.type() == Protocol.RESP_FAILURE) {
            BodyReader r = m.reader();
            long code = r.uint64("failure code");
            String msg = r.text("failure message");
            CowsqlException e = CowsqlException.failure(code, msg, Protocol.requestName(requestType), address);
            if (e.isConnectionBroken()) {
                close();
            }
            throw e;
        }
        throw protocolError(new ProtocolException("unexpected " + Protocol.responseName(m.type()) + " response to "
                + Protocol.requestName(requestType) + " from " + address + " (expected " + Protocol.responseName(expected) + ")"));
    }

    CowsqlException protocolError(ProtocolException e) {
        close();
        return e;
    }

    private CowsqlException ioError(int type, IOException e, boolean write) {
        close();
        String what = Protocol.requestName(type) + " on " + address;
        if (write) {
            return new CowsqlException(what + " failed after the request was sent, so it may or may not have been "
                    + "applied: " + e.getMessage(), "08007", CowsqlException.CLIENT_OUTCOME_UNKNOWN, e);
        }
        if (e instanceof SocketTimeoutException) {
            return new CowsqlException(what + ": " + e.getMessage(), "HYT00", CowsqlException.CLIENT_TIMEOUT, e);
        }
        String reason = e instanceof EOFException ? e.getMessage() : e.toString();
        return new CowsqlException(what + ": " + reason, "08S01", CowsqlException.CLIENT_IO, e);
    }

    /** Sends INTERRUPT and discards responses until EMPTY arrives (go-cowsql's pattern). */
    void interrupt(Duration timeout) throws CowsqlException {
        try {
            wire.send(Protocol.REQ_INTERRUPT, 0, new BodyWriter().uint64(dbId));
        } catch (IOException e) {
            throw ioError(Protocol.REQ_INTERRUPT, e, false);
        }
        while (true) {
            Message m = receive(Protocol.REQ_INTERRUPT, timeout, false);
            if (m.type() == Protocol.RESP_EMPTY) {
                return;
            }
            if (m.type() == Protocol.RESP_FAILURE) {
                expect(m, Protocol.REQ_INTERRUPT, Protocol.RESP_EMPTY);
            }
            if (m.type() != Protocol.RESP_ROWS) {
                throw protocolError(new ProtocolException("unexpected " + Protocol.responseName(m.type())
                        + " while draining an interrupted query on " + address));
            }
        }
    }

    void rowsClosed(Rows rows) {
        if (openRows == rows) {
            openRows = null;
        }
    }

    @Override
    public void close() {
        wire.close();
    }

    @Override
    public String toString() {
        return "CowsqlClient[" + address + (wire.isClosed() ? ", closed" : "") + "]";
    }

    /** A statement prepared on this connection. */
    public record PreparedStatementHandle(int id, int parameterCount) {
    }
}
