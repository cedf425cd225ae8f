package io.cowsql.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probe over real loopback sockets, against HTTP servers answering {@code /readyz} as the node agent's HttpApi
 * does (503 with the reason as the body, 200 when ready). The agent's own answers are tested in node-image, the two
 * together on the testbed (OperatorSystemTest).
 */
class AgentProbeTest {
  private static final String WHY = "not a member of the configuration: leader 3e8 (a-0:9000) does not list node 3ea";
  private HttpServer notReady;
  private HttpServer ready;

  @BeforeEach
  void start() throws IOException {
    notReady = server(503, WHY + "\n");
    ready = server(200, "ok\n");
  }

  @AfterEach
  void stop() {
    notReady.stop(0);
    ready.stop(0);
  }

  private static HttpServer server(int code, String body) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext(AgentProbe.READYZ_PATH, x -> answer(x, code, body));
    s.start();
    return s;
  }

  private static String address(HttpServer s) {
    return "127.0.0.1:" + s.getAddress().getPort();
  }

  private static void answer(HttpExchange x, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(code, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Test
  void theReasonIsTheAgentsReadyzAnswerAndAReadyAgentGivesNone() {
    Map<String, String> said = new AgentProbe(Duration.ofSeconds(20))
        .notReadyReasons(Map.of("a-2", address(notReady), "a-1", address(ready)));
    assertThat(said).containsOnly(Map.entry("a-2", WHY));
  }

  @Test
  void anAgentThatDoesNotAnswerIsLeftOutAndDoesNotHoldUpTheOthers() throws IOException {
    String closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = "127.0.0.1:" + s.getLocalPort();
    }
    // A listener that accepts and never answers: the probe gives up on it at its timeout.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Map<String, String> said = new AgentProbe(Duration.ofMillis(500)).notReadyReasons(Map.of("a-0",
          "127.0.0.1:" + silent.getLocalPort(), "a-1", closed, "a-2", address(notReady)));
      assertThat(said).containsOnly(Map.entry("a-2", WHY));
    }
  }

  @Test
  void aLongReasonIsCut() throws IOException {
    HttpServer verbose = server(503, "x".repeat(5000));
    try {
      String why = new AgentProbe(Duration.ofSeconds(20)).notReadyReasons(Map.of("a-0", address(verbose))).get("a-0");
      assertThat(why).hasSize(AgentProbe.MAX_REASON_CHARS).endsWith("...");
    } finally {
      verbose.stop(0);
    }
  }
}
