package io.cowsql.contract;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of the project: a whole number and one unit, {@code ms}, {@code s},
 * {@code m} or {@code h} ({@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}). The CRD's schema
 * pattern, the operator and the node agent all use this class, so a value the schema accepts is a
 * value the agent accepts.
 */
public final class DurationFormat {
  /** The schema pattern (a compile-time constant, usable in annotations). */
  public static final String PATTERN = "^([0-9]{1,9})(ms|s|m|h)$";

  /** What a message says a duration looks like. */
  public static final String EXAMPLES = "a whole number and a unit: 500ms, 3s, 2m or 1h";

  private static final Pattern FORMAT = Pattern.compile(PATTERN);

  private DurationFormat() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the grammar when it does not match
   */
  public static Duration parse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (" + EXAMPLES + ")");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** {@code text} parsed, or empty when it is null or not in the grammar. */
  public static java.util.Optional<Duration> tryParse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text.trim());
    return m != null && m.matches() ? java.util.Optional.of(parse(text)) : java.util.Optional.empty();
  }

  /** The shortest exact text for {@code d} in this grammar ({@code 90s}, {@code 1500ms}, {@code 2m}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 0) {
      throw new IllegalArgumentException("negative duration " + d);
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
