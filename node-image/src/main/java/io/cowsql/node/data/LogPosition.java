package io.cowsql.node.data;

/**
 * The term and index of a log's last entry, compared as raft compares logs: the higher term wins,
 * at equal term the higher index. (0, 0) is the empty log.
 */
public record LogPosition(long term, long index) implements Comparable<LogPosition> {
  public static final LogPosition EMPTY = new LogPosition(0, 0);

  @Override
  public int compareTo(LogPosition o) {
    int c = Long.compareUnsigned(term, o.term);
    return c != 0 ? c : Long.compareUnsigned(index, o.index);
  }

  public boolean isEmpty() {
    return index == 0;
  }

  public boolean isNewerThan(LogPosition o) {
    return compareTo(o) > 0;
  }
}
