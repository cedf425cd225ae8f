package io.cowsql.operator.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one reconcile pass will do: a value computed from the observation before anything is written,
 * so tests can assert on it and logs can print it.
 *
 * @param specErrors          validation failures; when not empty nothing is changed at all
 * @param specWarnings        valid but probably not meant (condition SpecWarning); nothing is refused for them
 * @param clusterId           the identity the nodes get (COWSQL_CLUSTER_ID), recorded in status once formed
 * @param statefulSetReplicas replicas the StatefulSet gets (the spec; during a scale-down the current count until the
 *                            leader no longer lists the highest member)
 * @param scaleDown           the next step of a scale-down (step NONE when there is none)
 * @param failureDomains      zone -> code, old codes unchanged
 * @param podAnnotations      pod -> annotations to set (a null value removes the key); only pods that need a change
 * @param bootstrapped        whether the cluster has ever formed (then no pod may bootstrap again)
 * @param claimsToOwn         claims that get the cluster as owner (storage.retention.whenDeleted=Delete)
 * @param claimsToRelease     claims that lose that owner (whenDeleted=Retain)
 * @param podsToRestart       pod -> why it is deleted (the StatefulSet recreates it)
 */
public record ClusterPlan(List<String> specErrors, List<String> specWarnings, String clusterId, int statefulSetReplicas, ScaleDownPlan scaleDown,
    Map<String, Long> failureDomains, Map<String, Map<String, String>> podAnnotations, boolean bootstrapped,
    List<String> claimsToOwn, List<String> claimsToRelease, Map<String, String> podsToRestart) {

  /** Why a shrink request is not carried out now, empty when there is none or it is under way. */
  public Optional<String> scaleDownRefused() {
    return scaleDown.step() == ScaleDownPlan.Step.REFUSED ? Optional.of(scaleDown.message()) : Optional.empty();
  }

  public boolean valid() {
    return specErrors.isEmpty();
  }

  /** True when carrying the plan out writes nothing besides the dependents' own comparisons. */
  public boolean writesNothingExtra() {
    return podAnnotations.isEmpty() && claimsToOwn.isEmpty() && claimsToRelease.isEmpty() && podsToRestart.isEmpty()
        && !scaleDown.changesMembership() && scaleDown.claim().isEmpty();
  }
}
