package io.cowsql.node.agent;

import io.cowsql.node.data.DataDirReader;
import io.cowsql.node.data.LastEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The last entry of this node's log while the engine runs, read from the data dir with {@link DataDirReader} (read
 * only; it stops at a batch the engine is still writing, so the position is the last complete entry on disk: never
 * ahead of the engine, at most one batch behind it). Neither engine tells how far its log is (no request reports it),
 * so this is how {@code /status} measures a member's progress for the operator's "caught up" checks.
 *
 * <p>Cost is bounded: the dir is read at most once per {@code maxAge} (the engine's snapshots keep it to a few
 * segments), by one caller at a time; a caller that finds a read under way gets the previous position instead of
 * waiting or reading too. A read that fails (the engine renamed or removed a segment between the listing and the
 * read) is tried once more, then the previous position stands until the next read.
 */
public final class LiveLogPosition {
  private static final Logger LOG = Logger.getLogger(LiveLogPosition.class.getName());
  /** How old a position {@code /status} reports may be. */
  public static final Duration MAX_AGE = Duration.ofSeconds(1);

  private final Path dir;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock reading = new ReentrantLock();
  private volatile LastEntry last;
  private volatile DataDirReader.Inspection inspection;
  private volatile long readAtNanos;
  private volatile boolean everRead;

  /** @param initial what {@link #current()} reports until a read succeeds (the entry read before the engine started) */
  public LiveLogPosition(Path dir, LastEntry initial) {
    this(dir, initial, MAX_AGE, System::nanoTime);
  }

  LiveLogPosition(Path dir, LastEntry initial, Duration maxAge, LongSupplier nanoClock) {
    this.dir = dir;
    this.last = initial;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoClock = nanoClock;
  }

  /** The last entry on disk, at most {@code maxAge} old; the initial one (may be null) until a read succeeds. */
  public LastEntry current() {
    refresh();
    return last;
  }

  /**
   * The whole read the last entry came from (the dir's last configuration too), as old as {@link #current()}; null
   * until a read succeeded.
   */
  public DataDirReader.Inspection inspection() {
    refresh();
    return inspection;
  }

  private void refresh() {
    if (everRead && nanoClock.getAsLong() - readAtNanos < maxAgeNanos) {
      return;
    }
    if (!reading.tryLock()) {
      return;
    }
    try {
      if (everRead && nanoClock.getAsLong() - readAtNanos < maxAgeNanos) {
        return;
      }
      for (int attempt = 1; attempt <= 2; attempt++) {
        try {
          DataDirReader.Inspection read = DataDirReader.inspect(dir);
          inspection = read;
          last = read.lastEntry();
          break;
        } catch (IOException | RuntimeException e) {
          if (attempt == 2) {
            LOG.fine("could not read the last entry of " + dir + " (the previous one stands): " + e.getMessage());
          }
        }
      }
      // A failed read also waits maxAge before the next: a dir that cannot be read is not read in a loop.
      readAtNanos = nanoClock.getAsLong();
      everRead = true;
    } finally {
      reading.unlock();
    }
  }
}
