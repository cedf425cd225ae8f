package io.cowsql.node.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain socket, byte for byte as written: for requests java.net.http will not send, and for a client that hangs up. */
final class RawHttp {
  /** A response: status, headers (lower-case names), body. */
  record Answer(int status, Map<String, String> headers, String body) {
    /** What a client can tell apart, without the Date header. */
    String comparable() {
      String b = body.length() <= 200 ? body : body.length() + " chars, hash " + Integer.toHexString(body.hashCode());
      return status + " type=" + headers.get("content-type") + " location=" + headers.get("location") + " body=" + b;
    }
  }

  private RawHttp() {}

  static String request(String method, String target, String host, byte[] body, String... extraHeaders) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nConnection: close\r\n");
    for (String h : extraHeaders) {
      sb.append(h).append("\r\n");
    }
    if (body != null) {
      sb.append("Content-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString();
  }

  /** Sends one request and reads the whole answer (the server closes: Connection: close). */
  static Answer send(String hostPort, String method, String target, byte[] body) throws IOException {
    try (Socket s = open(hostPort, 15_000)) {
      write(s, method, target, hostPort, body);
      return read(s.getInputStream(), method.equals("HEAD"));
    }
  }

  static Socket open(String hostPort, int timeoutMillis) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    Socket s = new Socket();
    s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 2000);
    s.setSoTimeout(timeoutMillis);
    return s;
  }

  static void write(Socket s, String method, String target, String host, byte[] body, String... extraHeaders) throws IOException {
    s.getOutputStream().write(request(method, target, host, body, extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      s.getOutputStream().write(body);
    }
    s.getOutputStream().flush();
  }

  static Answer read(InputStream in, boolean headOnly) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int c = l.indexOf(':');
      headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (!headOnly) {
      String len = headers.get("content-length");
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        // Go sends a large answer in chunks; the body is what they carry.
        for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
          byte[] b = in.readNBytes(n);
          body.write(b, 0, b.length);
          line(in);
        }
        line(in);
      } else if (len != null) {
        byte[] b = in.readNBytes(Integer.parseInt(len));
        body.write(b, 0, b.length);
      } else {
        in.transferTo(body);
      }
    }
    return new Answer(Integer.parseInt(parts[1]), headers, body.toString(StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
