package io.cowsql.node.agent;

import io.cowsql.contract.AgentOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The role targets while the agent runs. They are live settings of the contract ({@link
 * AgentOption.Apply#LIVE}): the operator writes them as pod annotations, the downward API refreshes
 * the annotations file, and each role-policy round reads it again, so changing {@code
 * spec.roles} restarts no pod. Until the annotations are there (or without an annotations file,
 * outside Kubernetes) the flags' values hold. A value that does not pass the contract's check is
 * logged once and the last good one is kept.
 */
final class LiveRoleTargets implements Supplier<RolePolicy> {
  private static final Logger LOG = Logger.getLogger(LiveRoleTargets.class.getName());

  private final Path annotationsFile;
  private int voters;
  private int standbys;
  private RolePolicy policy;
  private String lastProblem;

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
    String content;
    try {
      content = Files.readString(annotationsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problem("cannot read " + annotationsFile + ": " + e.getMessage() + "; keeping " + describe());
      return policy;
    }
    int v = read(content, AgentOption.VOTERS, voters);
    int s = read(content, AgentOption.STANDBYS, standbys);
    if (v != voters || s != standbys) {
      LOG.info("role targets now " + v + " voters, " + s + " standbys (were " + describe() + "), from " + annotationsFile);
      voters = v;
      standbys = s;
      policy = new RolePolicy(v, s);
    }
    return policy;
  }

  private int read(String content, AgentOption option, int current) {
    String text = FailureDomain.annotation(content, option.annotation());
    if (text == null) {
      return current;
    }
    try {
      int value = (int) option.integer(text);
      lastProblem = null;
      return value;
    } catch (IllegalArgumentException e) {
      problem("annotation " + option.annotation() + ": " + e.getMessage() + "; keeping " + current);
      return current;
    }
  }

  private String describe() {
    return voters + " voters, " + standbys + " standbys";
  }

  private void problem(String message) {
    if (!message.equals(lastProblem)) {
      LOG.warning(message);
      lastProblem = message;
    }
  }
}
