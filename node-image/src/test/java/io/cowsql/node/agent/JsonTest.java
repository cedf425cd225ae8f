package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
  @TempDir
  Path tmp;

  @Test
  void nullValuesAreWrittenAndReadBack() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("leader", null);
    m.put("members", Arrays.asList("a\n\"b\"", null));
    String text = Json.write(m);
    assertThat(text).isEqualTo("{\"leader\":null,\"members\":[\"a\\n\\\"b\\\"\",null]}");
    assertThat(Json.parseObject(text)).isEqualTo(m);
  }

  @Test
  void anythingButExactlyOneObjectIsRefusedWithAnIllegalArgumentException() {
    for (String bad : new String[] {"", "[1]", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":", "{\"a\":1,\"a\":2}", "{a:1}"}) {
      assertThatThrownBy(() -> Json.parseObject(bad)).as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad JSON");
    }
  }

  @Test
  void aDamagedIdentityFileIsRefusedNamingTheFile() throws IOException {
    new Identity(7, "127.0.0.1:9001", "c1", true).write(tmp);
    assertThat(Identity.read(tmp)).isEqualTo(new Identity(7, "127.0.0.1:9001", "c1", true));
    Files.writeString(tmp.resolve(Identity.FILE), "{\"id\":\"7\",\"address\":\"127.0.0.1:9001\"");
    assertThatThrownBy(() -> Identity.read(tmp)).isInstanceOf(IOException.class).hasMessageContaining(Identity.FILE).hasMessageContaining("not valid JSON");
  }
}
