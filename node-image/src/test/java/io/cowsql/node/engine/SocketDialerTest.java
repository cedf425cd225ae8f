package io.cowsql.node.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine's dial function over real loopback sockets, and its address grammar (the client's HostPort). */
class SocketDialerTest {
  static final Duration T = Duration.ofSeconds(2);

  @Test
  void dialsHostPortToAConnectedDescriptorTheServerAccepts() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      server.setSoTimeout(5000);
      int fd = SocketDialer.dns(T).dial("127.0.0.1:" + server.getLocalPort());
      try (Socket accepted = server.accept()) {
        assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
        LibC.INSTANCE.close(fd);
        accepted.setSoTimeout(5000);
        assertThat(accepted.getInputStream().read()).as("the dialled descriptor was that connection").isEqualTo(-1);
      }
    }
  }

  @Test
  void theResolverMapsTheClusterAddressBeforeDialling() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      server.setSoTimeout(5000);
      AtomicReference<String> asked = new AtomicReference<>();
      SocketDialer d = new SocketDialer(a -> {
        asked.set(a);
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
      }, T);
      int fd = d.dial("node-0.peers.ns.svc:9001");
      try (Socket accepted = server.accept()) {
        assertThat(asked.get()).isEqualTo("node-0.peers.ns.svc:9001");
      } finally {
        LibC.INSTANCE.close(fd);
      }
    }
  }

  @Test
  void aRefusedConnectionIsAnIOExceptionNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    assertThatThrownBy(() -> SocketDialer.dns(T).dial(address)).isInstanceOf(IOException.class)
        .hasMessageContaining("connect to " + address);
  }

  @Test
  void addressesFollowTheClientsOneGrammar() {
    assertThatThrownBy(() -> SocketDialer.dns(T).dial("a:b:9001")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a:b:9001': more than one ':'; write an IPv6 address in brackets");
    assertThatThrownBy(() -> SocketDialer.dns(T).dial("@abstract")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'@abstract' is an abstract Unix socket");
    assertThatThrownBy(() -> SocketDialer.dns(T).dial("host:0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 0 is out of range 1-65535");
  }
}
