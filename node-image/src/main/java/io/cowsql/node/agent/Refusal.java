package io.cowsql.node.agent;

/** The agent refuses to start or to act: the message says what is wrong and what to do. */
public final class Refusal extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public Refusal(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
