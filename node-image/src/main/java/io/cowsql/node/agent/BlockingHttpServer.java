package io.cowsql.node.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * A small HTTP/1.1 server for the agent's endpoints: blocking sockets, one thread per connection,
 * keep-alive, bodies by Content-Length or chunked, bounded in everything it reads.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it parses each request on a pool thread
 * and hands the connection back to a selector thread after every response, so a request costs
 * two extra thread wake-ups. The key/value API is a one-round-trip proxy to the leader, and those
 * wake-ups were a measurable part of its latency. A connection that owns its thread reads, calls
 * the leader and answers without a hand-off, as a Go server does. The node-image benchmark
 * compares it with the JDK's server and Jetty 12 under the same handler; it stays while both of
 * them fall below cowsql-demo's throughput (node-image README).
 *
 * <p>Bounds (see {@link Limits}): the request head (431 beyond), the body (413, refused before it
 * is read), the body bytes held by all requests at once (503 when a body cannot get its share in
 * time: the heap is small), the connections (beyond them the longest-idle keep-alive connection is
 * closed, so probes always get in; 503 when none is idle), one deadline for waiting for a request
 * and one for reading it, and a write that does not progress is cut off. Malformed requests get
 * 400 and a close.
 */
public final class BlockingHttpServer implements HttpApi.Server {
  private static final Logger LOG = Logger.getLogger(BlockingHttpServer.class.getName());
  static final int MAX_HEAD_BYTES = 16 * 1024;
  static final int MAX_HEADERS = 100;
  static final int MAX_CHUNK_LINE_BYTES = 1024;

  /**
   * @param maxBodyBytes one request's body
   * @param maxBufferedBodyBytes the bodies of all requests being handled at once
   * @param maxConnections open connections
   * @param idleTimeoutMillis how long a keep-alive connection may wait for its next request
   * @param requestTimeoutMillis how long a request may take to arrive, head and body, from its first byte
   * @param writeTimeoutMillis how long writing one response may take
   */
  public record Limits(int maxBodyBytes, int maxBufferedBodyBytes, int maxConnections, int idleTimeoutMillis,
      int requestTimeoutMillis, int writeTimeoutMillis) {
    public Limits {
      if (maxBodyBytes <= 0 || maxBufferedBodyBytes < maxBodyBytes || maxConnections <= 0) {
        throw new IllegalArgumentException("limits must be positive and maxBufferedBodyBytes >= maxBodyBytes");
      }
    }

    /** 60 s idle, 30 s to receive a request, 30 s to send a response; four full bodies at once. */
    public static Limits defaults(int maxBodyBytes, int maxConnections) {
      return new Limits(maxBodyBytes, 4 * maxBodyBytes, maxConnections, 60_000, 30_000, 30_000);
    }
  }

  /**
   * A request: method, raw path (with any query; an absolute-form target is reduced to it), the
   * whole body, and what a handler needs to refuse running a request nobody waits for any more.
   *
   * @param receivedNanos the earliest moment the request may have arrived ({@link System#nanoTime}):
   *     when its first byte was read, or, when the whole process was stopped (SIGSTOP, a frozen
   *     VM) just before, when the process was last seen running, since the kernel accepted and
   *     buffered the bytes meanwhile
   * @param clientDeadlineMillis the {@value #DEADLINE_HEADER} header (Unix epoch milliseconds after
   *     which the client stops waiting), or 0 without one
   * @param clientGone whether the client has closed the connection (it sends nothing more, or
   *     reset it); it costs a read with a 5 ms timeout, so ask only when a request has waited
   */
  public record Request(String method, String rawPath, byte[] body, long receivedNanos, long clientDeadlineMillis,
      BooleanSupplier clientGone) {
    public Request(String method, String rawPath, byte[] body) {
      this(method, rawPath, body, System.nanoTime(), 0, () -> false);
    }
  }

  /** The request header with which a client says until when it waits for the answer. */
  public static final String DEADLINE_HEADER = "Cowsql-Deadline";

  /**
   * A response; {@code body} is sent as is with the given content type (none when null), with
   * {@code location} as its Location header when not null; {@code close} ends the connection after it.
   */
  public record Response(int status, String contentType, byte[] body, String location, boolean close) {
    public Response(int status, String contentType, byte[] body) {
      this(status, contentType, body, null, false);
    }

