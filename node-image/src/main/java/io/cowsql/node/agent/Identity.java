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
 * cluster it belongs to, whether it has been added to the cluster, and the cluster epoch the dir
 * belongs to (incremented by each quorum-loss recovery; see {@link EpochFence}). A record written
 * before epochs existed has none and reads as epoch 0. Written atomically.
 */
public record Identity(long id, String address, String clusterId, boolean joined, long epoch) {
  public static final String FILE = "identity.json";

  public Identity {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be 0 or more, got " + epoch);
    }
  }

  /** An identity of epoch 0 (a cluster never recovered). */
  public Identity(long id, String address, String clusterId, boolean joined) {
    this(id, address, clusterId, joined, 0);
  }

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
    Object epoch = m.get("epoch");
    long e = 0;
    if (epoch != null) {
      if (!(epoch instanceof Integer || epoch instanceof Long) || ((Number) epoch).longValue() < 0) {
        throw new IOException("identity file " + f + " has a bad epoch '" + epoch + "' (a whole number of 0 or more)");
      }
      e = ((Number) epoch).longValue();
    }
    return new Identity(parsed, (String) address, cluster instanceof String ? (String) cluster : null,
        Boolean.TRUE.equals(m.get("joined")), e);
  }

  public void write(Path dir) throws IOException {
    Map<String, Object> m = toMap();
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.writeString(tmp, Json.write(m) + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public Identity withJoined(boolean j) {
    return new Identity(id, address, clusterId, j, epoch);
  }

  public Identity withEpoch(long e) {
    return new Identity(id, address, clusterId, joined, e);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toUnsignedString(id));
    m.put("address", address);
    m.put("clusterId", clusterId);
    m.put("joined", joined);
    m.put("epoch", epoch);
    return m;
  }
}
