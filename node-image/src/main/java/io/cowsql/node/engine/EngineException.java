package io.cowsql.node.engine;

/** An engine call failed, or the engine library could not be loaded. */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;

  public EngineException(String message) {
    this(-1, message, null);
  }

  public EngineException(int code, String message) {
    this(code, message, null);
  }

  public EngineException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The engine's return code (1 ERROR, 2 MISUSE, 3 NOMEM), or -1 when no engine call was made. */
  public int code() {
    return code;
  }
}
