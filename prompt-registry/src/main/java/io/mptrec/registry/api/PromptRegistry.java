package io.mptrec.registry.api;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;

import java.util.Optional;

/**
 * What the registry offers the modules that serve traffic (implemented by an application-scoped bean of the registry;
 * inject this interface). The A/B module resolves what serves a task, asks whether a version may take live traffic,
 * loads what scores a version, and tells the registry when it moved a task's traffic, all through here; it never
 * reads or writes a registry table. The registry's other published interfaces: {@link Catalog} (what it holds),
 * {@link Lifecycle} (review, release, rollback, labels, with previews) and {@link AuditTrail}.
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
     * Reports that the caller is changing what serves the task: bumps the task's serving stamp at once, in the caller's
     * transaction (which must be active), and holds the task's row until that transaction ends. Call it before
     * reading anything the change depends on: of two concurrent changes of one task's serving (two experiment starts,
     * a pause and a release) the second waits here for the first to end, then fails with an optimistic-lock conflict
     * (409) if the first committed; it never fails later, at commit.
     */
    void servingChanged(String task);

    /**
     * The scoring inputs of a version: its reference, the task prompt and the encoder it was trained for, parsed (the
     * encoder once per process). Read in a transaction of its own; 404 problem for an unknown version id.
     */
    Servable servable(long versionId);

    /** What scores a version: both artifacts, verified when stored. */
    record Servable(VersionRef version, EncoderArtifact encoder, TaskPromptArtifact prompt) {
    }
}
