package io.cowsql.node;

/** Raft roles as the engine encodes them: voter 0, standby 1, spare 2. */
public enum MemberRole {
  VOTER(0),
  STANDBY(1),
  SPARE(2);

  private final int code;

  MemberRole(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static MemberRole of(int code) {
    for (MemberRole r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role code " + code);
  }

  /** voter, standby or spare (case-insensitive), or the numeric code. */
  public static MemberRole parse(String s) {
    switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "voter":
      case "0":
        return VOTER;
      case "standby":
      case "stand-by":
      case "1":
        return STANDBY;
      case "spare":
      case "2":
        return SPARE;
      default:
        throw new IllegalArgumentException("unknown role '" + s + "': use voter, standby or spare");
    }
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
