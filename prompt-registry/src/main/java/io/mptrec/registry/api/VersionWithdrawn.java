package io.mptrec.registry.api;


/**
 * Fired synchronously by the registry, inside the transaction of the change, when a version is withdrawn from where it
 * stood: it becomes REJECTED, RETIRED (production moved on) or ROLLED_BACK. A module that serves the version reacts in
 * the same transaction (ab-testing pauses an experiment that routes traffic to it); an observer that throws rolls the
 * change back.
 *
 * @param status the version's new status
 * @param actor  who made the change
 */
public record VersionWithdrawn(String task, long versionId, int number, VersionStatus status, String actor) {
}
