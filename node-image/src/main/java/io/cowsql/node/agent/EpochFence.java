package io.cowsql.node.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The agent's rule for a data dir and the cluster's epoch (the pod annotation {@code cowsql.io/epoch}; the dir's
 * epoch is in its {@link Identity}): a dir of an older epoch never starts its engine, unless it is the recovery's
 * template ({@code cowsql.io/epoch-template} names its node id). Any other old dir is set aside inside the volume
 * (renamed next to the data dir, never deleted: a person can still inspect it) and the node joins as a new one. A dir
 * of a newer epoch than the one the agent was told is not touched at all: the agent's view is stale, not the data.
 */
public final class EpochFence {
  private EpochFence() {}

  /** What to do with the data dir before the engine starts. */
  public sealed interface Decision {}

  /** Start on the dir; the identity records {@code epoch} (a new dir's, the same epoch, or the template's new one). */
  public record Start(long epoch, boolean template) implements Decision {}

  /** Set the dir aside and start as a new node at {@code epoch}. */
  public record SetAside(long epoch, String why) implements Decision {}

  /** Do not start, and change nothing. */
  public record Refuse(String why) implements Decision {}

  /**
   * @param identity     the dir's identity, null when it has none (a new dir)
   * @param clusterEpoch the cluster's epoch as the operator published it (0 when it published none)
   * @param template     the node id the operator exempts as the recovery's template, if any
   */
  public static Decision decide(Identity identity, long clusterEpoch, OptionalLong template) {
    if (identity == null) {
      return new Start(clusterEpoch, false);
    }
    long dirEpoch = identity.epoch();
    if (dirEpoch == clusterEpoch) {
      return new Start(clusterEpoch, false);
    }
    if (dirEpoch > clusterEpoch) {
      return new Refuse("data dir of node " + Identity.hex(identity.id()) + " records epoch " + dirEpoch
          + ", newer than the cluster's epoch " + clusterEpoch + " this pod was given: the operator's epoch has not"
          + " reached this pod yet; nothing was changed, restart once it has");
    }
    if (template.isPresent() && template.getAsLong() == identity.id()) {
      return new Start(clusterEpoch, true);
    }
    return new SetAside(clusterEpoch, "data dir of node " + Identity.hex(identity.id()) + " records epoch " + dirEpoch
        + ", older than the cluster's epoch " + clusterEpoch + ", and is not the recovery's template"
        + template.stream().mapToObj(t -> " (" + Identity.hex(t) + ")").findFirst().orElse("")
        + ": its data is set aside and the node joins as new");
  }

  /**
   * Renames {@code dir} to a sibling {@code <name>.epoch<E>-<UTC time>} and creates {@code dir} again, empty (see
   * {@link DataDirSetAside#move}).
   *
   * @return where the old data now is
   */
  public static Path setAside(Path dir, long dirEpoch, Instant now) throws IOException {
    return DataDirSetAside.move(dir, "epoch" + dirEpoch, now);
  }
}
