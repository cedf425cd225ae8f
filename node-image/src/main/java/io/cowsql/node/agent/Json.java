package io.cowsql.node.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The agent's JSON (the identity file, {@code /status}, the offline subcommands' output) through
 * jackson-jr, configured once: Maps, Lists, Strings, Numbers, Booleans and null, nulls written
 * (a field that is null says so), and a document that is not exactly one object, or that names a
 * key twice, refused.
 */
public final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JSON FORMAT = JSON.builder(FACTORY).enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS).build();

  private Json() {}

  public static String write(Object v) {
    try {
      return FORMAT.asString(v);
    } catch (IOException e) {
      // Writing to a String fails only on a value that is not JSON: a bug of the caller.
      throw new UncheckedIOException(e);
    }
  }

  /** One JSON object and nothing after it; numbers as Integer, Long, BigInteger or Double. */
  public static Map<String, Object> parseObject(String s) {
    try (JsonParser p = FACTORY.createParser(s)) {
      Map<String, Object> m = FORMAT.mapFrom(p);
      if (m == null) {
        throw new IllegalArgumentException("bad JSON: expected an object, found nothing");
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("bad JSON at " + p.currentLocation().getCharOffset() + ": trailing characters after the object");
      }
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException("bad JSON: " + e.getMessage(), e);
    }
  }
}
