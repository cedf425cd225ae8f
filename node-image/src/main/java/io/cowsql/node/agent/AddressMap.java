package io.cowsql.node.agent;

import io.cowsql.client.AddressResolver;
import io.cowsql.node.engine.SocketDialer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * An optional address-resolver file: maps the names nodes are known by in the cluster to the
 * addresses to dial. Used by both the client (as its {@link AddressResolver}) and the engine (as
 * the resolution step of its dial function), so a test bed can map stable DNS names to loopback
 * addresses.
 *
 * <p>Format (re-read when the file changes): one mapping per line, {@code NAME TARGET} or {@code
 * NAME=TARGET}, {@code #} comments; NAME is {@code host} or {@code host:port}, TARGET is {@code
 * ip} (the port is kept) or {@code ip:port}. A JSON object {@code {"NAME": "TARGET", ...}} is also
 * accepted. {@code host:port} entries win over {@code host} entries; unmapped addresses resolve to
 * themselves.
 */
public final class AddressMap implements AddressResolver {
  private static final Logger LOG = Logger.getLogger(AddressMap.class.getName());

  private final Path file;
  private volatile Map<String, String> map = Map.of();
  private volatile FileTime loaded;
  private volatile long checkedAt;

  private AddressMap(Path file) {
    this.file = file;
  }

  /** Load {@code file} now (it must exist and parse); later changes are picked up. */
  public static AddressMap load(Path file) throws IOException {
    AddressMap m = new AddressMap(file);
    m.reload(true);
    return m;
  }

  /** Parse the file format into NAME → TARGET. */
  public static Map<String, String> parse(String content) {
    Map<String, String> m = new HashMap<>();
    String t = content.trim();
    if (t.startsWith("{")) {
      for (Map.Entry<String, Object> e : Json.parseObject(t).entrySet()) {
        m.put(e.getKey().trim(), String.valueOf(e.getValue()).trim());
      }
      return m;
    }
    int n = 0;
    for (String line : content.split("\n")) {
      n++;
      String l = line.trim();
      int hash = l.indexOf('#');
      if (hash >= 0) {
        l = l.substring(0, hash).trim();
      }
      if (l.isEmpty()) {
        continue;
      }
      String[] parts = l.contains("=") ? l.split("=", 2) : l.split("\\s+", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("line " + n + ": expected NAME TARGET");
      }
      m.put(parts[0].trim(), parts[1].trim());
    }
    return m;
  }

  private void reload(boolean strict) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file);
    if (mtime.equals(loaded)) {
      return;
    }
    try {
      map = Map.copyOf(parse(Files.readString(file, StandardCharsets.UTF_8)));
      loaded = mtime;
      LOG.info("address map " + file + ": " + map.size() + " entries");
    } catch (IllegalArgumentException e) {
      if (strict) {
        throw new IOException("resolver file " + file + ": " + e.getMessage());
      }
      LOG.warning("resolver file " + file + " ignored change: " + e.getMessage());
      loaded = mtime;
    }
  }

  private void maybeReload() {
    long now = System.nanoTime();
    if (now - checkedAt < 1_000_000_000L) {
      return;
    }
    checkedAt = now;
    try {
      reload(false);
    } catch (IOException e) {
      // keep the last good map
    }
  }

  @Override
  public String resolve(String clusterAddress) {
    maybeReload();
    Map<String, String> m = map;
    String exact = m.get(clusterAddress);
    if (exact != null) {
      return withPort(exact, clusterAddress);
    }
    InetSocketAddress a = SocketDialer.parse(clusterAddress);
    String byHost = m.get(a.getHostString());
    if (byHost != null) {
      return withPort(byHost, clusterAddress);
    }
    return clusterAddress;
  }

  /** The resolution step of the engine's dial function. */
  public InetSocketAddress resolveSocket(String clusterAddress) {
    return SocketDialer.parse(resolve(clusterAddress));
  }

  private static String withPort(String target, String original) {
    try {
      SocketDialer.parse(target);
      return target; // has a port
    } catch (IllegalArgumentException e) {
      int port = SocketDialer.parse(original).getPort();
      return (target.contains(":") ? "[" + target + "]" : target) + ":" + port;
    }
  }
}
