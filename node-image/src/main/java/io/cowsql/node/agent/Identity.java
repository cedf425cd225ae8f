package io.cowsql.node.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's identity file {@code identity.json} in its data dir: id, advertised address, the
 * cluster it belongs to, and whether it has been added to the cluster. Written atomically.
 */
public record Identity(long id, String address, String clusterId, boolean joined) {
  public static final String FILE = "identity.json";

  /**
   * A node id as the agent prints and reports it (logs, /status): lower-case hex, as go-cowsql's
   * shell prints ids in {@code .cluster}. The identity file and the offline subcommands keep the
   * unsigned decimal of the {@code ID@HOST:PORT} member grammar.
   */
  public static String hex(long id) {
    return Long.toHexString(id);
  }

  public static Identity read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    Map<String, Object> m;
    try {
      m = Json.parseObject(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException("identity file " + f + " is not valid JSON: " + e.getMessage());
    }
    Object id = m.get("id");
    Object address = m.get("address");
    if (!(id instanceof String) || !(address instanceof String)) {
      throw new IOException("identity file " + f + " lacks id or address");
    }
    long parsed;
    try {
      parsed = Long.parseUnsignedLong((String) id);
    } catch (NumberFormatException e) {
      throw new IOException("identity file " + f + " has a bad id '" + id + "'");
    }
    Object cluster = m.get("clusterId");
    return new Identity(parsed, (String) address, cluster instanceof String ? (String) cluster : null, Boolean.TRUE.equals(m.get("joined")));
  }

  public void write(Path dir) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toUnsignedString(id));
    m.put("address", address);
    m.put("clusterId", clusterId);
    m.put("joined", joined);
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.writeString(tmp, Json.write(m) + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public Identity withJoined(boolean j) {
    return new Identity(id, address, clusterId, j);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toUnsignedString(id));
    m.put("address", address);
    m.put("clusterId", clusterId);
    m.put("joined", joined);
    return m;
  }
}
