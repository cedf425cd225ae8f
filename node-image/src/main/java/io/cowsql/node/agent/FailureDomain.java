package io.cowsql.node.agent;

import io.cowsql.contract.Annotations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The failure domain as a number: given directly, or read from a file that may appear later (a
 * downward-API annotation file: lines {@code key="value"}). A name such as a zone is turned into
 * a stable number (64-bit FNV-1a of the name, top bit cleared).
 */
public final class FailureDomain {
  private static final Logger LOG = Logger.getLogger(FailureDomain.class.getName());

  private FailureDomain() {}

  /** A decimal number as is; any other non-empty text hashed to a stable number. */
  public static long code(String s) throws AgentConfig.BadConfig {
    String t = s.trim();
    if (t.isEmpty()) {
      throw new AgentConfig.BadConfig("failure domain must not be empty");
    }
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new AgentConfig.BadConfig("failure domain must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      long h = 0xcbf29ce484222325L;
      for (byte b : t.getBytes(StandardCharsets.UTF_8)) {
        h ^= b & 0xff;
        h *= 0x100000001b3L;
      }
      return h & Long.MAX_VALUE;
    }
  }

  /** The value of the {@code key="value"} line only (no whole-content fallback); null if absent. */
  static String annotation(String content, String key) {
    for (String line : content.split("\n")) {
      String l = line.trim();
      int eq = l.indexOf('=');
      if (eq > 0 && !l.startsWith("#") && l.substring(0, eq).trim().equals(key)) {
        return unquote(l.substring(eq + 1).trim());
      }
    }
    return null;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  /** The value in a file's content: the {@code key="value"} line, or the whole content. Null if absent. */
  static String valueIn(String content, String key) {
    String fallback = null;
    for (String line : content.split("\n")) {
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq > 0) {
        String k = l.substring(0, eq).trim();
        String v = l.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        if (k.equals(key)) {
          return v;
        }
      } else if (fallback == null) {
        fallback = l;
      }
    }
    return fallback;
  }

  /**
   * A {@code cowsql.io/} annotation the contract does not define is a mistake of the operator or of a
   * person (a misspelt key would silently keep its default): the agent does not start on it.
   */
  static void refuseUnknownAnnotations(Path file, String content) throws AgentConfig.BadConfig {
    List<String> keys = new ArrayList<>();
    for (String line : content.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.trim().startsWith("#")) {
        keys.add(line.substring(0, eq).trim());
      }
    }
    List<String> unknown = Annotations.unknown(keys);
    if (!unknown.isEmpty()) {
      throw new AgentConfig.BadConfig("unknown pod annotation " + String.join(", ", unknown) + " in " + file
          + ": keys under " + Annotations.PREFIX + " are the operator's (known: " + new TreeSet<>(Annotations.KNOWN)
          + "); remove it, or run an agent as new as the operator");
    }
  }

  /** Wait up to {@code wait} for the file to exist and hold a value; the value as the file has it. */
  public static String awaitValue(Path file, String key, Duration wait) throws AgentConfig.BadConfig, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean logged = false;
    while (true) {
      try {
        if (Files.exists(file)) {
          String content = Files.readString(file, StandardCharsets.UTF_8);
          String v = valueIn(content, key);
          if (v != null && !v.isBlank()) {
            refuseUnknownAnnotations(file, content);
            return v.trim();
          }
        }
      } catch (IOException e) {
        // not readable yet
      }
      if (System.nanoTime() > deadline) {
        throw new AgentConfig.BadConfig("failure-domain file " + file + " has no value for " + key + " after " + wait.toSeconds() + "s");
      }
      if (!logged) {
        LOG.info("waiting for failure-domain file " + file);
        logged = true;
      }
      Thread.sleep(200);
    }
  }
}
