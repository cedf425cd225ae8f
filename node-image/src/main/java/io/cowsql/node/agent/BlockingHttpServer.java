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
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A small HTTP/1.1 server for the agent's endpoints: blocking sockets, one thread per connection,
 * keep-alive, bodies by Content-Length or chunked, bounded in everything it reads.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it parses each request on a pool thread
 * and hands the connection back to a selector thread after every response, so a request costs
 * two extra thread wake-ups. The key/value API is a one-round-trip proxy to the leader, and those
 * wake-ups were a measurable part of its latency (see the node-image benchmark). A connection that
 * owns its thread reads, calls the leader and answers without a hand-off, as a Go server does.
 *
 * <p>Limits: request head {@link #MAX_HEAD_BYTES} (431 beyond), body {@code maxBodyBytes} (413
 * beyond, checked before reading it), {@code maxConnections} at once (503 beyond), an idle
 * keep-alive connection is closed after {@link #IDLE_TIMEOUT_MILLIS}, and a whole request (head
 * and body) must arrive within {@link #READ_TIMEOUT_MILLIS} of its first byte. Malformed requests get 400 and a close.
 */
public final class BlockingHttpServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BlockingHttpServer.class.getName());
  static final int MAX_HEAD_BYTES = 16 * 1024;
  static final int MAX_HEADERS = 100;
  static final int IDLE_TIMEOUT_MILLIS = 60_000;
  static final int READ_TIMEOUT_MILLIS = 30_000;

  /** A request: method, raw path (with any query), and the whole body. */
  public record Request(String method, String rawPath, byte[] body) {}

  /** A response; {@code body} is sent as is with the given content type. */
  public record Response(int status, String contentType, byte[] body) {
    public static Response text(int status, String body, String contentType) {
      return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Answers one request; an exception becomes a 500 (the connection stays usable). */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  private final ServerSocket listener;
  private final Handler handler;
  private final int maxBodyBytes;
  private final int maxConnections;
  private final int idleTimeoutMillis;
  private final int requestTimeoutMillis;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private BlockingHttpServer(ServerSocket listener, Handler handler, int maxBodyBytes, int maxConnections, int idleTimeoutMillis, int requestTimeoutMillis) {
    this.listener = listener;
    this.handler = handler;
    this.maxBodyBytes = maxBodyBytes;
    this.maxConnections = maxConnections;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  /** Binds {@code at} (throws {@link java.net.BindException} when taken) and starts accepting. */
  public static BlockingHttpServer start(InetSocketAddress at, int maxBodyBytes, int maxConnections, Handler handler) throws IOException {
    return start(at, maxBodyBytes, maxConnections, IDLE_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, handler);
  }

  static BlockingHttpServer start(InetSocketAddress at, int maxBodyBytes, int maxConnections, int idleTimeoutMillis, int requestTimeoutMillis, Handler handler)
      throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(at, 128);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    BlockingHttpServer server = new BlockingHttpServer(s, handler, maxBodyBytes, maxConnections, idleTimeoutMillis, requestTimeoutMillis);
    Thread t = new Thread(server::acceptLoop, "http-accept");
    t.setDaemon(true);
    t.start();
    return server;
  }

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
      if (open.size() >= maxConnections) {
        refuse(s);
        continue;
      }
      open.add(s);
      Thread t = new Thread(() -> serve(s), "http");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Over the connection limit: a 503 from the accept thread, without reading the request. */
  private void refuse(Socket s) {
    try (s) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      writeResponse(out, Response.text(503, "Error: too many connections\n", "text/plain"), false, false);
      out.flush();
    } catch (IOException e) {
      // the client went away
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      DeadlineInput deadline = new DeadlineInput(s);
      InputStream in = new BufferedInputStream(deadline, 8192);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
      while (!closed) {
        deadline.expireIn(idleTimeoutMillis);
        int first = in.read();
        if (first < 0) {
          return;
        }
        deadline.expireIn(requestTimeoutMillis);
        if (!exchange(first, in, out)) {
          return;
        }
      }
    } catch (SocketTimeoutException e) {
      // idle, or a request that stopped arriving: drop the connection
    } catch (IOException e) {
      // the client went away
    } finally {
      open.remove(s);
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

  /** One request and its response; false when the connection must close afterwards. */
  private boolean exchange(int first, InputStream in, OutputStream out) throws IOException {
    Head head;
    try {
      head = readHead(first, in);
    } catch (BadRequest e) {
      writeResponse(out, Response.text(e.status, "Error: " + e.getMessage() + "\n", "text/plain"), false, false);
      out.flush();
      return false;
    }
    byte[] body;
    try {
      body = readBody(head, in, out);
    } catch (BadRequest e) {
      writeResponse(out, Response.text(e.status, "Error: " + e.getMessage() + "\n", "text/plain"), false, false);
      out.flush();
      return false;
    }
    Response r;
    try {
      r = handler.handle(new Request(head.method, head.target, body));
    } catch (Exception | LinkageError e) {
      LOG.warning("http " + head.method + " " + head.target + ": " + e);
      r = Response.text(500, "Error: " + e.getMessage() + "\n", "text/plain");
    }
    writeResponse(out, r, head.keepAlive && !closed, head.method.equals("HEAD"));
    out.flush();
    return head.keepAlive;
  }

  private record Head(String method, String target, boolean keepAlive, long contentLength, boolean chunked, boolean expectContinue) {}

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
    String[] parts = requestLine.split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/")) {
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
    boolean keepAlive = version.equals("HTTP/1.1");
    long contentLength = -1;
    boolean chunked = false;
    boolean expectContinue = false;
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
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> {
          long v;
          try {
            v = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new BadRequest(400, "malformed Content-Length");
          }
          if (v < 0 || (contentLength >= 0 && v != contentLength)) {
            throw new BadRequest(400, "malformed Content-Length");
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
        case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
        default -> {
          // not needed
        }
      }
    }
    if (chunked && contentLength >= 0) {
      throw new BadRequest(400, "both Content-Length and Transfer-Encoding");
    }
    return new Head(parts[0], parts[1], keepAlive, contentLength, chunked, expectContinue);
  }

  /** A CRLF- (or LF-) terminated ISO-8859-1 line, charged against the head's byte budget. */
  private static String readLine(int first, InputStream in, int[] budget) throws IOException, BadRequest {
    StringBuilder sb = new StringBuilder(64);
    int c = first >= 0 ? first : in.read();
    while (true) {
      if (c < 0) {
        throw new IOException("connection closed inside the request head");
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
    if (head.contentLength > maxBodyBytes) {
      throw new BadRequest(413, "body larger than " + maxBodyBytes + " bytes");
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
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int[] lineBudget = {MAX_HEAD_BYTES};
    while (true) {
      String sizeLine = readLine(-1, in, lineBudget);
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
      } catch (NumberFormatException e) {
        throw new BadRequest(400, "malformed chunk size");
      }
      if (size < 0 || body.size() + size > maxBodyBytes) {
        throw new BadRequest(413, "body larger than " + maxBodyBytes + " bytes");
      }
      if (size == 0) {
        // trailer fields, up to the empty line
        while (!readLine(-1, in, lineBudget).isEmpty()) {
          // ignored
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length < size) {
        throw new IOException("connection closed inside a chunk");
      }
      body.write(chunk);
      if (!readLine(-1, in, lineBudget).isEmpty()) {
        throw new BadRequest(400, "malformed chunk");
      }
    }
  }

  private static void writeResponse(OutputStream out, Response r, boolean keepAlive, boolean headOnly) throws IOException {
    StringBuilder h = new StringBuilder(128);
    h.append("HTTP/1.1 ").append(r.status).append(' ').append(reason(r.status)).append("\r\n");
    if (r.contentType != null) {
      h.append("Content-Type: ").append(r.contentType).append("\r\n");
    }
    h.append("Content-Length: ").append(r.body.length).append("\r\n");
    if (!keepAlive) {
      h.append("Connection: close\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!headOnly) {
      out.write(r.body);
    }
  }

  static String reason(int status) {
    return switch (status) {
      case 100 -> "Continue";
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
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
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
