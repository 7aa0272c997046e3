package io.mptrec.registry.api;

import io.mptrec.kernel.security.Actor;

import java.util.Optional;

/**
 * What the registry offers other modules (implemented by an application-scoped bean of the registry; inject this
 * interface). The A/B module resolves what serves a task, asks whether a version may take live traffic, and tells the
 * registry when it moved a task's traffic, all through here; it never writes a registry table.
 *
 * <p>The registry also fires {@link VersionWithdrawn} (a synchronous CDI event, inside the transaction of the
 * change) when a version is rejected, retired or rolled back, so that a module serving it can react in the same
 * transaction without the registry depending on that module.
 */
public interface PromptRegistry {

    /** The rule, in words, as refusals and the documentation state it. */
    String LIVE_TRAFFIC_RULE = "only a reviewed version may take live traffic: APPROVED, RELEASED, or RETIRED after it "
            + "was production (a rollback target); never DRAFT, IN_REVIEW, REJECTED or ROLLED_BACK";

    /** May this version receive live traffic? 404 problem for an unknown version id. */
    LiveTrafficDecision liveTraffic(long versionId);

    /**
     * The task's serving stamp: it changes, in the transaction of the change, whenever anything that decides what
     * serves the task changes (a pointer move, or an experiment change reported through {@link #servingChanged}). Read
     * on its own connection without a transaction (one indexed read); 404 problem for an unknown task.
     */
    ServingStamp servingStamp(String task);

    /** The version {@code production} points to; empty when there is none. Needs a transaction or request context. */
    Optional<ServedVersion> production(long taskId);

    /**
     * Reports that the caller changed what serves the task: bumps the task's serving stamp (its optimistic lock) in the
     * caller's transaction, which must be active. Of two concurrent changes of one task's serving (two experiment
     * starts, a pause and a release) one then fails at flush or commit with an optimistic-lock conflict (409).
     */
    void servingChanged(String task);

    /**
     * What releasing the version would do for this actor: production now and after, the approval it relies on, whether
     * the actor may do it (and why not), whether it would be an admin bypass that needs a reason. The release itself
     * runs the same checks, so a preview and the release that follows cannot disagree (unless the state changed in
     * between). 404 problem for an unknown task or version.
     */
    ReleasePreview releasePreview(String task, int number, Actor actor);

    /**
     * What rolling the task's production back (to {@code target}, or when null to the previously released version)
     * would do, computed by the same checks as the rollback. 404 problem for an unknown task or target version, 409
     * problem ({@code no-production}) when the task has no production version.
     */
    RollbackPreview rollbackPreview(String task, Integer target, Actor actor);
}
