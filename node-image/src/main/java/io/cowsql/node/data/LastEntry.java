package io.cowsql.node.data;

import java.util.List;

/**
 * What {@link DataDirReader#lastEntry} found in a stopped node's data directory.
 *
 * @param position term and index of the last readable entry (or of the newest snapshot when no
 *     entry follows it); (0, 0) for an empty directory
 * @param source where the position came from: the segment file name, {@code snapshot-...}, or
 *     {@code empty}
 * @param problems what could not be read (a corrupt or truncated tail, an unknown format): when
 *     not empty, the position is the last entry before the damage, not a guess past it
 */
public record LastEntry(LogPosition position, String source, List<String> problems) {
  public long term() {
    return position.term();
  }

  public long index() {
    return position.index();
  }

  public boolean isClean() {
    return problems.isEmpty();
  }
}
