package io.cowsql.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * An exclusive lock on a data directory: the file {@code agent.lock} in it, locked with {@code
 * fcntl} by the running agent (or the offline subcommands) for as long as it uses the directory.
 * The engine ignores the file. A second holder, in this or another process, is refused.
 */
public final class DataDirLock implements AutoCloseable {
  public static final String FILE = "agent.lock";
  private static final Set<Path> HELD = new HashSet<>();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /** Thrown when another process (or another user in this JVM) holds the directory. */
  public static final class HeldException extends IOException {
    private static final long serialVersionUID = 1L;

    HeldException(String message) {
      super(message);
    }
  }

  /** Lock {@code dir} (which must exist) or throw {@link HeldException}. */
  public static DataDirLock acquire(Path dir) throws IOException {
    Path canonical = dir.toRealPath();
    synchronized (HELD) {
      if (HELD.contains(canonical)) {
        throw new HeldException("data dir " + canonical + " is in use by this process");
      }
      FileChannel ch =
          FileChannel.open(canonical.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      } catch (IOException e) {
        ch.close();
        throw e;
      }
      if (l == null) {
        ch.close();
        throw new HeldException(
            "data dir "
                + canonical
                + " is locked by a running agent ("
                + FILE
                + "): stop that node first");
      }
      HELD.add(canonical);
      return new DataDirLock(canonical, ch, l);
    }
  }

  /** Whether some process holds the lock (without taking it). */
  public static boolean isHeld(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(FILE))) {
      return false;
    }
    try (DataDirLock l = acquire(dir)) {
      return false;
    } catch (HeldException e) {
      return true;
    }
  }

  public Path dir() {
    return dir;
  }

  public boolean isValid() {
    return lock.isValid();
  }

  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      if (!channel.isOpen()) {
        return;
      }
      try {
        lock.release();
      } finally {
        channel.close();
        HELD.remove(dir);
      }
    }
  }
}
