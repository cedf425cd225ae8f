package io.cowsql.operator.recovery;

import java.util.Collection;
import java.util.Optional;

/**
 * Whether a voter that does not answer can never run again with its data. Evidence is one of: its pod is gone and
 * its volume is gone (the claim deleted, Lost, or replaced by a new claim since the member was first seen lost); its
 * Node is deleted; its Node is tainted {@value #OUT_OF_SERVICE_TAINT} (a person or a controller declared it shut down
 * for good). A member that is merely unreachable (paused, partitioned) with its pod and volume intact is never
 * evidence, however long it stays silent: it may come back with writes no survivor has. Pure.
 */
public final class LossEvidence {
  /** The taint Kubernetes defines for a Node that is shut down and will not come back as it was. */
  public static final String OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";

  private LossEvidence() {}

  public enum Kind {
    VolumeGone, NodeDeleted, NodeOutOfService
  }

  /** The member's data claim as the API shows it. */
  public enum ClaimState {
    /** There, not being deleted. */
    PRESENT,
    /** Being deleted but still held (a pod still uses it): its data may still be served. */
    TERMINATING,
    /** No such claim. */
    DELETED,
    /** Phase Lost, or its PersistentVolume is gone: the data went with the volume. */
    LOST
  }

  /** The Node the member last ran on. */
  public enum NodeState {
    PRESENT, DELETED, OUT_OF_SERVICE,
    /** The member was never seen scheduled, so there is no Node to judge. */
    UNKNOWN
  }

  /**
   * What the API shows about one lost voter.
   *
   * @param pod        its pod's name (a StatefulSet pod name is reused by the pod's replacement)
   * @param podPresent whether a pod of that name exists
   * @param claimName  its data claim's name
   * @param claim      the claim's state
   * @param claimUid   the claim's uid when present
   * @param nodeName   the Node it last ran on, if known
   * @param node       that Node's state
   */
  public record Facts(String pod, boolean podPresent, String claimName, ClaimState claim, Optional<String> claimUid,
      Optional<String> nodeName, NodeState node) {}

  /** The verdict for one member: the kind of evidence (empty when there is none) and what was seen or is needed. */
  public record Finding(String pod, Optional<Kind> kind, String detail) {
    public boolean found() {
      return kind.isPresent();
    }
  }

  /** The state of a Node from what the API shows: whether it exists, and its taints' keys. */
  public static NodeState nodeState(boolean exists, Collection<String> taintKeys) {
    if (!exists) {
      return NodeState.DELETED;
    }
    return taintKeys.contains(OUT_OF_SERVICE_TAINT) ? NodeState.OUT_OF_SERVICE : NodeState.PRESENT;
  }

  /**
   * Whether the claim now present is another one than the member's: its uid differs from the one recorded when the
   * member was first seen lost (an empty recorded uid: there was no claim then, so any claim now is new).
   */
  public static boolean claimReplaced(Facts f, Optional<String> recordedClaimUid) {
    return (f.claim() == ClaimState.PRESENT || f.claim() == ClaimState.TERMINATING) && recordedClaimUid.isPresent()
        && !recordedClaimUid.get().equals(f.claimUid().orElse(""));
  }

  /** Whether the member's own volume is gone: its claim deleted, Lost, or replaced by another claim. */
  public static boolean volumeGone(Facts f, Optional<String> recordedClaimUid) {
    return f.claim() == ClaimState.DELETED || f.claim() == ClaimState.LOST || claimReplaced(f, recordedClaimUid);
  }

  /**
   * The evidence for one lost voter.
   *
   * @param recordedClaimUid the claim uid recorded when the member was first seen lost ("" when it had no claim
   *                         then), empty when nothing was recorded yet
   */
  public static Finding assess(Facts f, Optional<String> recordedClaimUid) {
    String node = f.nodeName().orElse("(never scheduled)");
    if (f.node() == NodeState.DELETED && f.nodeName().isPresent()) {
      return new Finding(f.pod(), Optional.of(Kind.NodeDeleted), "its Node " + node + " was deleted");
    }
    if (f.node() == NodeState.OUT_OF_SERVICE) {
      return new Finding(f.pod(), Optional.of(Kind.NodeOutOfService), "its Node " + node + " is tainted "
          + OUT_OF_SERVICE_TAINT);
    }
    if (claimReplaced(f, recordedClaimUid)) {
      // A claim of the same name with another uid: the old claim was deleted, and it could not be while the old pod
      // still used it (pvc-protection), so the pod that ran on the member's data is gone too.
      return new Finding(f.pod(), Optional.of(Kind.VolumeGone), "its claim " + f.claimName()
          + " was deleted and replaced by a new, empty one");
    }
    if (!f.podPresent() && (f.claim() == ClaimState.DELETED || f.claim() == ClaimState.LOST)) {
      return new Finding(f.pod(), Optional.of(Kind.VolumeGone), "its pod is gone and its claim " + f.claimName()
          + (f.claim() == ClaimState.DELETED ? " was deleted" : " lost its volume"));
    }
    String seen = (f.podPresent() ? "its pod exists" : "its pod is gone") + " and its claim " + f.claimName()
        + (volumeGone(f, recordedClaimUid) ? " is gone" : " is intact");
    return new Finding(f.pod(), Optional.empty(), seen + ": it may be paused or partitioned and come back with its"
        + " data. Evidence would be: its pod and its claim " + f.claimName() + " deleted (or the claim Lost), its Node "
        + node + " deleted, or that Node tainted " + OUT_OF_SERVICE_TAINT + ".");
  }
}
