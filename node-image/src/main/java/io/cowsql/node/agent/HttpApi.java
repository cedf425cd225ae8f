package io.cowsql.node.agent;

import static io.cowsql.node.agent.BlockingHttpServer.Response.text;

import io.cowsql.client.CowsqlException;
import io.cowsql.node.agent.BlockingHttpServer.Request;
import io.cowsql.node.agent.BlockingHttpServer.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's HTTP endpoints on a {@link BlockingHttpServer}: {@code /healthz}, {@code /readyz},
 * {@code /status} (JSON), {@code /metrics} (Prometheus text), {@code /datadir} (JSON), {@code POST
 * /datadir/stop?plan=ID} and {@code POST /datadir/reconfigure?plan=ID}, and the dqlite-demo key/value API
 * ({@code PUT /{key}} with the value as body, {@code GET /{key}}).
 */
public final class HttpApi {
  static final int MAX_VALUE_BYTES = 1 << 20;

  /** What the endpoints need from the agent. */
  public interface Backend {
    boolean healthy();

    /** Null when ready, else the reason. */
    String notReadyReason();

    /** The agent's state now, for {@code /status} and {@code /metrics}. */
    StatusReport status();

    KeyValueStore kv();

    /** The {@code /datadir} report, null before the node has a data dir. */
    DataDirReport dataDir();

    /**
     * Stops the engine for {@code plan} (handing over first if this node leads) and keeps the HTTP API up; again for
     * the same plan: nothing more. Returns the report read from the stopped dir.
     *
     * @throws IllegalStateException when it cannot (stopped for another plan, not started, shutting down), saying why
     */
    DataDirReport stopEngine(String plan);

    /**
     * Forces {@code members} as the configuration of the dir whose engine is stopped for {@code plan}, unless its last
     * configuration is that already (then nothing is run); returns the report read from the dir afterwards.
     *
     * @throws IllegalStateException    when the engine is not stopped for {@code plan}, or the dir cannot be read
     * @throws IllegalArgumentException when {@code members} does not list this node
     */
    Reconfiguration reconfigure(String plan, java.util.List<io.cowsql.node.Member> members);
  }

  /**
   * What {@code POST /datadir/reconfigure} did.
   *
   * @param reconfigured false when the dir's last configuration was the target already and nothing was run
   * @param report       the {@code /datadir} report read from the dir afterwards
   */
  public record Reconfiguration(boolean reconfigured, DataDirReport report) {
    /** The report's document with {@code reconfigured} added. */
    public String json() {
      java.util.Map<String, Object> m = report.document();
      m.put("reconfigured", reconfigured);
      return Json.write(m);
    }
  }

  /** What a plan id may be: it names the operator's recovery plan, and goes into logs and reports as it is. */
  static final java.util.regex.Pattern PLAN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Connections served at once; an agent's clients are the operator, probes and a few apps. */
  static final int MAX_CONNECTIONS = 256;

  private final Backend backend;
  private volatile Server server;
  final AtomicLong kvGets = new AtomicLong();
  final AtomicLong kvPuts = new AtomicLong();
  final AtomicLong kvErrors = new AtomicLong();
  final AtomicLong kvStale = new AtomicLong();

  /** cowsql-demo's content type (Go's sniffed {@code text/plain}). */
  static final String DEMO_TYPE = "text/plain; charset=utf-8";

  /** A request that waited longer than this before an attempt is checked for a client that has gone. */
  static final long WAITED_NANOS = 100_000_000L;

  private HttpApi(Backend backend) {
    this.backend = backend;
  }

  /** The HTTP server under the endpoints: listens until closed. */
  public interface Server extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  /** Starts the server under the endpoints. */
  public interface ServerFactory {
    Server start(InetSocketAddress at, BlockingHttpServer.Limits limits, BlockingHttpServer.Handler handler) throws IOException;
  }

  /**
   * The class name of another {@link ServerFactory} (public, with a no-argument constructor) to
   * serve the endpoints instead of the agent's {@link BlockingHttpServer}: the benchmark's
   * comparison runs agents with the JDK's server and Jetty's this way, from its own class path.
   */
  static final String SERVER_PROPERTY = "cowsql.http.server";

