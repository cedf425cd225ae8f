package io.cowsql.node.agent;

import io.cowsql.contract.AgentOption;
import io.cowsql.contract.Annotations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The role targets while the agent runs. They are live settings of the contract ({@link
 * AgentOption.Apply#LIVE}): the operator writes them as pod annotations, the downward API refreshes
 * the annotations file, and each role-policy round reads it again, so changing {@code
 * spec.roles} restarts no pod. Until the annotations are there (or without an annotations file,
 * outside Kubernetes) the flags' values hold. A value that does not pass the contract's check is
 * logged once and the last good one is kept.
 *
 * <p>The members a scale-down takes out ({@link Annotations#LEAVING}, node ids in hex,
 * comma-separated) are read the same way, each round: without the annotation, none leave.
 */
final class LiveRoleTargets implements Supplier<RolePolicy> {
  private static final Logger LOG = Logger.getLogger(LiveRoleTargets.class.getName());

  private final Path annotationsFile;
  private int voters;
  private int standbys;
  private Set<Long> leaving = Set.of();
  private RolePolicy policy;
  private String lastProblem;
  private boolean problemThisRound;

  /** @param annotationsFile the downward-API annotations file, or null when there is none */
  LiveRoleTargets(Path annotationsFile, int voters, int standbys) {
    this.annotationsFile = annotationsFile;
    this.voters = voters;
    this.standbys = standbys;
    this.policy = new RolePolicy(voters, standbys);
  }

  @Override
  public synchronized RolePolicy get() {
    if (annotationsFile == null) {
      return policy;
    }
    problemThisRound = false;
    String content;
    try {
      content = Files.readString(annotationsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problem("cannot read " + annotationsFile + ": " + e.getMessage() + "; keeping " + describe());
      return policy;
    }
    int v = read(content, AgentOption.VOTERS, voters);
    int s = read(content, AgentOption.STANDBYS, standbys);
    Set<Long> l = readLeaving(content);
    if (v != voters || s != standbys) {
      LOG.info("role targets now " + v + " voters, " + s + " standbys (were " + describe() + "), from " + annotationsFile);
    }
    if (!l.equals(leaving)) {
      LOG.info("leaving members now " + hex(l) + " (were " + hex(leaving) + "), from " + annotationsFile);
    }
    if (v != voters || s != standbys || !l.equals(leaving)) {
      voters = v;
      standbys = s;
      leaving = l;
      policy = new RolePolicy(v, s, l);
    }
    if (!problemThisRound) {
      lastProblem = null;
    }
    return policy;
  }

  /** The leaving ids; an id that is not hex keeps the last good set. */
  private Set<Long> readLeaving(String content) {
    String text = FailureDomain.annotation(content, Annotations.LEAVING);
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    Set<Long> ids = new TreeSet<>(Long::compareUnsigned);
    try {
      for (String id : Annotations.leavingIds(text)) {
        ids.add(Long.parseUnsignedLong(id, 16));
      }
    } catch (IllegalArgumentException e) {
      problem(e.getMessage() + "; keeping " + hex(leaving));
      return leaving;
    }
    return Set.copyOf(ids);
  }

  private static String hex(Set<Long> ids) {
    TreeSet<String> out = new TreeSet<>();
    for (long id : ids) {
      out.add(Identity.hex(id));
    }
    return out.toString();
  }

  private int read(String content, AgentOption option, int current) {
    String text = FailureDomain.annotation(content, option.annotation());
    if (text == null) {
      return current;
    }
    try {
      return (int) option.integer(text);
    } catch (IllegalArgumentException e) {
      problem("annotation " + option.annotation() + ": " + e.getMessage() + "; keeping " + current);
      return current;
    }
  }

  private String describe() {
    return voters + " voters, " + standbys + " standbys";
  }

  private void problem(String message) {
    problemThisRound = true;
    if (!message.equals(lastProblem)) {
      LOG.warning(message);
      lastProblem = message;
    }
  }
}
