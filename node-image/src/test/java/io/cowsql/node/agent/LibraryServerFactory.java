package io.cowsql.node.agent;

import io.cowsql.node.agent.BlockingHttpServer.Handler;
import io.cowsql.node.agent.BlockingHttpServer.Limits;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The benchmark's way to run an agent's endpoints on a library server: {@code
 * -Dcowsql.http.server=io.cowsql.node.agent.LibraryServerFactory} with {@code -D}{@value #PROPERTY}
 * {@code =jdk} (the JDK's {@code com.sun.net.httpserver}) or {@code =jetty} (Jetty 12).
 */
public final class LibraryServerFactory implements HttpApi.ServerFactory {
  static final String PROPERTY = "bench.libraryServer";

  @Override
  public HttpApi.Server start(InetSocketAddress at, Limits limits, Handler handler) throws IOException {
    String which = System.getProperty(PROPERTY, "");
    return switch (which) {
      case "jdk" -> JdkHttpServer.start(at, limits, handler);
      case "jetty" -> JettyHttpServer.start(at, limits, handler);
      default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + which + ": expected jdk or jetty");
    };
  }
}
