package io.cowsql.operator.plan;

import io.cowsql.contract.Annotations;
import io.cowsql.contract.DurationFormat;
import io.cowsql.contract.RoleTargets;
import io.cowsql.operator.model.ClusterSpecView;
import io.cowsql.operator.model.CowsqlClusterSpec;
import io.cowsql.operator.model.EngineSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules a Kubernetes 1.20 OpenAPI schema cannot express (no CEL there), checked before anything
 * changes. Each message names the field, what is wrong and the fix. An empty list means valid.
 */
public final class SpecValidator {
  private static final Duration MAX_LATENCY = Duration.ofHours(1);

  /** Longest name: the StatefulSet's controller-revision-hash label ({@code <name>-<10 chars>}) must fit 63. */
  public static final int MAX_NAME = 52;

  private SpecValidator() {}

  /**
   * The identity of a formed cluster cannot change: every node would refuse its own data dir. {@code recorded} is
   * the id in status (empty before the cluster formed).
   */
  public static List<String> validateIdentity(String rendered, Optional<String> recorded) {
    if (recorded.isPresent() && !recorded.get().equals(rendered)) {
      return List.of("spec.clusterId: the cluster formed as '" + recorded.get() + "' and its nodes' data records"
          + " that id; '" + rendered + "' would make every node refuse its data. Set spec.clusterId back to '"
          + recorded.get() + "' (to start a new cluster, create one under another name)");
    }
    return List.of();
  }

  /**
   * What is valid but probably not meant: each message names the field, the consequence and the fix. Shown in
   * status (condition SpecWarning), never a refusal.
   */
  public static List<String> warnings(CowsqlClusterSpec spec) {
    if (spec == null) {
      return List.of();
    }
    ClusterSpecView view = spec.defaulted();
    int replicas = view.replicas();
    int spares = view.roles().spares();
    if (spares > 0 && replicas < RoleTargets.SMALLEST_VOTING_GROUP) {
      return List.of("spec.replicas: " + replicas + " nodes make one voter and " + spares + " spare: a cluster of"
          + " fewer than " + RoleTargets.SMALLEST_VOTING_GROUP + " nodes has only its leader voting, and a spare"
          + " neither votes nor holds a copy of the data. Set spec.replicas to " + RoleTargets.SMALLEST_VOTING_GROUP
          + " for a cluster that survives the loss of a node, or to 1");
    }
    if (spares > 0) {
      int voters = view.voters();
      int standbys = view.standbys();
      return List.of("spec.replicas: " + spares + (spares == 1 ? " node will be a spare" : " nodes will be spares")
          + ": " + replicas + " replicas but spec.roles asks for " + voters + " voters + " + standbys
          + " standbys, and a spare neither votes nor holds a copy of the data. Raise spec.roles.standbys to "
          + (standbys + spares) + " or lower spec.replicas to " + (voters + standbys));
    }
    return List.of();
  }

  /** Rules on the resource's name (the API server accepts up to 253 characters; pods and labels need less). */
  public static List<String> validateName(String name) {
    if (name != null && name.length() > MAX_NAME) {
      return List.of("metadata.name: '" + name + "' has " + name.length() + " characters; use at most " + MAX_NAME
          + " (it names the StatefulSet, whose revision label must fit 63); create the cluster under a shorter name");
    }
    return List.of();
  }

  public static List<String> validate(CowsqlClusterSpec spec) {
    List<String> errors = new ArrayList<>();
    if (spec == null) {
      errors.add("spec: missing; give at least `spec: {}` (a 3-node cluster)");
      return errors;
    }
    ClusterSpecView view = spec.defaulted();
    int replicas = view.replicas();
    if (replicas < CowsqlClusterSpec.MIN_REPLICAS || replicas > CowsqlClusterSpec.MAX_REPLICAS) {
      errors.add("spec.replicas: " + replicas + " is out of range; use " + CowsqlClusterSpec.MIN_REPLICAS + " to "
          + CowsqlClusterSpec.MAX_REPLICAS);
    }
    if (view.image().filter(String::isBlank).isPresent()) {
      errors.add("spec.image: empty; remove the field to use the operator's default node image");
    }
    view.clusterId().filter(id -> id.length() > CowsqlClusterSpec.MAX_CLUSTER_ID
        || !id.matches(CowsqlClusterSpec.CLUSTER_ID_PATTERN)).ifPresent(id -> errors.add("spec.clusterId: '" + id
            + "' is not a cluster id; use 1 to " + CowsqlClusterSpec.MAX_CLUSTER_ID + " letters, digits and . _ / -,"
            + " starting and ending with a letter or digit (or remove the field for <namespace>/<name>)"));
    validateRoles(view, errors);
    validateStorage(view.storageSize(), errors);
    validateEngine(view.engine(), errors);
    if (DurationFormat.tryParse(view.quorumLossTimeout()).isEmpty()) {
      errors.add("spec.recovery.quorumLossTimeout: '" + view.quorumLossTimeout()
          + "' is not a duration; write " + DurationFormat.EXAMPLES + ", e.g. 5m");
    }
    if (view.topologyKey().isBlank()) {
      errors.add("spec.failureDomains.topologyKey: empty; use a node label such as topology.kubernetes.io/zone");
    }
    view.resources().ifPresent(r -> validateResources(r, errors));
    Map<String, String> podAnnotations = view.podTemplate().annotations;
    if (podAnnotations != null) {
      List<String> reserved = podAnnotations.keySet().stream()
          .filter(k -> k.startsWith(Annotations.PREFIX)).sorted().toList();
      if (!reserved.isEmpty()) {
        errors.add("spec.podTemplate.annotations: " + String.join(", ", reserved) + " (keys under "
            + Annotations.PREFIX + " are the operator's own, and the node agent refuses unknown ones); rename them");
      }
    }
    return errors;
  }

