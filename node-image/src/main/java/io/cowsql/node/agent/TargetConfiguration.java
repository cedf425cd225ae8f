package io.cowsql.node.agent;

import io.cowsql.client.HostPort;
import io.cowsql.node.Member;
import io.cowsql.node.MemberRole;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /datadir/reconfigure?plan=ID}: the configuration the recovery's template gets, {@code
 * {"members":[{"id":"<hex node id>","address":"host:port","role":"voter|standby|spare"}]}} (ids in hex, as {@code
 * /datadir} and {@code /status} report them). Read strictly: a missing, extra or misspelt field is refused, naming it,
 * since a configuration forced onto the only copy of the data must be exactly the one meant.
 */
public final class TargetConfiguration {
  /** Far above any real configuration (a member is under 100 bytes); the HTTP server's own bound is 1 MiB. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final Set<String> TOP_FIELDS = Set.of("members");
  private static final Set<String> MEMBER_FIELDS = Set.of("id", "address", "role");

  private TargetConfiguration() {}

  /**
   * The members the body names, in its order.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static List<Member> parse(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      throw new IllegalArgumentException("body must be at most " + MAX_BODY_BYTES + " bytes, got " + body.length);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("body must be UTF-8 JSON");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("body must be a JSON object {\"members\":[{\"id\":...,\"address\":...,\"role\":...}]}, got nothing");
    }
    Map<String, Object> doc = Json.parseObject(text);
    unknownFields(doc, TOP_FIELDS, "body");
    Object list = doc.get("members");
    if (!(list instanceof List<?> members)) {
      throw new IllegalArgumentException("field members is required: a list of {\"id\",\"address\",\"role\"}"
          + (list == null ? "" : ", got " + Json.write(list)));
    }
    if (members.isEmpty()) {
      throw new IllegalArgumentException("field members must list at least one member");
    }
    List<Member> out = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    boolean voter = false;
    for (int i = 0; i < members.size(); i++) {
      String at = "members[" + i + "]";
      if (!(members.get(i) instanceof Map<?, ?> raw)) {
        throw new IllegalArgumentException(at + " must be an object {\"id\",\"address\",\"role\"}, got " + Json.write(members.get(i)));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) raw;
      unknownFields(m, MEMBER_FIELDS, at);
      long id = id(string(m, "id", at), at + ".id");
      String address = string(m, "address", at);
      try {
        HostPort.parse(address);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".address must be " + HostPort.FORMS + ", got '" + address + "'");
      }
      MemberRole role = role(string(m, "role", at), at + ".role");
      if (!ids.add(id)) {
        throw new IllegalArgumentException(at + ".id " + Identity.hex(id) + " is listed twice");
      }
      if (!addresses.add(address)) {
        throw new IllegalArgumentException(at + ".address " + address + " is listed twice");
      }
      voter |= role == MemberRole.VOTER;
      out.add(new Member(id, address, role));
    }
    if (!voter) {
      throw new IllegalArgumentException("field members must name at least one voter");
    }
    return List.copyOf(out);
  }

  /** Whether two configurations are the same set of id, address and role (the order of the members does not count). */
  public static boolean same(List<Member> a, List<Member> b) {
    return a.size() == b.size() && new HashSet<>(a).equals(new HashSet<>(b));
  }

  /** The configuration as one line for logs and answers: {@code id@address:role} per member, ids in hex. */
  public static String describe(List<Member> members) {
    List<String> parts = new ArrayList<>();
    for (Member m : members) {
      parts.add(Identity.hex(m.id()) + "@" + m.address() + ":" + m.role().label());
    }
    return "[" + String.join(", ", parts) + "]";
  }

  private static void unknownFields(Map<String, Object> m, Set<String> known, String where) {
    for (String k : m.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(where + " has an unknown field '" + k + "' (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String string(Map<String, Object> m, String field, String at) {
    Object v = m.get(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(at + "." + field + " is required: a non-empty string" + (v == null ? "" : ", got " + Json.write(v)));
    }
    return s.trim();
  }

  private static long id(String s, String field) {
    try {
      if (s.startsWith("+") || s.startsWith("-")) {
        throw new NumberFormatException();
      }
      long id = Long.parseUnsignedLong(s, 16);
      if (id == 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be a node id in hex (as /datadir and /status report ids), got '" + s + "'");
    }
  }

  private static MemberRole role(String s, String field) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "voter" -> MemberRole.VOTER;
      case "standby" -> MemberRole.STANDBY;
      case "spare" -> MemberRole.SPARE;
      default -> throw new IllegalArgumentException(field + " must be voter, standby or spare, got '" + s + "'");
    };
  }
}
