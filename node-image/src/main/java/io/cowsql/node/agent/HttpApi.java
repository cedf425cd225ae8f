package io.cowsql.node.agent;

import static io.cowsql.node.agent.BlockingHttpServer.Response.text;

import io.cowsql.client.CowsqlException;
import io.cowsql.node.agent.BlockingHttpServer.Request;
import io.cowsql.node.agent.BlockingHttpServer.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's HTTP endpoints on a {@link BlockingHttpServer}: {@code /healthz}, {@code /readyz},
 * {@code /status} (JSON), {@code /metrics} (Prometheus text), and the dqlite-demo key/value API
 * ({@code PUT /{key}} with the value as body, {@code GET /{key}}).
 */
public final class HttpApi {
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

  /** Connections served at once; an agent's clients are the operator, probes and a few apps. */
  static final int MAX_CONNECTIONS = 256;

  private final Backend backend;
  private volatile BlockingHttpServer server;
  final AtomicLong kvGets = new AtomicLong();
  final AtomicLong kvPuts = new AtomicLong();
  final AtomicLong kvErrors = new AtomicLong();

  private HttpApi(Backend backend) {
    this.backend = backend;
  }

  public static HttpApi start(InetSocketAddress at, Backend backend) throws IOException {
    // Complete before the first request can arrive.
    HttpApi api = new HttpApi(backend);
    api.server = BlockingHttpServer.start(at, BlockingHttpServer.Limits.defaults(MAX_VALUE_BYTES, MAX_CONNECTIONS), api::handle);
    return api;
  }

  public int port() {
    return server.port();
  }

  public void stop() {
    server.close();
  }

  private Response handle(Request r) {
    Backend b = backend;
    String target = r.rawPath();
    int q = target.indexOf('?');
    String path = q >= 0 ? target.substring(0, q) : target;
    return switch (path) {
      case "/healthz" -> text(b.healthy() ? 200 : 503, b.healthy() ? "ok\n" : "stopping\n", "text/plain");
      case "/readyz" -> {
        String why = b.notReadyReason();
        yield text(why == null ? 200 : 503, why == null ? "ready\n" : why + "\n", "text/plain");
      }
      case "/status" -> text(200, b.statusJson() + "\n", "application/json");
      case "/metrics" -> text(200, metricsText(b), "text/plain; version=0.0.4");
      default -> keyValue(b, r.method(), path, r.body());
    };
  }

  private String metricsText(Backend b) {
    return b.metrics()
        + "# TYPE cowsql_kv_requests_total counter\n"
        + "cowsql_kv_requests_total{method=\"GET\"} " + kvGets.get() + "\n"
        + "cowsql_kv_requests_total{method=\"PUT\"} " + kvPuts.get() + "\n"
        + "# TYPE cowsql_kv_errors_total counter\n"
        + "cowsql_kv_errors_total " + kvErrors.get() + "\n";
  }

  private Response keyValue(Backend b, String method, String rawPath, byte[] body) {
    String key;
    try {
      key = URLDecoder.decode(rawPath.substring(1), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text(400, "Error: malformed key: " + e.getMessage() + "\n", "text/plain");
    }
    if (key.isEmpty()) {
      return text(400, "Error: empty key\n", "text/plain");
    }
    try {
      if (method.equals("GET")) {
        kvGets.incrementAndGet();
        String v = b.kv().get(key);
        return v == null ? text(404, "Error: sql: no rows in result set\n", "text/plain") : text(200, v + "\n", "text/plain");
      } else if (method.equals("PUT")) {
        kvPuts.incrementAndGet();
        b.kv().put(key, new String(body, StandardCharsets.UTF_8));
        return text(200, "done\n", "text/plain");
      }
      return text(405, "Error: unsupported method \"" + method + "\"\n", "text/plain");
    } catch (CowsqlException e) {
      kvErrors.incrementAndGet();
      return text(503, "Error: " + e.getMessage() + "\n", "text/plain");
    }
  }
}
