package io.mptrec.registry.api;

import io.mptrec.kernel.security.Actor;
import io.mptrec.registry.api.Views.LabelView;
import io.mptrec.registry.api.Views.VersionSummary;

/**
 * The version lifecycle and the task's pointers, as other modules and the registry's own API change them: review
 * (four-eyes), release, rollback and free labels. Every change checks exactly what its preview shows, so a page that
 * renders a preview and the change that follows cannot disagree (unless the state changed in between). Unknown task or
 * version: 404 problem; a refused transition: 409 problem with its type; bad input: 400 naming the field.
 */
public interface Lifecycle {

    /** The protected label: what serves the task; it moves only through release and rollback. */
    String PRODUCTION = "production";

    /** Puts a DRAFT up for review; {@code comment} (the author's note to the reviewers, or null) goes to the audit log. */
    VersionSummary submit(String task, int number, Actor actor, String comment);

    /** What approving the version would mean for this actor (four-eyes, the admin bypass), without doing it. */
    ApprovalPreview approvalPreview(String task, int number, Actor actor);

    /** Four-eyes: the approver may not be the author, unless an admin bypasses with a reason (flagged). */
    VersionSummary approve(String task, int number, Actor actor, String comment, String reason);

    /** A rejection needs a comment. */
    VersionSummary reject(String task, int number, Actor actor, String comment);

    /**
     * What releasing the version would do for this actor: production now and after, the approval it relies on, whether
     * the actor may do it (and why not), whether it would be an admin bypass that needs a reason.
     */
    ReleasePreview releasePreview(String task, int number, Actor actor);

    /** Makes an APPROVED version production (the previous one becomes RETIRED); checks what the preview shows. */
    VersionSummary release(String task, int number, Actor actor, String reason);

    /**
     * What rolling the task's production back (to {@code target}, or when null to the previously released version)
     * would do; 409 problem ({@code no-production}) when the task has no production version.
     */
    RollbackPreview rollbackPreview(String task, Integer target, Actor actor);

    /** Returns production to the previously released (or the named retired) version; needs a reason. */
    VersionSummary rollback(String task, Integer target, Actor actor, String reason);

    /** Free labels (staging, canary, ...) move freely; {@code production} only through release and rollback. */
    LabelView setLabel(String task, String label, int number, Actor actor);

    /** Takes a free label off its version; production is only ever moved, never removed. */
    void removeLabel(String task, String label, Actor actor);
}
