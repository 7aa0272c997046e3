package io.mptrec.registry.api;


import java.util.List;

/**
 * What rolling a task's production back would do, computed by the same code that then performs the rollback
 * ({@link Lifecycle#rollbackPreview}). A rollback always needs a reason.
 *
 * @param productionNow        the version production points to now
 * @param productionNowBecomes what it becomes (ROLLED_BACK)
 * @param target               the version production returns to: the one asked for, else the previously released
 *                             one; null when there is none
 * @param candidates           the versions a rollback may return to (RETIRED), oldest first
 * @param allowed              the registry would perform it (given a reason)
 * @param refusal              why not, in words; null when {@code allowed}
 */
public record RollbackPreview(String task, int productionNow, VersionStatus productionNowBecomes, Integer target,
                              List<Integer> candidates, boolean allowed, String refusal) {
}
