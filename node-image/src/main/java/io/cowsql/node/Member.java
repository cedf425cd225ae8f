package io.cowsql.node;

/** One member of a raft configuration: id, cluster address and role. */
public record Member(long id, String address, MemberRole role) {
  public Member {
    if (id == 0) {
      throw new IllegalArgumentException("member id must not be 0");
    }
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("member " + Long.toUnsignedString(id) + " has no address");
    }
    if (address.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("member address contains NUL");
    }
    if (role == null) {
      throw new IllegalArgumentException("member " + Long.toUnsignedString(id) + " has no role");
    }
  }

  /** Parse {@code id@address:role} (role optional, voter by default). */
  public static Member parse(String spec) {
    String s = spec.trim();
    int at = s.indexOf('@');
    if (at <= 0) {
      throw new IllegalArgumentException("bad member '" + spec + "': expected id@host:port[:role]");
    }
    long id;
    try {
      id = Long.parseUnsignedLong(s.substring(0, at));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad member id in '" + spec + "'");
    }
    String rest = s.substring(at + 1);
    MemberRole role = MemberRole.VOTER;
    int last = rest.lastIndexOf(':');
    if (last > 0) {
      String tail = rest.substring(last + 1);
      if (isRoleWord(tail)) {
        role = MemberRole.parse(tail);
        rest = rest.substring(0, last);
      }
    }
    io.cowsql.client.HostPort.parse(rest);
    return new Member(id, rest, role);
  }

  private static boolean isRoleWord(String t) {
    String l = t.toLowerCase(java.util.Locale.ROOT);
    return l.equals("voter") || l.equals("standby") || l.equals("spare");
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(id) + "@" + address + ":" + role.label();
  }
}