    public static Response text(int status, String body, String contentType) {
      return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Notices when the whole process was stopped: a thread that wakes every {@link #TICK_MILLIS}
   * finds a much longer gap since its last tick. A request read right after such a gap may have
   * arrived at any moment during it.
   */
  static final class StallClock {
    static final long TICK_MILLIS = 50;
    /** A gap this long between ticks is a stall, not a scheduling delay. */
    static final long STALL_NANOS = 500_000_000L;
    /** Bytes buffered during a stall are read within this time after it ends. */
    static final long AFTER_STALL_NANOS = 500_000_000L;
    private volatile long lastTick = System.nanoTime();
    private volatile long stallStart;
    private volatile long stallEnd = Long.MIN_VALUE / 2;

    void run(BooleanSupplier closed) {
      while (!closed.getAsBoolean()) {
        sleepQuietly(TICK_MILLIS);
        long now = System.nanoTime();
        long last = lastTick;
        if (now - last > STALL_NANOS) {
          stallStart = last;
          stallEnd = now;
        }
        lastTick = now;
      }
    }

    /** The earliest moment bytes first read at {@code readNanos} may have arrived. */
    long earliestArrival(long readNanos) {
      long last = lastTick;
      if (readNanos - last > STALL_NANOS) {
        // The ticker has not run since before a stall that just ended (or one that is going on).
        return last;
      }
      if (readNanos - stallEnd <= AFTER_STALL_NANOS) {
        return Math.min(readNanos, stallStart);
      }
      return readNanos;
    }
  }

  /** Answers one request; an exception becomes a 500 (the connection stays usable). */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  /** One open connection, as the accept thread and the watchdog see it. */
  private static final class Connection {
    final Socket socket;
    volatile long idleSinceNanos;
    volatile long writingSinceNanos;

    Connection(Socket socket) {
      this.socket = socket;
      this.idleSinceNanos = System.nanoTime();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }

    /** Closes with a reset: the unsent rest of a response is dropped, not left to the kernel to push at a client that does not read. */
    void abort() {
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // closing anyway
      }
      close();
    }
  }

  private final ServerSocket listener;
  private final Handler handler;
  private final Limits limits;
  private final Semaphore bodyBytes;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final StallClock stalls = new StallClock();
  private volatile boolean closed;

  private BlockingHttpServer(ServerSocket listener, Handler handler, Limits limits) {
    this.listener = listener;
    this.handler = handler;
    this.limits = limits;
    this.bodyBytes = new Semaphore(limits.maxBufferedBodyBytes(), true);
  }

  /** Binds {@code at} (throws {@link java.net.BindException} when taken) and starts accepting. */
  public static BlockingHttpServer start(InetSocketAddress at, Limits limits, Handler handler) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(at, 128);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    BlockingHttpServer server = new BlockingHttpServer(s, handler, limits);
    daemon("http-accept", server::acceptLoop);
    daemon("http-watchdog", server::watchWrites);
    daemon("http-stall-clock", () -> server.stalls.run(() -> server.closed));
    return server;
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          // e.g. out of file descriptors: do not spin while it lasts
          LOG.warning("http accept failed: " + e.getMessage());
          sleepQuietly(100);
        }
        continue;
      }
      if (open.size() >= limits.maxConnections() && !closeLongestIdle()) {
        refuse(s);
        continue;
      }
      Connection c = new Connection(s);
      open.add(c);
      try {
        daemon("http", () -> serve(c));
      } catch (OutOfMemoryError e) {
        open.remove(c);
        refuse(s);
      }
    }
  }

  /** Makes room for a new connection (a probe, say) by closing the keep-alive connection idle the longest. */
  private boolean closeLongestIdle() {
    Optional<Connection> idle = open.stream().filter(c -> c.idleSinceNanos != 0)
        .min(Comparator.comparingLong(c -> c.idleSinceNanos));
    idle.ifPresent(c -> {
      open.remove(c);
      c.close();
    });
    return idle.isPresent();
  }

  /** Closes connections whose response has not been taken off them in time (a client that stopped reading). */
  private void watchWrites() {
    while (!closed) {
      sleepQuietly(Math.min(1000, limits.writeTimeoutMillis()));
      long now = System.nanoTime();
      for (Connection c : open) {
        long since = c.writingSinceNanos;
        if (since != 0 && now - since > limits.writeTimeoutMillis() * 1_000_000L) {
          c.abort();
        }
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Over the connection limit with none idle: a 503 from the accept thread, without reading the request. */
  private void refuse(Socket s) {
    try (s) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      writeResponse(out, Response.text(503, "Error: too many connections\n", "text/plain"), Framing.CLOSE, false);
    } catch (IOException e) {
      // the client went away
    }
  }

  private void serve(Connection c) {
    Socket s = c.socket;
    try (s) {
      s.setTcpNoDelay(true);
      DeadlineInput deadline = new DeadlineInput(s);
      InputStream in = new BufferedInputStream(deadline, 8192);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
      while (!closed) {
        c.idleSinceNanos = System.nanoTime();
        deadline.expireIn(limits.idleTimeoutMillis());
        int first = in.read();
        if (first < 0) {
          return;
        }
        long arrived = stalls.earliestArrival(System.nanoTime());
        c.idleSinceNanos = 0;
        deadline.expireIn(limits.requestTimeoutMillis());
        if (!exchange(c, first, arrived, deadline, in, out)) {
          return;
        }
      }
    } catch (SocketTimeoutException e) {
      // idle, or a request that stopped arriving: drop the connection
    } catch (IOException e) {
      // the client went away, or the connection was closed to make room or by the watchdog
    } catch (RuntimeException e) {
      LOG.warning("http connection dropped: " + e);
    } finally {
      open.remove(c);
    }
  }

  /**
   * The socket's input with one deadline for a whole phase (waiting for a request, or reading
   * one), not per read: a client that trickles a byte at a time cannot hold a connection longer.
   */
  private static final class DeadlineInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private long deadlineNanos;

    DeadlineInput(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    void expireIn(int millis) {
      deadlineNanos = System.nanoTime() + millis * 1_000_000L;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException("deadline passed");
      }
      socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
      return in.read(b, off, len);
    }
  }

  /** How the connection goes on after a response, and how the response says so. */
  private enum Framing {
    /** HTTP/1.1 persistent connection: nothing to say. */
    KEEP,
    /** HTTP/1.0 client that asked for keep-alive: it must be told yes. */
    KEEP_ALIVE_1_0,
    CLOSE
  }

  /** One request and its response; false when the connection must close afterwards. */
  private boolean exchange(Connection c, int first, long arrived, DeadlineInput deadline, InputStream in, OutputStream out)
      throws IOException {
    Head head;
    try {
      head = readHead(first, in);
    } catch (BadRequest e) {
      send(c, out, Response.text(e.status, "Error: " + e.getMessage() + "\n", "text/plain"), Framing.CLOSE, false);
      return false;
    }
    // The body's share of the buffered-bytes budget (a chunked body may grow to the limit).
    int share = head.chunked ? limits.maxBodyBytes() : (int) Math.min(Math.max(head.contentLength, 0), Integer.MAX_VALUE);
    if (head.contentLength > limits.maxBodyBytes()) {
      send(c, out, Response.text(413, "Error: body larger than " + limits.maxBodyBytes() + " bytes\n", "text/plain"), Framing.CLOSE, false);
      return false;
    }
    try {
      if (share > 0 && !bodyBytes.tryAcquire(share, Math.min(5_000, limits.requestTimeoutMillis()), TimeUnit.MILLISECONDS)) {
        send(c, out, Response.text(503, "Error: too many large requests in progress, retry later\n", "text/plain"), Framing.CLOSE, false);
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      byte[] body;
      try {
        body = readBody(head, in, out);
      } catch (BadRequest e) {
        send(c, out, Response.text(e.status, "Error: " + e.getMessage() + "\n", "text/plain"), Framing.CLOSE, false);
        return false;
      }
      Response r;
      try {
        r = handler.handle(new Request(head.method, head.target, body, arrived, head.clientDeadlineMillis,
            () -> peerClosed(deadline, in)));
      } catch (Exception | LinkageError e) {
        LOG.warning("http " + head.method + " " + head.target + ": " + e);
        r = Response.text(500, "Error: " + e.getMessage() + "\n", "text/plain");
      }
      Framing framing = !head.keepAlive || closed || r.close() ? Framing.CLOSE : head.http10 ? Framing.KEEP_ALIVE_1_0 : Framing.KEEP;
      send(c, out, r, framing, head.method.equals("HEAD"));
      return framing != Framing.CLOSE;
    } finally {
      if (share > 0) {
        bodyBytes.release(share);
      }
    }
  }

  /**
   * Whether the client closed (FIN) or reset the connection after its request: a read of at most
   * 5 ms that leaves any byte it finds (a pipelined next request) in the buffer.
   */
  private boolean peerClosed(DeadlineInput deadline, InputStream in) {
    try {
      if (in.available() > 0) {
        return false;
      }
      deadline.expireIn(5);
      in.mark(1);
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        return false;
      } finally {
        deadline.expireIn(limits.writeTimeoutMillis());
      }
      in.reset();
      return b < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private void send(Connection c, OutputStream out, Response r, Framing framing, boolean headOnly) throws IOException {
    c.writingSinceNanos = System.nanoTime();
    try {
      writeResponse(out, r, framing, headOnly);
    } finally {
      c.writingSinceNanos = 0;
    }
  }

  private record Head(String method, String target, boolean http10, boolean keepAlive, long contentLength, boolean chunked,
      boolean expectContinue, long clientDeadlineMillis) {}

  private static final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private static Head readHead(int first, InputStream in) throws IOException, BadRequest {
    int[] budget = {MAX_HEAD_BYTES};
    String requestLine = readLine(first, in, budget);
    if (requestLine.isEmpty()) {
      // RFC 9112 2.2: ignore at least one empty line before the request line (some clients send a stray CRLF)
      requestLine = readLine(-1, in, budget);
    }
    String[] parts = requestLine.split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty()) {
      throw new BadRequest(400, "malformed request line");
    }
    String version = parts[2];
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new BadRequest(505, "HTTP version not supported: " + version);
    }
    for (int i = 0; i < parts[0].length(); i++) {
      char c = parts[0].charAt(i);
      if (c < 'A' || c > 'Z') {
        throw new BadRequest(400, "malformed method");
      }
    }
    String target = originForm(parts[1]);
    boolean http10 = version.equals("HTTP/1.0");
    boolean keepAlive = !http10;
    long contentLength = -1;
    boolean chunked = false;
    boolean expectContinue = false;
    long clientDeadline = 0;
    for (int n = 0; ; n++) {
      String line = readLine(-1, in, budget);
      if (line.isEmpty()) {
        break;
      }
      if (n >= MAX_HEADERS) {
        throw new BadRequest(431, "more than " + MAX_HEADERS + " header fields");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new BadRequest(400, "malformed header field");
      }
      String rawName = line.substring(0, colon);
      for (int i = 0; i < rawName.length(); i++) {
        // RFC 9112 5.1: no white space between the field name and the colon
        if (rawName.charAt(i) <= ' ') {
          throw new BadRequest(400, "malformed header field name");
        }
      }
      String name = rawName.toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> {
          long v = digits(value, 10, 18, "Content-Length");
          if (contentLength >= 0 && v != contentLength) {
            throw new BadRequest(400, "conflicting Content-Length fields");
          }
          contentLength = v;
        }
        case "transfer-encoding" -> {
          if (!value.equalsIgnoreCase("chunked")) {
            throw new BadRequest(501, "Transfer-Encoding " + value + " not supported");
          }
          chunked = true;
        }
        case "connection" -> {
          String v = value.toLowerCase(Locale.ROOT);
          if (v.contains("close")) {
            keepAlive = false;
          } else if (v.contains("keep-alive")) {
            keepAlive = true;
          }
        }
        case "expect" -> expectContinue = !http10 && value.equalsIgnoreCase("100-continue");
        case "cowsql-deadline" -> clientDeadline = digits(value, 10, 18, DEADLINE_HEADER + " (Unix epoch milliseconds)");
        default -> {
          // not needed
        }
      }
    }
    if (chunked && contentLength >= 0) {
      throw new BadRequest(400, "both Content-Length and Transfer-Encoding");
    }
    return new Head(parts[0], target, http10, keepAlive, contentLength, chunked, expectContinue, clientDeadline);
  }

  /** The path and query of a request target; an absolute-form target ({@code http://host/p}) is reduced to {@code /p}. */
  private static String originForm(String target) throws BadRequest {
    if (target.startsWith("/")) {
      return target;
    }
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int slash = target.indexOf('/', target.indexOf("://") + 3);
      return slash < 0 ? "/" : target.substring(slash);
    }
    throw new BadRequest(400, "malformed request target");
  }

  /** A number made of digits only (no sign, no spaces), of at most {@code maxDigits} digits. */
  private static long digits(String s, int radix, int maxDigits, String what) throws BadRequest {
    if (s.isEmpty() || s.length() > maxDigits) {
      throw new BadRequest(400, "malformed " + what);
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), radix) < 0) {
        throw new BadRequest(400, "malformed " + what);
      }
    }
    return Long.parseLong(s, radix);
  }

  /** A CRLF- (or LF-) terminated ISO-8859-1 line, charged against a byte budget. */
  private static String readLine(int first, InputStream in, int[] budget) throws IOException, BadRequest {
    StringBuilder sb = new StringBuilder(64);
    int c = first >= 0 ? first : in.read();
    while (true) {
      if (c < 0) {
        throw new IOException("connection closed inside the request");
      }
      if (--budget[0] < 0) {
        throw new BadRequest(431, "request head larger than " + MAX_HEAD_BYTES + " bytes");
      }
      if (c == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      sb.append((char) c);
      c = in.read();
    }
  }

  private byte[] readBody(Head head, InputStream in, OutputStream out) throws IOException, BadRequest {
    if (!head.chunked && head.contentLength <= 0) {
      return new byte[0];
    }
    if (head.expectContinue) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    if (!head.chunked) {
      byte[] body = in.readNBytes((int) head.contentLength);
      if (body.length < head.contentLength) {
        throw new IOException("connection closed inside the body");
      }
      return body;
    }
    int max = limits.maxBodyBytes();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = chunkLine(in);
      int semi = sizeLine.indexOf(';');
      long size = digits((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16, 8, "chunk size");
      if (size > max - body.size()) {
        throw new BadRequest(413, "body larger than " + max + " bytes");
      }
      if (size == 0) {
        int[] trailerBudget = {MAX_HEAD_BYTES};
        while (!readLine(-1, in, trailerBudget).isEmpty()) {
          // trailer fields are ignored
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length < size) {
        throw new IOException("connection closed inside a chunk");
      }
      body.write(chunk);
      if (!chunkLine(in).isEmpty()) {
        throw new BadRequest(400, "malformed chunk");
      }
    }
  }

  /** A chunk-size line or a chunk's closing CRLF: each line on its own budget, however many chunks. */
  private static String chunkLine(InputStream in) throws IOException, BadRequest {
    int[] budget = {MAX_CHUNK_LINE_BYTES};
    try {
      return readLine(-1, in, budget);
    } catch (BadRequest e) {
      throw new BadRequest(400, "chunk line longer than " + MAX_CHUNK_LINE_BYTES + " bytes");
    }
  }

  /** Head, then body; a small response leaves the buffer as one segment at the flush. */
  private static void writeResponse(OutputStream out, Response r, Framing framing, boolean headOnly) throws IOException {
    StringBuilder h = new StringBuilder(128);
    h.append("HTTP/1.1 ").append(r.status).append(' ').append(reason(r.status)).append("\r\n");
    if (r.contentType != null) {
      h.append("Content-Type: ").append(r.contentType).append("\r\n");
    }
    if (r.location != null) {
      h.append("Location: ").append(r.location).append("\r\n");
    }
    h.append("Content-Length: ").append(r.body.length).append("\r\n");
    if (framing == Framing.CLOSE) {
      h.append("Connection: close\r\n");
    } else if (framing == Framing.KEEP_ALIVE_1_0) {
      h.append("Connection: keep-alive\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!headOnly) {
      out.write(r.body);
    }
    out.flush();
  }

  static String reason(int status) {
    return switch (status) {
      case 100 -> "Continue";
      case 200 -> "OK";
      case 301 -> "Moved Permanently";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status";
    };
  }

  /** Stops accepting and closes every open connection (a request being handled gets no answer). */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Connection c : open) {
      c.close();
    }
  }
}
