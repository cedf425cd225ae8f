package io.cowsql.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probe over real loopback sockets, against an HTTP server answering {@code /readyz} and {@code /datadir} the way
 * the node agent's HttpApi does (the agent's own answers are tested in node-image).
 */
class AgentProbeTest {
  private HttpServer server;
  private String address;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/readyz", x -> answer(x, 503, "not a member of the configuration: leader 1000 does not"
        + " list node 1002\n"));
    server.createContext("/datadir", x -> answer(x, 200, "{\"id\":\"1002\",\"epoch\":3,\"engineStopped\":true,"
        + "\"stopPlan\":\"r4-abcd\",\"lastEntry\":{\"term\":7,\"index\":120},\"lastConfiguration\":[{\"id\":\"1000\","
        + "\"address\":\"a-0:9000\",\"role\":\"voter\"}],\"problems\":[]}\n"));
    server.start();
    address = "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange x, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(code, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Test
  void notReadyReasonIsTheAgentsReadyzAnswer() {
    Map<String, AgentReport> said = new AgentProbe(Duration.ofSeconds(2)).ask(Map.of("a-2", address), Map.of());
    assertThat(said.get("a-2").notReadyReason())
        .hasValue("not a member of the configuration: leader 1000 does not list node 1002");
    assertThat(said.get("a-2").dataDir()).isEmpty();
  }

  @Test
  void dataDirReportIsRead() {
    AgentReport.DataDir d = new AgentProbe(Duration.ofSeconds(2)).ask(Map.of(), Map.of("a-2", address)).get("a-2")
        .dataDir().orElseThrow();
    assertThat(d.nodeId()).isEqualTo("1002");
    assertThat(d.epoch()).isEqualTo(3);
    assertThat(d.engineStopped()).isTrue();
    assertThat(d.stopPlan()).hasValue("r4-abcd");
    assertThat(d.lastEntry()).hasValue(new AgentReport.Entry(7, 120));
    assertThat(d.lastConfiguration()).containsExactly(new CowsqlView.Member("1000", "a-0:9000", "voter"));
  }

  @Test
  void anAgentThatDoesNotAnswerIsAbsentWithinTheTimeout() throws IOException {
    String closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = "127.0.0.1:" + s.getLocalPort();
    }
    Map<String, AgentReport> said = new AgentProbe(Duration.ofMillis(500)).ask(Map.of("a-1", closed, "a-2", address),
        Map.of("a-1", closed));
    assertThat(said).containsOnlyKeys("a-2");
    assertThat(said.get("a-2").notReadyReason()).isPresent();
    assertThat(Optional.ofNullable(said.get("a-1"))).isEmpty();
  }
}
