package io.cowsql.operator.health;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Readiness of the operator: started, and no event source (informer) unhealthy for longer than
 * {@code cowsql.operator.health-grace}. It replaces the Quarkus Operator SDK's own check (disabled in
 * application.properties), which reports DOWN whenever any informer is not watching at that instant, i.e. during
 * every routine watch restart.
 */
@Readiness
@ApplicationScoped
public class OperatorReadiness implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(OperatorReadiness.class);
  static final String NAME = "cowsql operator";

  private final Operator operator;
  private final Unhealthy unhealthy;

  public OperatorReadiness(Operator operator,
      @ConfigProperty(name = "cowsql.operator.health-grace", defaultValue = "60s") Duration grace) {
    this.operator = operator;
    this.unhealthy = new Unhealthy(grace);
  }

  @Override
  public synchronized HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
    if (!operator.getRuntimeInfo().isStarted()) {
      return response.down().withData("operator", "not started").build();
    }
    Set<String> now = new TreeSet<>();
    for (RegisteredController<?> controller : operator.getRuntimeInfo().getRegisteredControllers()) {
      String prefix = controller.getConfiguration().getName() + "/";
      controller.getControllerHealthInfo().unhealthyEventSources().keySet().forEach(s -> now.add(prefix + s));
    }
    Unhealthy.Verdict verdict = unhealthy.observe(now, System.nanoTime());
    verdict.down().forEach((name, d) -> response.withData(name, "unhealthy for " + d.toSeconds() + " s"));
    verdict.recovering().forEach((name, d) -> response.withData(name, "reconnecting for " + d.toMillis() + " ms"));
    if (!verdict.up()) {
      LOG.warnf("not ready: event sources unhealthy beyond the grace period: %s", verdict.down().keySet());
    }
    return (verdict.up() ? response.up() : response.down()).build();
  }
}
