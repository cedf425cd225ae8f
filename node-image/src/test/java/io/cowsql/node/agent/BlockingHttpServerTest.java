package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.agent.BlockingHttpServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP server over real sockets: keep-alive, bodies, limits and malformed requests. */
class BlockingHttpServerTest {
  static final int MAX_BODY = 1000;
  BlockingHttpServer server;

  @BeforeEach
  void start() throws IOException {
    // Echoes method, target and body length; "/fail" throws, as a broken handler would.
    server = BlockingHttpServer.start(new InetSocketAddress("127.0.0.1", 0), MAX_BODY, 3, r -> {
      if (r.rawPath().equals("/fail")) {
        throw new IllegalStateException("handler broke");
      }
      return Response.text(200, r.method() + " " + r.rawPath() + " " + r.body().length + " " + new String(r.body(), StandardCharsets.UTF_8), "text/plain");
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(5000);
    return s;
  }

  static String send(Socket s, String raw) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return readResponse(s.getInputStream());
  }

  /** One response: the head, then as many body bytes as Content-Length says. */
  static String readResponse(InputStream in) throws IOException {
    return readResponse(in, true);
  }

  static String readResponse(InputStream in, boolean withBody) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(c);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    if (!withBody) {
      return h;
    }
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
    try (Socket s = connect()) {
      for (int i = 0; i < 3; i++) {
        String r = send(s, "PUT /k" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(r).startsWith("HTTP/1.1 200 OK\r\n").endsWith("PUT /k" + i + " 5 hello").doesNotContain("Connection: close");
      }
    }
  }

  @Test
  void aJavaHttpClientGetsItsAnswers() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/a%20b?x=1"))
          .PUT(HttpRequest.BodyPublishers.ofString("v" + i)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("PUT /a%20b?x=1 2 v" + i);
    }
  }

  @Test
  void chunkedBodiesAreDecodedAndExpectContinueIsAnswered() throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write("PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String interim = readResponse(s.getInputStream());
      assertThat(interim).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      String r = send(s, "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: t\r\n\r\n");
      assertThat(r).startsWith("HTTP/1.1 200 ").endsWith("PUT /c 7 abcdefg");
    }
  }

  @Test
  void http10AndConnectionCloseEndTheConnectionAfterTheAnswer() throws IOException {
    for (String req : List.of("GET /a HTTP/1.0\r\n\r\n", "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n")) {
      try (Socket s = connect()) {
        String r = send(s, req);
        assertThat(r).startsWith("HTTP/1.1 200 ").contains("Connection: close").endsWith("GET /a 0 ");
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws IOException {
    try (Socket s = connect()) {
      // Only the head is sent: the answer must come without the 10 MB the head announces.
      String r = send(s, "PUT /big HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n");
      assertThat(r).startsWith("HTTP/1.1 413 ").contains("body larger than " + MAX_BODY + " bytes");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket s = connect()) {
      String r = send(s, "PUT /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(MAX_BODY + 1) + "\r\n");
      assertThat(r).startsWith("HTTP/1.1 413 ");
    }
  }

  @Test
  void anEndlessHeadIsCutOffWith431() throws IOException {
    try (Socket s = connect()) {
      String r = send(s, "GET /a HTTP/1.1\r\nX: " + "y".repeat(BlockingHttpServer.MAX_HEAD_BYTES) + "\r\n\r\n");
      assertThat(r).startsWith("HTTP/1.1 431 ").contains("request head larger than");
    }
  }

  @Test
  void malformedRequestsGet400Or505AndTheServerKeepsServing() throws IOException {
    List<String> bad = List.of(
        "GARBAGE\r\n\r\n",
        "GET nopath HTTP/1.1\r\n\r\n",
        "get /a HTTP/1.1\r\n\r\n",
        "GET /a HTTP/1.1\r\nno colon here\r\n\r\n",
        "PUT /a HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "PUT /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "PUT /a HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET /a HTTP/2.0\r\n\r\n");
    List<String> statuses = new ArrayList<>();
    for (String req : bad) {
      try (Socket s = connect()) {
        String r = send(s, req);
        statuses.add(r.substring(9, 12));
        assertThat(r).as(req).contains("Error: ");
      }
    }
    assertThat(statuses).containsExactly("400", "400", "400", "400", "400", "400", "400", "400", "505");
    try (Socket s = connect()) {
      assertThat(send(s, "GET /still HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aHandlerFailureIs500AndTheConnectionStaysUsable() throws IOException {
    try (Socket s = connect()) {
      assertThat(send(s, "GET /fail HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 500 ").contains("handler broke");
      assertThat(send(s, "GET /ok HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void connectionsBeyondTheLimitGet503() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = connect();
        held.add(s);
        assertThat(send(s, "GET /hold HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
      }
      try (Socket s = connect()) {
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 503 ").contains("too many connections");
      }
      held.remove(0).close();
      // The freed slot is reusable once the server has seen the close.
      long deadline = System.nanoTime() + 5_000_000_000L;
      String r;
      do {
        try (Socket s = connect()) {
          r = send(s, "GET /again HTTP/1.1\r\n\r\n");
        }
      } while (!r.startsWith("HTTP/1.1 200 ") && System.nanoTime() < deadline && sleep());
      assertThat(r).startsWith("HTTP/1.1 200 ");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aTricklingClientIsCutOffAtTheRequestDeadlineAndAnIdleOneAtTheIdleTimeout() throws Exception {
    try (BlockingHttpServer strict = BlockingHttpServer.start(new InetSocketAddress("127.0.0.1", 0), MAX_BODY, 3, 700, 500,
        r -> Response.text(200, "ok", "text/plain"))) {
      try (Socket s = new Socket("127.0.0.1", strict.port())) {
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        long t0 = System.nanoTime();
        boolean cut = false;
        // One byte every 100 ms: each read is quick, but the head never completes.
        for (int i = 0; i < 40 && !cut; i++) {
          try {
            out.write('G');
            out.flush();
            Thread.sleep(100);
          } catch (IOException e) {
            cut = true;
          }
        }
        if (!cut) {
          assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
      }
      try (Socket s = new Socket("127.0.0.1", strict.port())) {
        s.setSoTimeout(5000);
        long t0 = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(600L, 3000L);
      }
    }
  }

  @Test
  void headAnswersWithoutABody() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write("HEAD /h HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String r = readResponse(s.getInputStream(), false);
      assertThat(r).startsWith("HTTP/1.1 200 ").contains("Content-Length: 10\r\n");
      // The announced length was not sent: the next answer follows directly.
      assertThat(send(s, "GET /next HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ").endsWith("GET /next 0 ");
    }
  }

  private static boolean sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
