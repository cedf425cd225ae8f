package io.cowsql.node.engine;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.cowsql.client.HostPort;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Function;

/**
 * Connects a TCP socket with libc and hands the file descriptor to the engine: the engine's dial
 * function ({@code node_set_connect_func}). Name resolution happens in Java, through a pluggable
 * function from a cluster address ({@code host:port}) to a socket address, so the engine can dial
 * DNS names (which its own dialer cannot) and addresses remapped by a resolver file.
 */
public final class SocketDialer implements NodeDialer {
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_CLOEXEC = 02000000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_SNDTIMEO = 21;
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_NODELAY = 1;

  private final Function<String, InetSocketAddress> resolver;
  private final Duration connectTimeout;

  public SocketDialer(Function<String, InetSocketAddress> resolver, Duration connectTimeout) {
    this.resolver = resolver;
    this.connectTimeout = connectTimeout;
  }

  /** Resolves {@code host:port} with the JVM's name service. */
  public static SocketDialer dns(Duration connectTimeout) {
    return new SocketDialer(a -> HostPort.parse(a).unresolved(), connectTimeout);
  }

  @Override
  public int dial(String address) throws IOException {
    InetSocketAddress target = resolver.apply(address);
    InetAddress ip = target.isUnresolved() ? InetAddress.getByName(target.getHostString()) : target.getAddress();
    Memory sa;
    int family;
    if (ip instanceof Inet4Address) {
      family = AF_INET;
      sa = new Memory(16);
      sa.clear();
      sa.setShort(0, (short) AF_INET);
      sa.setByte(2, (byte) (target.getPort() >> 8));
      sa.setByte(3, (byte) target.getPort());
      sa.write(4, ip.getAddress(), 0, 4);
    } else if (ip instanceof Inet6Address) {
      family = AF_INET6;
      sa = new Memory(28);
      sa.clear();
      sa.setShort(0, (short) AF_INET6);
      sa.setByte(2, (byte) (target.getPort() >> 8));
      sa.setByte(3, (byte) target.getPort());
      sa.write(8, ip.getAddress(), 0, 16);
      sa.setInt(24, ((Inet6Address) ip).getScopeId());
    } else {
      throw new IOException("cannot dial " + address + ": unsupported address " + ip);
    }
    int fd;
    try {
      fd = LibC.INSTANCE.socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new IOException("socket(): errno " + e.getErrorCode(), e);
    }
    try {
      setTimeout(fd, connectTimeout);
      LibC.INSTANCE.connect(fd, sa, (int) sa.size());
      setTimeout(fd, Duration.ZERO);
      Memory one = new Memory(4);
      one.setInt(0, 1);
      LibC.INSTANCE.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, 4);
      return fd;
    } catch (LastErrorException e) {
      LibC.INSTANCE.close(fd);
      throw new IOException("connect to " + address + " (" + ip.getHostAddress() + ":" + target.getPort() + "): errno " + e.getErrorCode(), e);
    }
  }

  private static void setTimeout(int fd, Duration timeout) {
    Memory tv = new Memory(16);
    tv.setLong(0, timeout.toSeconds());
    tv.setLong(8, timeout.toNanosPart() / 1000L);
    LibC.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv, 16);
  }
}
