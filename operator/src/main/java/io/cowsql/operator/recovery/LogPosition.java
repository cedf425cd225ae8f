package io.cowsql.operator.recovery;

/**
 * The term and index of the last entry of a member's log, as its agent reads it from the stopped data dir. Ordered
 * as Raft's up-to-date rule orders logs: the higher term wins, at an equal term the higher index (both unsigned).
 */
public record LogPosition(long term, long index) implements Comparable<LogPosition> {
  @Override
  public int compareTo(LogPosition o) {
    int byTerm = Long.compareUnsigned(term, o.term);
    return byTerm != 0 ? byTerm : Long.compareUnsigned(index, o.index);
  }

  @Override
  public String toString() {
    return "(term " + Long.toUnsignedString(term) + ", index " + Long.toUnsignedString(index) + ")";
  }
}
