package io.cowsql.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Map;

/** The client Service (the cowsql port and the agent's HTTP API). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClientServiceSpec {
  static final String DEFAULT_TYPE_NAME = "ClusterIP";
  public static final ServiceType DEFAULT_TYPE = ServiceType.valueOf(DEFAULT_TYPE_NAME);

  @Default(DEFAULT_TYPE_NAME)
  @JsonPropertyDescription("Type of the client Service.")
  public ServiceType type = DEFAULT_TYPE;

  @JsonPropertyDescription("Annotations of the client Service (for example load balancer settings).")
  public Map<String, String> annotations;

  public enum ServiceType {
    ClusterIP, NodePort, LoadBalancer
  }
}