  public static HttpApi start(InetSocketAddress at, Backend backend) throws IOException {
    // Complete before the first request can arrive.
    HttpApi api = new HttpApi(backend);
    BlockingHttpServer.Limits limits = BlockingHttpServer.Limits.defaults(MAX_VALUE_BYTES, MAX_CONNECTIONS);
    String factory = System.getProperty(SERVER_PROPERTY);
    if (factory == null || factory.isBlank()) {
      api.server = BlockingHttpServer.start(at, limits, api::handle);
    } else {
      try {
        api.server = ((ServerFactory) Class.forName(factory).getConstructor().newInstance()).start(at, limits, api::handle);
      } catch (ReflectiveOperationException | ClassCastException e) {
        throw new IllegalArgumentException("-D" + SERVER_PROPERTY + "=" + factory + ": not a class implementing " + ServerFactory.class.getName() + " (" + e + ")");
      }
    }
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
      case "/status" -> text(200, b.status().json() + "\n", "application/json");
      case "/datadir" -> {
        if (!r.method().equals("GET")) {
          yield text(405, "use GET /datadir\n", "text/plain");
        }
        DataDirReport d = b.dataDir();
        yield d == null ? text(503, "the node has no data dir yet\n", "text/plain") : text(200, d.json() + "\n", "application/json");
      }
      case "/datadir/stop" -> stopEngine(b, r, q < 0 ? "" : target.substring(q + 1));
      case "/datadir/reconfigure" -> reconfigure(b, r, q < 0 ? "" : target.substring(q + 1));
      case "/metrics" -> text(200, b.status().prometheus(new StatusReport.KvRequests(kvGets.get(), kvPuts.get(), kvErrors.get(), kvStale.get(),
          b.kv() == null ? java.util.Map.of() : b.kv().statementsSent())),
          "text/plain; version=0.0.4; charset=utf-8");
      default -> keyValue(b, r, path);
    };
  }

  /** {@code POST /datadir/stop?plan=ID}: 400 naming {@code plan} when it is missing or not a plan id; 409 when refused. */
  private static Response stopEngine(Backend b, Request r, String query) {
    if (!r.method().equals("POST")) {
      return text(405, "use POST /datadir/stop?plan=<plan id>\n", "text/plain");
    }
    String plan = plan(query);
    if (!PLAN_ID.matcher(plan).matches()) {
      return badPlan(plan);
    }
    try {
      return text(200, b.stopEngine(plan).json() + "\n", "application/json");
    } catch (IllegalStateException e) {
      return text(409, e.getMessage() + "\n", "text/plain");
    }
  }

  /**
   * {@code POST /datadir/reconfigure?plan=ID} with the target configuration as body ({@link TargetConfiguration}): 400
   * naming {@code plan} or the body's field, or when the target leaves this node out; 413 for a body over {@link
   * TargetConfiguration#MAX_BODY_BYTES}; 409 when the engine is not stopped for that plan; 500 when the engine's
   * reconfiguration fails.
   */
  private static Response reconfigure(Backend b, Request r, String query) {
    if (!r.method().equals("POST")) {
      return text(405, "use POST /datadir/reconfigure?plan=<plan id> with the configuration as JSON body\n", "text/plain");
    }
    String plan = plan(query);
    if (!PLAN_ID.matcher(plan).matches()) {
      return badPlan(plan);
    }
    if (r.body().length > TargetConfiguration.MAX_BODY_BYTES) {
      return text(413, "body must be at most " + TargetConfiguration.MAX_BODY_BYTES + " bytes, got " + r.body().length + "\n", "text/plain");
    }
    java.util.List<io.cowsql.node.Member> members;
    try {
      members = TargetConfiguration.parse(r.body());
    } catch (IllegalArgumentException e) {
      return text(400, e.getMessage() + "\n", "text/plain");
    }
    try {
      return text(200, b.reconfigure(plan, members).json() + "\n", "application/json");
    } catch (IllegalArgumentException e) {
      return text(400, e.getMessage() + "\n", "text/plain");
    } catch (IllegalStateException e) {
      return text(409, e.getMessage() + "\n", "text/plain");
    } catch (io.cowsql.node.engine.EngineException e) {
      return text(500, "the engine's reconfiguration failed: " + e.getMessage() + "\n", "text/plain");
    }
  }

  /** The {@code plan} query parameter, empty when absent. */
  private static String plan(String query) {
    String plan = "";
    for (String part : query.split("&")) {
      if (part.startsWith("plan=")) {
        plan = part.substring("plan=".length());
      }
    }
    return plan;
  }

  private static Response badPlan(String plan) {
    if (plan.isEmpty()) {
      return text(400, "query parameter plan is required: the id of the plan the engine is stopped for\n", "text/plain");
    }
    return text(400, "query parameter plan must be 1 to 128 of A-Z a-z 0-9 . _ : -, got '" + plan + "'\n", "text/plain");
  }

  /** cowsql-demo's answers: a line of text, status 200, whatever the outcome (Go's default). */
  private static Response demo(String line) {
    return text(200, line + "\n", DEMO_TYPE);
  }

  /**
   * The key/value API as cowsql-demo (go-cowsql 1.22, Go 1.19's {@code net/http}) answers it: the
   * key is the percent-decoded path without its leading slash; a path that is not clean ({@code
   * //a}, {@code /a/./b}) is redirected to its clean form (301, as Go's ServeMux does); a path that
   * does not decode is a 400; GET answers the value, PUT {@code done}, and a missing key or any
   * other method an {@code Error: ...} line, all with status 200. The agent's own additions: 503
   * when the cluster cannot answer (cowsql-demo says 200 with the error), 504 when a request is not
   * run because nobody waits for it any more, 413 for a body over 1 MiB.
   */
  private Response keyValue(Backend b, Request r, String rawPath) {
    String path;
    try {
      path = decodePath(rawPath);
    } catch (IllegalArgumentException e) {
      return new Response(400, DEMO_TYPE, "400 Bad Request".getBytes(StandardCharsets.UTF_8), null, true);
    }
    String clean = cleanPath(path);
    if (!clean.equals(path)) {
      String q = r.rawPath().indexOf('?') >= 0 ? r.rawPath().substring(r.rawPath().indexOf('?')) : "";
      String location = encodePath(clean) + (q.length() > 1 ? q : "");
      boolean get = r.method().equals("GET") || r.method().equals("HEAD");
      byte[] body = get ? ("<a href=\"" + htmlEscape(location) + "\">Moved Permanently</a>.\n\n").getBytes(StandardCharsets.UTF_8) : new byte[0];
      return new Response(301, get ? "text/html; charset=utf-8" : null, body, location, false);
    }
    String key = path.substring(1);
    KeyValueStore.Staleness staleness = attempt -> stale(r, attempt);
    try {
      if (r.method().equals("GET")) {
        kvGets.incrementAndGet();
        String v = b.kv().get(key, r.receivedNanos(), staleness);
        return demo(v == null ? "Error: sql: no rows in result set" : v);
      } else if (r.method().equals("PUT")) {
        kvPuts.incrementAndGet();
        b.kv().put(key, new String(r.body(), StandardCharsets.UTF_8), r.receivedNanos(), r.clientDeadlineMillis(), staleness);
        return demo("done");
      }
      return demo("Error: unsupported method \"" + r.method() + "\"");
    } catch (KeyValueStore.StaleRequest e) {
      kvStale.incrementAndGet();
      return text(504, "Error: " + e.getMessage() + "\n", DEMO_TYPE);
    } catch (CowsqlException e) {
      kvErrors.incrementAndGet();
      return text(503, "Error: " + e.getMessage() + "\n", DEMO_TYPE);
    }
  }

  /**
   * Why a request must not be run now, or null: its client's deadline passed, or (asked only once
   * it has waited, since it costs a short read) the client closed the connection.
   */
  private static String stale(Request r, int attempt) {
    if (r.clientDeadlineMillis() > 0 && System.currentTimeMillis() >= r.clientDeadlineMillis()) {
      return "its " + BlockingHttpServer.DEADLINE_HEADER + " passed";
    }
    long waited = System.nanoTime() - r.receivedNanos();
    if ((attempt > 0 || waited > WAITED_NANOS) && r.clientGone().getAsBoolean()) {
      return "the client closed the connection " + waited / 1_000_000L + " ms after the request arrived";
    }
    return null;
  }

  /** Percent-decoding of a URL path as Go's {@code url.PathUnescape} does it ({@code +} stays). */
  static String decodePath(String raw) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
          throw new IllegalArgumentException("bad percent escape in " + raw);
        }
        out.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Go's ServeMux {@code cleanPath}: {@code path.Clean}, keeping a trailing slash. */
  static String cleanPath(String p) {
    if (p.isEmpty()) {
      return "/";
    }
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        out.pollLast();
      } else {
        out.addLast(seg);
      }
    }
    String clean = "/" + String.join("/", out);
    return p.endsWith("/") && !clean.equals("/") ? clean + "/" : clean;
  }

  /** A clean path as a URL path again (what Go's {@code url.URL.String} writes for it). */
  static String encodePath(String p) {
    StringBuilder sb = new StringBuilder();
    for (byte x : p.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  private static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
  }
}
