package io.cowsql.operator.plan;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Zone -> failure-domain code. A zone keeps the code it was first given (status remembers it); a new zone
 * gets the smallest code above every code in use, starting at 1. Code 0 means "no failure domain" and is
 * what a pod on a node without the topology label gets.
 */
public final class FailureDomainCodes {
  public static final long NO_DOMAIN = 0L;

  private FailureDomainCodes() {}

  /**
   * @param known codes already handed out (from status, and from pod annotations in case a status write was lost)
   * @param zones zones of the pods scheduled now, in the order the codes should be given (e.g. pod ordinal)
   * @return every known code unchanged plus a code for each new zone
   */
  public static Map<String, Long> assign(Map<String, Long> known, Collection<String> zones) {
    Map<String, Long> codes = new TreeMap<>(known == null ? Map.of() : known);
    long next = codes.isEmpty() ? 1 : Collections.max(codes.values()) + 1;
    for (String zone : zones) {
      if (zone == null || zone.isEmpty() || codes.containsKey(zone)) {
        continue;
      }
      codes.put(zone, next++);
    }
    return codes;
  }

  /** The code for a zone in an assignment; {@link #NO_DOMAIN} for a pod without a zone. */
  public static long codeOf(Map<String, Long> codes, String zone) {
    if (zone == null || zone.isEmpty()) {
      return NO_DOMAIN;
    }
    Long c = codes.get(zone);
    if (c == null) {
      throw new IllegalArgumentException("zone " + zone + " has no code; assign() first");
    }
    return c;
  }
}
