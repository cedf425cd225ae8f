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

  /** When the bootstrap grant was given (RFC 3339). */
  public static final String BOOTSTRAP_GRANTED = "cowsql.io/bootstrap-granted-at";

  /** On the pod template: a digest of the restart settings, so a change of them rolls the pods. */
  public static final String CONFIG_HASH = "cowsql.io/config-hash";

  /** The prefix of every key of this contract; pod annotations under it are the operator's alone. */
  public static final String PREFIX = "cowsql.io/";

  /** Every pod annotation key of this contract. */
  public static final java.util.Set<String> KNOWN =
      java.util.Set.of(FAILURE_DOMAIN, ZONE, BOOTSTRAP, BOOTSTRAP_GRANTED, VOTERS, STANDBYS, LEAVING, CONFIG_HASH);

  /** The keys under {@link #PREFIX} that this contract does not define, sorted. */
  public static java.util.List<String> unknown(java.util.Collection<String> keys) {
    return keys.stream().filter(k -> k.startsWith(PREFIX) && !KNOWN.contains(k)).sorted().toList();
  }
}
