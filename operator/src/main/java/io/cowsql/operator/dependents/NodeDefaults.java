package io.cowsql.operator.dependents;

import java.time.Duration;

/**
 * Operator-wide defaults for the node pods (configuration properties {@code cowsql.operator.*}).
 *
 * @param image           node image when spec.image is not set
 * @param shutdownTimeout the agent's bound on handover + stop at SIGTERM; the pods' grace period covers it
 */
public record NodeDefaults(String image, Duration shutdownTimeout) {
  public static final String DEFAULT_IMAGE = "ghcr.io/cowsql/cowsql-node:0.1.0";

  public static NodeDefaults standard() {
    return new NodeDefaults(DEFAULT_IMAGE, Duration.ofSeconds(20));
  }
}
