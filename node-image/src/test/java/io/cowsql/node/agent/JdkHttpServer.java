package io.cowsql.node.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cowsql.node.agent.BlockingHttpServer.Handler;
import io.cowsql.node.agent.BlockingHttpServer.Limits;
import io.cowsql.node.agent.BlockingHttpServer.Request;
import io.cowsql.node.agent.BlockingHttpServer.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's handler on the JDK's {@code com.sun.net.httpserver} with a pool of one thread per
 * connection at most: one of the servers of the benchmark's HTTP comparison. Run it with
 * {@code -Dsun.net.httpserver.nodelay=true} (the JDK reads it once, at its first server).
 */
record JdkHttpServer(HttpServer server, ExecutorService pool) implements HttpApi.Server {
  static JdkHttpServer start(InetSocketAddress at, Limits limits, Handler handler) throws IOException {
    HttpServer s = HttpServer.create(at, 128);
    ExecutorService pool = Executors.newFixedThreadPool(limits.maxConnections(), r -> {
      Thread t = new Thread(r, "http-jdk");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(pool);
    s.createContext("/", ex -> exchange(ex, limits, handler));
    s.start();
    return new JdkHttpServer(s, pool);
  }

  private static void exchange(HttpExchange ex, Limits limits, Handler handler) throws IOException {
    long arrived = System.nanoTime();
    try (ex) {
      String method = ex.getRequestMethod();
      String raw = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      String length = ex.getRequestHeaders().getFirst("Content-Length");
      Response r;
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        if (length != null && Long.parseLong(length.trim()) > limits.maxBodyBytes()) {
          body = null;
        } else {
          body = in.readNBytes(limits.maxBodyBytes() + 1);
        }
      }
      if (body == null || body.length > limits.maxBodyBytes()) {
        r = new Response(413, "text/plain", ("Error: body larger than " + limits.maxBodyBytes() + " bytes\n").getBytes(), null, true);
      } else {
        String deadline = ex.getRequestHeaders().getFirst(BlockingHttpServer.DEADLINE_HEADER);
        try {
          r = handler.handle(new Request(method, raw, body, arrived, deadline == null ? 0 : Long.parseLong(deadline.trim()), () -> false));
        } catch (Exception e) {
          r = Response.text(500, "Error: " + e.getMessage() + "\n", "text/plain");
        }
      }
      if (r.contentType() != null) {
        ex.getResponseHeaders().set("Content-Type", r.contentType());
      }
      if (r.location() != null) {
        ex.getResponseHeaders().set("Location", r.location());
      }
      if (r.close()) {
        ex.getResponseHeaders().set("Connection", "close");
      }
      boolean head = method.equals("HEAD");
      ex.sendResponseHeaders(r.status(), head || r.body().length == 0 ? -1 : r.body().length);
      if (!head && r.body().length > 0) {
        ex.getResponseBody().write(r.body());
      }
    }
  }

  @Override
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
