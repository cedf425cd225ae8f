package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.node.agent.BlockingHttpServer.Limits;
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
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP server over real sockets: keep-alive, bodies, limits and malformed requests. */
class BlockingHttpServerTest {
  static final int MAX_BODY = 1000;
  /** Larger than what the kernel buffers on loopback, so that the server's write blocks. */
  static final int BIG = 32 << 20;
  final CountDownLatch release = new CountDownLatch(1);
  BlockingHttpServer server;

  BlockingHttpServer start(Limits limits) throws IOException {
    // Echoes method, target and body length; "/fail" throws, as a broken handler would; "/block"
    // waits until the test ends; "/big" answers 8 MiB.
    return BlockingHttpServer.start(new InetSocketAddress("127.0.0.1", 0), limits, r -> {
      switch (r.rawPath()) {
        case "/fail" -> throw new IllegalStateException("handler broke");
        case "/block" -> release.await();
        case "/big" -> {
          return new Response(200, "application/octet-stream", new byte[BIG]);
        }
        default -> {
          // echo
        }
      }
      return Response.text(200, r.method() + " " + r.rawPath() + " " + r.body().length + " " + new String(r.body(), StandardCharsets.UTF_8), "text/plain");
    });
  }

  @BeforeEach
  void start() throws IOException {
    server = start(new Limits(MAX_BODY, 4 * MAX_BODY, 3, 60_000, 30_000, 30_000));
  }

  @AfterEach
  void stop() {
    release.countDown();
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
        "PUT /a HTTP/1.1\r\nContent-Length : 3\r\n\r\nabc",
        "PUT /a HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc",
        "PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\na\r\n0\r\n\r\n",
        "GET a HTTP/1.1\r\n\r\n",
        "GET /a HTTP/2.0\r\n\r\n");
    List<String> statuses = new ArrayList<>();
    for (String req : bad) {
      try (Socket s = connect()) {
        String r = send(s, req);
        statuses.add(r.substring(9, 12));
        assertThat(r).as(req).contains("Error: ").contains("Connection: close");
        assertThat(s.getInputStream().read()).as(req).isEqualTo(-1);
      }
    }
    assertThat(statuses).containsExactly("400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "505");
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
  void aNewConnectionBeyondTheLimitClosesTheLongestIdleOne() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = connect();
        held.add(s);
        assertThat(send(s, "GET /hold HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
      }
      // A probe still gets in: the connection idle the longest makes room.
      try (Socket s = connect()) {
        assertThat(send(s, "GET /healthz HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
      }
      assertThat(held.get(0).getInputStream().read()).isEqualTo(-1);
      assertThat(send(held.get(2), "GET /still HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aNewConnectionBeyondTheLimitGets503WhenEveryConnectionIsBusy() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = connect();
        held.add(s);
        s.getOutputStream().write("GET /block HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      Thread.sleep(300);
      try (Socket s = connect()) {
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 503 ").contains("too many connections");
      }
    } finally {
      release.countDown();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void bodiesWaitForTheirShareOfTheBufferBudgetAndGet503WhenItDoesNotCome() throws Exception {
    // Room for one full body at a time; a request may wait 1 s for its share.
    try (BlockingHttpServer tight = start(new Limits(MAX_BODY, MAX_BODY, 10, 60_000, 1000, 30_000));
        Socket first = new Socket("127.0.0.1", tight.port()); Socket second = new Socket("127.0.0.1", tight.port());
        Socket small = new Socket("127.0.0.1", tight.port())) {
      for (Socket s : List.of(first, second, small)) {
        s.setSoTimeout(5000);
      }
      first.getOutputStream().write(("PUT /block HTTP/1.1\r\nContent-Length: " + MAX_BODY + "\r\n\r\n" + "x".repeat(MAX_BODY))
          .getBytes(StandardCharsets.ISO_8859_1));
      Thread.sleep(200);
      long t0 = System.nanoTime();
      String r = send(second, "PUT /second HTTP/1.1\r\nContent-Length: " + MAX_BODY + "\r\n\r\n" + "y".repeat(MAX_BODY));
      assertThat(r).startsWith("HTTP/1.1 503 ").contains("too many large requests");
      assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(800L, 4000L);
      // Requests without a body never wait.
      assertThat(send(small, "GET /small HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aClientThatStopsReadingIsCutOffAtTheWriteTimeout() throws Exception {
    try (BlockingHttpServer strict = start(new Limits(MAX_BODY, MAX_BODY, 3, 60_000, 30_000, 500));
        Socket s = new Socket("127.0.0.1", strict.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET /big HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      Thread.sleep(2500);
      long got = 0;
      try {
        byte[] buf = new byte[65536];
        for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
          got += n;
        }
      } catch (IOException e) {
        // reset by the server: also cut off
      }
      assertThat(got).isLessThan(BIG);
    }
  }

  @Test
  void aTricklingClientIsCutOffAtTheRequestDeadlineAndAnIdleOneAtTheIdleTimeout() throws Exception {
    try (BlockingHttpServer strict = start(new Limits(MAX_BODY, MAX_BODY, 3, 700, 500, 30_000))) {
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
  void aChunkSizeThatWouldOverflowTheCountIs413() throws IOException {
    try (Socket s = connect()) {
      String r = send(s, "PUT /o HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffff\r\n");
      assertThat(r).startsWith("HTTP/1.1 413 ");
    }
    try (Socket s = connect()) {
      String r = send(s, "PUT /o HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\n");
      assertThat(r).startsWith("HTTP/1.1 400 ");
    }
    try (Socket s = connect()) {
      assertThat(send(s, "GET /alive HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aBodyInManySmallChunksIsAccepted() throws IOException {
    try (BlockingHttpServer roomy = start(new Limits(64 * 1024, 64 * 1024, 3, 60_000, 30_000, 30_000));
        Socket s = new Socket("127.0.0.1", roomy.port())) {
      s.setSoTimeout(5000);
      StringBuilder req = new StringBuilder("PUT /many HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 3000; i++) {
        req.append("10\r\n").append("0123456789abcdef").append("\r\n");
      }
      req.append("0\r\n\r\n");
      assertThat(send(s, req.toString())).startsWith("HTTP/1.1 200 ").contains("PUT /many 48000 ");
    }
  }

  @Test
  void http10KeepAliveIsConfirmedAndKept() throws IOException {
    try (Socket s = connect()) {
      String r = send(s, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assertThat(r).startsWith("HTTP/1.1 200 ").contains("Connection: keep-alive\r\n");
      assertThat(send(s, "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).endsWith("GET /b 0 ");
    }
  }

  @Test
  void aLeadingEmptyLineAndAnAbsoluteFormTargetAreAccepted() throws IOException {
    try (Socket s = connect()) {
      assertThat(send(s, "\r\nGET /after-crlf HTTP/1.1\r\n\r\n")).endsWith("GET /after-crlf 0 ");
      assertThat(send(s, "GET http://node:8080/k?x=1 HTTP/1.1\r\n\r\n")).endsWith("GET /k?x=1 0 ");
      assertThat(send(s, "GET http://node:8080 HTTP/1.1\r\n\r\n")).endsWith("GET / 0 ");
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
