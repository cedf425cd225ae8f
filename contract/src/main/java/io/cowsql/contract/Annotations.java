package io.cowsql.contract;

/**
 * The annotation keys the operator writes on node pods and the node agent reads from the pod's
 * downward-API annotations file, and the path of that file.
 */
public final class Annotations {
  private Annotations() {}

  /** Where the node pod mounts its downward-API volume. */
  public static final String PODINFO_DIR = "/etc/cowsql/podinfo";

  /** The pod's annotations as {@code key="value"} lines (the downward API's format). */
  public static final String ANNOTATIONS_FILE = PODINFO_DIR + "/annotations";

  /** The node's failure domain code (a number), derived by the operator from its Node's zone. */
  public static final String FAILURE_DOMAIN = "cowsql.io/failure-domain";

  /** The zone name the failure domain code stands for (for people; the agent reads the code). */
  public static final String ZONE = "cowsql.io/zone";

  /** {@code "true"} on ordinal 0 of a new cluster: the operator's grant to bootstrap. */
  public static final String BOOTSTRAP = "cowsql.io/bootstrap";

  /** The live target number of voters ({@link AgentOption#VOTERS}): running agents re-read it. */
  public static final String VOTERS = "cowsql.io/voters";

  /** The live target number of standbys ({@link AgentOption#STANDBYS}): running agents re-read it. */
  public static final String STANDBYS = "cowsql.io/standbys";

  /**
   * The members the operator is taking out of the cluster (a scale-down in progress): their node
   * ids in hex, comma-separated (empty or absent: none). Written on every live node pod, so
   * running agents re-read it: the role policy never promotes a leaving member and counts it out
   * of the voter and standby targets, and a leaving node never promotes itself back.
   */
  public static final String LEAVING = "cowsql.io/leaving";

  /**
   * The cluster's epoch (a whole number, 0 or more; absent means 0), incremented by each quorum-loss recovery. A node
   * records the epoch in its data dir's identity and never starts its engine on a dir of an older epoch, unless the
   * dir is the recovery's template ({@link #EPOCH_TEMPLATE}): it sets the old data aside in the volume and joins as
   * a new node, so a member fenced by a recovery can never vote or serve again with its old data.
   *
   * <p>Why a pod annotation and not an {@link AgentOption} (an environment variable of the node configuration): the
   * epoch changes while the cluster has no quorum, when a change of the configuration or of the pod template (its
   * config hash) would start a rolling update that cannot progress with pods not Ready; an environment variable is
   * also fixed for a running container. The annotation reaches running agents through the downward-API file, and a
   * new pod learns it in the same write as its failure domain, which the agent waits for before it touches its data
   * dir: the operator sets both keys in one patch, so no new pod starts its engine without knowing the epoch.
   */
  public static final String EPOCH = "cowsql.io/epoch";

  /**
   * The node id (hex, as the agent reports ids) of the one data dir that may start although its epoch is older than
   * {@link #EPOCH}: the recovery's template, whose configuration the operator rewrote. Written with the epoch while a
   * recovery regrows the cluster, withdrawn once it is over (the template's dir then records the new epoch).
   */
  public static final String EPOCH_TEMPLATE = "cowsql.io/epoch-template";

  /**
   * The node ids a {@link #LEAVING} value names, in the form agents report ids ({@code Long.toHexString}):
   * lower-case hex without leading zeros, unsigned.
   *
   * @param value the annotation's value; null or blank names none
   * @throws IllegalArgumentException naming the key and the part that is not a node id in hex
   */
  public static java.util.SortedSet<String> leavingIds(String value) {
    java.util.TreeSet<String> ids = new java.util.TreeSet<>();
    if (value == null || value.isBlank()) {
      return ids;
    }
    for (String part : value.split(",", -1)) {
      String id = part.trim();
      try {
        if (id.isEmpty() || id.startsWith("+") || id.startsWith("-")) {
          throw new NumberFormatException();
        }
        ids.add(Long.toHexString(Long.parseUnsignedLong(id, 16)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("pod annotation " + LEAVING + ": '" + id
            + "' is not a node id in hex (the ids as the agents' /status shows them, comma-separated)");
      }
    }
    return ids;
  }

  /** The {@link #LEAVING} value naming these node ids (as {@link #leavingIds} reads them): sorted, comma-separated. */
  public static String leavingValue(java.util.Collection<String> ids) {
    return String.join(",", leavingIds(String.join(",", ids)));
  }

  /**
   * The epoch an {@link #EPOCH} value names.
   *
   * @param value the annotation's value; null or absent is epoch 0 (a cluster never recovered)
   * @throws IllegalArgumentException naming the key when the value is not a whole number of 0 or more
   */
  public static long epoch(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      long e = Long.parseLong(value.trim());
      if (e >= 0) {
        return e;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("pod annotation " + EPOCH + " must be a whole number of 0 or more, got '"
        + value + "'");
  }

  /**
   * The node id an {@link #EPOCH_TEMPLATE} value names (hex, as {@link #leavingIds} reads ids).
   *
   * @param value the annotation's value; null or blank names none
   * @throws IllegalArgumentException naming the key when the value is not one node id in hex
   */
  public static java.util.OptionalLong epochTemplate(String value) {
    if (value == null || value.isBlank()) {
      return java.util.OptionalLong.empty();
    }
    String id = value.trim();
    try {
      if (id.startsWith("+") || id.startsWith("-")) {
        throw new NumberFormatException();
      }
      return java.util.OptionalLong.of(Long.parseUnsignedLong(id, 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pod annotation " + EPOCH_TEMPLATE + ": '" + id
          + "' is not a node id in hex (as the agents' /status shows ids)");
    }
  }

  /** When the bootstrap grant was given (RFC 3339). */
  public static final String BOOTSTRAP_GRANTED = "cowsql.io/bootstrap-granted-at";

  /** On the pod template: a digest of the restart settings, so a change of them rolls the pods. */
  public static final String CONFIG_HASH = "cowsql.io/config-hash";

  /**
   * A person's, not the operator's: with {@code spec.updateStrategy: Manual}, on a node pod, "this pod may be updated
   * now". Part of the contract so that an agent that starts while it is still there (a pod that restarted before the
   * operator replaced it) does not refuse it as unknown; the agent itself ignores it.
   */
  public static final String UPDATE_APPROVED = "cowsql.io/update";

  /** The prefix of every key of this contract; pod annotations under it are the operator's alone (but {@link #UPDATE_APPROVED}). */
  public static final String PREFIX = "cowsql.io/";

  /** Every pod annotation key of this contract. */
  public static final java.util.Set<String> KNOWN =
      java.util.Set.of(FAILURE_DOMAIN, ZONE, BOOTSTRAP, BOOTSTRAP_GRANTED, VOTERS, STANDBYS, LEAVING, CONFIG_HASH, EPOCH,
          EPOCH_TEMPLATE, UPDATE_APPROVED);

  /** The keys under {@link #PREFIX} that this contract does not define, sorted. */
  public static java.util.List<String> unknown(java.util.Collection<String> keys) {
    return keys.stream().filter(k -> k.startsWith(PREFIX) && !KNOWN.contains(k)).sorted().toList();
  }
}