  /**
   * The voter target must be odd and, from {@link RoleTargets#SMALLEST_VOTING_GROUP} replicas on, at most
   * spec.replicas (more would make every node a voter, an even number with an even count of replicas). Below that
   * the role policy keeps only the leader voting whatever the target, so {@code replicas: 1} or {@code 2} with the
   * default target (which the API server writes into every stored spec) is valid.
   */
  private static void validateRoles(ClusterSpecView view, List<String> errors) {
    int voters = view.voters();
    int replicas = view.replicas();
    if (voters < 1) {
      errors.add("spec.roles.voters: " + voters + " is below 1; a cluster needs at least one voter");
    } else if (voters % 2 == 0) {
      errors.add("spec.roles.voters: " + voters + " is even; an even number of voters tolerates no more failures"
          + " than one fewer; set it to " + (voters - 1) + " or " + (voters + 1));
    }
    if (voters > replicas && replicas >= RoleTargets.SMALLEST_VOTING_GROUP) {
      int fix = replicas % 2 == 1 ? replicas : replicas - 1;
      errors.add("spec.roles.voters: " + voters + " is more than spec.replicas (" + replicas + "); set voters to "
          + fix + " or raise spec.replicas to " + voters);
    }
    if (view.standbys() < 0) {
      errors.add("spec.roles.standbys: " + view.standbys() + " is negative; use 0 or more");
    }
  }

  private static void validateStorage(String size, List<String> errors) {
    Optional<BigDecimal> bytes = quantity(size);
    if (bytes.isEmpty()) {
      errors.add("spec.storage.size: '" + size + "' is not a quantity; write e.g. 1Gi or 500Mi");
    } else if (bytes.get().signum() <= 0) {
      errors.add("spec.storage.size: " + size + " must be more than zero, e.g. 1Gi");
    }
  }

  private static void validateEngine(EngineSpec engine, List<String> errors) {
    if (engine.networkLatency != null) {
      Optional<Duration> d = DurationFormat.tryParse(engine.networkLatency);
      if (d.isEmpty()) {
        errors.add("spec.engine.networkLatency: '" + engine.networkLatency
            + "' is not a duration; write " + DurationFormat.EXAMPLES + ", e.g. 20ms");
      } else if (d.get().toMillis() < 1 || d.get().compareTo(MAX_LATENCY) > 0) {
        errors.add("spec.engine.networkLatency: " + engine.networkLatency + " is out of range; use 1ms to 60m");
      }
    }
    if ((engine.snapshotThreshold == null) != (engine.snapshotTrailing == null)) {
      errors.add("spec.engine.snapshotThreshold and spec.engine.snapshotTrailing go together; set both or neither");
    } else if (engine.snapshotThreshold != null) {
      if (engine.snapshotThreshold < 1) {
        errors.add("spec.engine.snapshotThreshold: " + engine.snapshotThreshold + " is below 1");
      }
      if (engine.snapshotTrailing < 4) {
        errors.add("spec.engine.snapshotTrailing: " + engine.snapshotTrailing + " is below 4, the engine's minimum");
      }
      if (engine.snapshotTrailing < engine.snapshotThreshold) {
        errors.add("spec.engine.snapshotTrailing: " + engine.snapshotTrailing + " is below snapshotThreshold ("
            + engine.snapshotThreshold + "); raise it to at least " + engine.snapshotThreshold);
      }
    }
    if (engine.blockSize != null) {
      int b = engine.blockSize;
      if (b < 512 || b > 262144 || Integer.bitCount(b) != 1) {
        errors.add("spec.engine.blockSize: " + b + " must be a power of two from 512 to 262144, e.g. 4096");
      }
    }
  }

  private static void validateResources(ResourceRequirements resources, List<String> errors) {
    checkQuantities("spec.resources.limits", resources.getLimits(), errors);
    checkQuantities("spec.resources.requests", resources.getRequests(), errors);
    if (resources.getLimits() != null && resources.getRequests() != null) {
      resources.getRequests().forEach((name, request) -> {
        Quantity limit = resources.getLimits().get(name);
        Optional<BigDecimal> r = quantity(request);
        Optional<BigDecimal> l = limit == null ? Optional.empty() : quantity(limit);
        if (r.isPresent() && l.isPresent() && r.get().compareTo(l.get()) > 0) {
          errors.add("spec.resources.requests." + name + ": " + request + " is more than the limit " + limit
              + "; lower the request or raise the limit");
        }
      });
    }
  }

  private static void checkQuantities(String field, Map<String, Quantity> quantities, List<String> errors) {
    if (quantities == null) {
      return;
    }
    quantities.forEach((name, q) -> {
      if (quantity(q).isEmpty()) {
        errors.add(field + "." + name + ": '" + q + "' is not a quantity; write e.g. 500m for CPU or 256Mi for memory");
      }
    });
  }

  /** The numeric value of a Kubernetes quantity, or empty when it does not parse. */
  public static Optional<BigDecimal> quantity(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    return quantity(new Quantity(text.trim()));
  }

  static Optional<BigDecimal> quantity(Quantity q) {
    if (q == null) {
      return Optional.empty();
    }
    try {
      String s = q.toString();
      if (!s.matches("^[+-]?[0-9]+(\\.[0-9]+)?([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$")) {
        return Optional.empty();
      }
      return Optional.of(Quantity.getAmountInBytes(Quantity.parse(s)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
