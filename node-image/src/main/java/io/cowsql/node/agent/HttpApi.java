package io.cowsql.node.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cowsql.client.CowsqlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The agent's HTTP endpoints on the JDK's built-in server: {@code /healthz}, {@code /readyz},
 * {@code /status} (JSON), {@code /metrics} (Prometheus text), and the dqlite-demo key/value API
 * ({@code PUT /{key}} with the value as body, {@code GET /{key}}).
 */
public final class HttpApi {
  private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());
  static final int MAX_VALUE_BYTES = 1 << 20;

  /** What the endpoints need from the agent. */
  public interface Backend {
    boolean healthy();

    /** Null when ready, else the reason. */
    String notReadyReason();

    String statusJson();

    String metrics();

    KeyValueStore kv();
  }

  private final HttpServer server;
  private final ExecutorService pool;
  final AtomicLong kvGets = new AtomicLong();
  final AtomicLong kvPuts = new AtomicLong();
  final AtomicLong kvErrors = new AtomicLong();

  private HttpApi(HttpServer server, ExecutorService pool) {
    this.server = server;
    this.pool = pool;
  }

  public static HttpApi start(InetSocketAddress at, Backend backend) throws IOException {
    // Without TCP_NODELAY, small responses wait for the client's delayed ACK (~40 ms each).
    // Read once by the JDK's server configuration: set before the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(at, 128);
    ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "http");
      t.setDaemon(true);
      return t;
    });
    HttpApi api = new HttpApi(server, pool);
    server.createContext("/", ex -> api.handle(ex, backend));
    server.setExecutor(pool);
    server.start();
    return api;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange ex, Backend b) throws IOException {
    try {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      switch (path) {
        case "/healthz" -> send(ex, b.healthy() ? 200 : 503, b.healthy() ? "ok\n" : "stopping\n", "text/plain");
        case "/readyz" -> {
          String why = b.notReadyReason();
          send(ex, why == null ? 200 : 503, why == null ? "ready\n" : why + "\n", "text/plain");
        }
        case "/status" -> send(ex, 200, b.statusJson() + "\n", "application/json");
        case "/metrics" -> send(ex, 200, metricsText(b), "text/plain; version=0.0.4");
        default -> keyValue(ex, b, method, path);
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.warning("http " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + e);
      send(ex, 500, "Error: " + e.getMessage() + "\n", "text/plain");
    } finally {
      ex.close();
    }
  }

  private String metricsText(Backend b) {
    return b.metrics()
        + "# TYPE cowsql_kv_requests_total counter\n"
        + "cowsql_kv_requests_total{method=\"GET\"} " + kvGets.get() + "\n"
        + "cowsql_kv_requests_total{method=\"PUT\"} " + kvPuts.get() + "\n"
        + "# TYPE cowsql_kv_errors_total counter\n"
        + "cowsql_kv_errors_total " + kvErrors.get() + "\n";
  }

  private void keyValue(HttpExchange ex, Backend b, String method, String rawPath) throws IOException {
    String key = URLDecoder.decode(rawPath.substring(1), StandardCharsets.UTF_8);
    if (key.isEmpty()) {
      send(ex, 400, "Error: empty key\n", "text/plain");
      return;
    }
    try {
      if (method.equals("GET")) {
        kvGets.incrementAndGet();
        String v = b.kv().get(key);
        if (v == null) {
          send(ex, 404, "Error: sql: no rows in result set\n", "text/plain");
        } else {
          send(ex, 200, v + "\n", "text/plain");
        }
      } else if (method.equals("PUT")) {
        kvPuts.incrementAndGet();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
          body = in.readNBytes(MAX_VALUE_BYTES + 1);
        }
        if (body.length > MAX_VALUE_BYTES) {
          send(ex, 413, "Error: value larger than " + MAX_VALUE_BYTES + " bytes\n", "text/plain");
          return;
        }
        b.kv().put(key, new String(body, StandardCharsets.UTF_8));
        send(ex, 200, "done\n", "text/plain");
      } else {
        send(ex, 405, "Error: unsupported method \"" + method + "\"\n", "text/plain");
      }
    } catch (CowsqlException e) {
      kvErrors.incrementAndGet();
      send(ex, 503, "Error: " + e.getMessage() + "\n", "text/plain");
    }
  }

  private static void send(HttpExchange ex, int code, String body, String type) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
