package io.cowsql.node.agent;

import io.cowsql.node.agent.BlockingHttpServer.Handler;
import io.cowsql.node.agent.BlockingHttpServer.Limits;
import io.cowsql.node.agent.BlockingHttpServer.Request;
import io.cowsql.node.agent.BlockingHttpServer.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The agent's handler on Jetty 12's core server (no servlets): one of the servers of the benchmark's HTTP comparison. */
record JettyHttpServer(Server server, ServerConnector connector) implements HttpApi.Server {
  static JettyHttpServer start(InetSocketAddress at, Limits limits, Handler handler) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(limits.maxConnections() + 8, 4);
    threads.setName("http-jetty");
    threads.setDaemon(true);
    Server s = new Server(threads);
    HttpConfiguration hc = new HttpConfiguration();
    hc.setRequestHeaderSize(BlockingHttpServer.MAX_HEAD_BYTES);
    hc.setSendServerVersion(false);
    ServerConnector c = new ServerConnector(s, 1, 1, new HttpConnectionFactory(hc));
    c.setHost(at.getHostString());
    c.setPort(at.getPort());
    c.setIdleTimeout(limits.idleTimeoutMillis());
    c.setAcceptQueueSize(128);
    s.addConnector(c);
    s.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
      @Override
      public boolean handle(org.eclipse.jetty.server.Request req, org.eclipse.jetty.server.Response resp, Callback callback) throws Exception {
        Response r = exchange(req, limits, handler);
        resp.setStatus(r.status());
        if (r.contentType() != null) {
          resp.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
        }
        if (r.location() != null) {
          resp.getHeaders().put(HttpHeader.LOCATION, r.location());
        }
        if (r.close()) {
          resp.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        resp.getHeaders().put(HttpHeader.CONTENT_LENGTH, r.body().length);
        resp.write(true, req.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(r.body()), callback);
        return true;
      }
    });
    try {
      s.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot start Jetty: " + e.getMessage(), e);
    }
    return new JettyHttpServer(s, c);
  }

  private static Response exchange(org.eclipse.jetty.server.Request req, Limits limits, Handler handler) throws IOException {
    long arrived = req.getBeginNanoTime();
    long length = req.getLength();
    if (length > limits.maxBodyBytes()) {
      return new Response(413, "text/plain", ("Error: body larger than " + limits.maxBodyBytes() + " bytes\n").getBytes(), null, true);
    }
    byte[] body = org.eclipse.jetty.server.Request.asInputStream(req).readNBytes(limits.maxBodyBytes() + 1);
    if (body.length > limits.maxBodyBytes()) {
      return new Response(413, "text/plain", ("Error: body larger than " + limits.maxBodyBytes() + " bytes\n").getBytes(), null, true);
    }
    AtomicBoolean gone = new AtomicBoolean();
    req.addFailureListener(t -> gone.set(true));
    String deadline = req.getHeaders().get(BlockingHttpServer.DEADLINE_HEADER);
    try {
      return handler.handle(new Request(req.getMethod(), req.getHttpURI().getPathQuery(), body, arrived,
          deadline == null ? 0 : Long.parseLong(deadline.trim()), gone::get));
    } catch (Exception e) {
      return Response.text(500, "Error: " + e.getMessage() + "\n", "text/plain");
    }
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
