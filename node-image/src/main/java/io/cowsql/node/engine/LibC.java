package io.cowsql.node.engine;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc functions the node needs: the engine's dial function, and an exit without exit handlers. */
public interface LibC extends Library {
  LibC INSTANCE = Native.load("c", LibC.class);

  int socket(int domain, int type, int protocol) throws LastErrorException;

  int connect(int fd, Pointer addr, int len) throws LastErrorException;

  int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

  int close(int fd);

  /**
   * Ends the process at once: no atexit handlers, no library destructors. libuv's destructor
   * joins its thread-pool threads, and a thread stuck attaching to an exiting JVM (through the
   * engine's dial callback) never lets that join return.
   */
  void _exit(int status);
}
