package io.cowsql.node.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.cowsql.client.ClientOptions;
import io.cowsql.client.CowsqlException;
import io.cowsql.node.TestPorts;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyValueStoreTest {
  @Test
  void aClosedStoreFailsAtOnceInsteadOfReconnectingAndRetrying() {
    // Nothing listens there: an open store would retry connecting until its 8 s request deadline.
    KeyValueStore kv = new KeyValueStore("demo", ClientOptions.defaults(), () -> List.of("127.0.0.1:" + TestPorts.free()));
    kv.close();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> kv.put("k", "v", System.nanoTime(), 0, attempt -> null)).isInstanceOf(CowsqlException.class).hasMessageContaining("shutting down");
    assertThatThrownBy(() -> kv.get("k", System.nanoTime(), attempt -> null)).isInstanceOf(CowsqlException.class).hasMessageContaining("shutting down");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
  }
}
