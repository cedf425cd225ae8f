package io.cowsql.node.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A data dir the agent moved aside instead of starting its engine on it: renamed next to the data dir, inside the same
 * volume (so the rename is atomic and nothing is copied or lost), never deleted, so a person can still inspect it.
 * Two rules lead here: the {@link EpochFence} (a dir of an older epoch) and the {@link MembershipCheck} (a dir of a
 * member the cluster removed, back on a retained volume).
 *
 * @param from the data dir
 * @param to   where its old content now is
 * @param why  the rule's reason, as logged
 * @param at   when it was moved
 */
public record DataDirSetAside(Path from, Path to, String why, Instant at) {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * Renames {@code dir} to a sibling {@code <name>.<label>-<UTC time>} (a {@code .N} suffix when that name exists
   * already) and creates {@code dir} again, empty. The caller may hold the dir's lock across the call (the lock stays
   * with the moved files); it must lock the new dir afresh.
   *
   * @param label what the old data is, part of the name ({@code epoch3}, {@code removed-2dc171858c3155be})
   * @return where the old data now is
   */
  public static Path move(Path dir, String label, Instant now) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    String base = dir.getFileName() + "." + label + "-" + STAMP.format(now);
    Path to = parent.resolve(base);
    for (int n = 1; Files.exists(to); n++) {
      to = parent.resolve(base + "." + n);
    }
    Files.move(dir, to, StandardCopyOption.ATOMIC_MOVE);
    Files.createDirectories(dir);
    return to;
  }
}
