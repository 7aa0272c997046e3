package io.mptrec.registry.version.service;

import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.audit.Ledger;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Actor;
import io.mptrec.kernel.security.Names;
import io.mptrec.registry.api.ApprovalFacts;
import io.mptrec.registry.api.ApprovalPreview;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.Views.LabelView;
import io.mptrec.registry.api.Views.VersionSummary;
import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.RollbackPreview;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.VersionWithdrawn;
import io.mptrec.registry.version.Approval;
import io.mptrec.registry.version.Label;
import io.mptrec.registry.version.Task;
import io.mptrec.registry.version.mapping.VersionMapper;
import io.mptrec.registry.version.PromptVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.List;

/**
 * The version lifecycle: DRAFT -> IN_REVIEW -> APPROVED | REJECTED; APPROVED -> RELEASED (moves production, the
 * previous one becomes RETIRED); rollback: RELEASED -> ROLLED_BACK and a RETIRED one back to RELEASED.
 * Each change, its audit entries and its outbox events commit in one transaction; each method flushes before
 * returning so that the loser of a concurrent change gets its 409 from this call. A version that becomes REJECTED,
 * RETIRED or ROLLED_BACK is announced as {@link VersionWithdrawn}, synchronously in that transaction.
 */
@ApplicationScoped
@Transactional
public class LifecycleService implements Lifecycle {

    private final Clock clock;
    private final VersionService versions;
    private final Ledger ledger;
    private final Event<VersionWithdrawn> withdrawn;
    private final VersionMapper views;

    public LifecycleService(Clock clock, VersionService versions, Ledger ledger, Event<VersionWithdrawn> withdrawn,
                            VersionMapper views) {
        this.views = views;
        this.clock = clock;
        this.versions = versions;
        this.ledger = ledger;
        this.withdrawn = withdrawn;
    }

    @Override
    public VersionSummary submit(String taskName, int number, Actor actor, String comment) {
        requireProse(comment, "comment");
        PromptVersion version = versions.findVersion(taskName, number);
        requireStatus(version, VersionStatus.DRAFT, "submitted for review");
        transition(version, VersionStatus.IN_REVIEW, AuditAction.SUBMIT, actor,
                comment == null || comment.isBlank() ? null : comment, false);
        return flushed(version);
    }

    /** Four-eyes: the approver may not be the author, unless an admin bypasses with a reason (flagged). */
    @Override
    public VersionSummary approve(String taskName, int number, Actor actor, String comment, String reason) {
        requireProse(comment, "comment");
        requireProse(reason, "reason");
        PromptVersion version = versions.findVersion(taskName, number);
        requireStatus(version, VersionStatus.IN_REVIEW, "approved");
        String fourEyes = fourEyes(version, actor);
        boolean bypass = fourEyes != null && actor.requireBypass("invalid-transition", fourEyes, reason);
        if (!bypass && reason != null && !reason.isBlank()) {
            throw ApiException.badRequest("invalid-input", "a reason is for an admin's bypass of four-eyes, which "
                    + "this approval is not: give your note in comment", "reason");
        }
        decide(version, Approval.APPROVED, actor, comment, bypass);
        transition(version, VersionStatus.APPROVED, AuditAction.APPROVE, actor, bypass ? reason : comment, bypass);
        return flushed(version);
    }

    @Override
    public ApprovalPreview approvalPreview(String taskName, int number, Actor actor) {
        PromptVersion version = versions.findVersion(taskName, number);
        String refusal = version.status == VersionStatus.IN_REVIEW ? null : statusRefusal(version,
                VersionStatus.IN_REVIEW, "approved");
        String fourEyes = fourEyes(version, actor);
        boolean bypass = refusal == null && fourEyes != null;
        boolean allowed = refusal == null && (fourEyes == null || actor.admin());
        return new ApprovalPreview(version.task.name, version.number, version.status, version.author, allowed, bypass,
                allowed ? null : refusal != null ? refusal : fourEyes);
    }

    /** Stores a review decision: it covers the version's content and the task's encoder as they are now. */
    private void decide(PromptVersion version, String decision, Actor actor, String comment, boolean bypass) {
        Approval approval = new Approval();
        approval.version = version;
        approval.decision = decision;
        approval.reviewer = actor.name();
        approval.comment = comment;
        approval.contentSha256 = version.contentSha256;
        approval.encoderSha256 = version.task.encoder.contentSha256;
        approval.adminBypass = bypass;
        approval.decidedAt = clock.instant();
        approval.persist();
    }

    /** The four-eyes rule: the refusal when the actor uploaded the version, else null. */
    private static String fourEyes(PromptVersion version, Actor actor) {
        return version.author.equals(actor.name()) ? "four-eyes: " + actor.name() + " uploaded version "
                + version.number + " and may not approve it" : null;
    }

    @Override
    public VersionSummary reject(String taskName, int number, Actor actor, String comment) {
        requireProse(comment, "comment");
        if (comment == null || comment.isBlank()) {
            throw ApiException.badRequest("comment-required", "a rejection needs a comment", "comment");
        }
        PromptVersion version = versions.findVersion(taskName, number);
        requireStatus(version, VersionStatus.IN_REVIEW, "rejected");
        decide(version, Approval.REJECTED, actor, comment, false);
        transition(version, VersionStatus.REJECTED, AuditAction.REJECT, actor, comment, false);
        return flushed(version);
    }

    /**
     * Makes an APPROVED version production; the version production held becomes RETIRED. The approval must still
     * cover the version's content and the task's encoder. An admin may release an unapproved version with a reason.
     * Checks exactly what {@link #releasePreview} shows.
     */
    @Override
    public VersionSummary release(String taskName, int number, Actor actor, String reason) {
        requireProse(reason, "reason");
        PromptVersion version = versions.findVersion(taskName, number);
        ReleaseCheck check = checkRelease(version);
        if (check.refusal() != null && !check.bypassable()) {
            throw ApiException.conflict(check.type(), check.refusal());
        }
        boolean bypass = check.bypassable() && actor.requireBypass("invalid-transition", check.refusal(), reason);
        movedProduction(version.task, version, actor, AuditAction.RELEASE, VersionStatus.RETIRED, AuditAction.RETIRE, reason, bypass);
        return flushed(version);
    }

        @Override
    public ReleasePreview releasePreview(String taskName, int number, Actor actor) {
        PromptVersion version = versions.findVersion(taskName, number);
        ReleaseCheck check = checkRelease(version);
        Integer production = Label.findByTaskAndName(version.task, Label.PRODUCTION).map(l -> l.version.number)
                .orElse(null);
        Approval latest = Approval.findLatestApproval(version).orElse(null);
        ApprovalFacts approval = latest == null ? null : new ApprovalFacts(latest.reviewer, version.author,
                latest.decidedAt, latest.covers(version, version.task.encoder.contentSha256), latest.adminBypass);
        boolean allowed = check.refusal() == null || check.bypassable() && actor.admin();
        return new ReleasePreview(version.task.name, version.number, version.status, production,
                production == null ? null : VersionStatus.RETIRED, approval, allowed, check.bypassable(),
                allowed ? null : check.refusal());
    }

    /**
     * The release rules for one version: refused outright ({@code type}, {@code refusal}), open only to an admin
     * bypass with a reason ({@code bypassable}), or allowed (no refusal).
     */
    private record ReleaseCheck(String type, String refusal, boolean bypassable) {
    }

    private static ReleaseCheck checkRelease(PromptVersion version) {
        Task task = version.task;
        int number = version.number;
        if (!version.encoderSha256.equals(task.encoder.contentSha256)) {
            return new ReleaseCheck("wrong-encoder", "version " + number + " was trained for encoder "
                    + version.encoderSha256 + ", task '" + task.name + "' runs on " + task.encoder.contentSha256, false);
        }
        if (version.status == VersionStatus.APPROVED) {
            Approval approval = Approval.findLatestApproval(version).orElse(null);
            if (approval == null || !approval.covers(version, task.encoder.contentSha256)) {
                return new ReleaseCheck("invalid-transition", "the approval of version " + number
                        + " is void: the content or the target encoder changed since it was approved", true);
            }
            return new ReleaseCheck(null, null, false);
        }
        if (version.status == VersionStatus.DRAFT || version.status == VersionStatus.IN_REVIEW) {
            return new ReleaseCheck("invalid-transition", "version " + number + " is " + version.status
                    + "; only an APPROVED version can be released", true);
        }
        return new ReleaseCheck("invalid-transition", "version " + number + " is " + version.status
                + "; only an APPROVED version can be released"
                + (version.status == VersionStatus.RETIRED ? " (use rollback to return to a retired version)" : ""), false);
    }

    /**
     * Returns production to the previously released version (or the named retired one); the current one is
     * ROLLED_BACK. Checks exactly what {@link #rollbackPreview} shows.
     */
    @Override
    public VersionSummary rollback(String taskName, Integer targetNumber, Actor actor, String reason) {
        if (reason == null || reason.isBlank()) {
            throw ApiException.badRequest("reason-required", "a rollback needs a reason", "reason");
        }
        requireProse(reason, "reason");
        RollbackCheck check = checkRollback(taskName, targetNumber);
        if (check.refusal() != null) {
            throw ApiException.conflict(check.type(), check.refusal());
        }
        movedProduction(check.task(), check.target(), actor, AuditAction.REINSTATE, VersionStatus.ROLLED_BACK, AuditAction.ROLLBACK,
                reason, false);
        return flushed(check.target());
    }

        @Override
    public RollbackPreview rollbackPreview(String taskName, Integer targetNumber, Actor actor) {
        RollbackCheck check = checkRollback(taskName, targetNumber);
        List<Integer> candidates = PromptVersion.listByTask(check.task()).stream()
                .filter(v -> v.status == VersionStatus.RETIRED).map(v -> v.number).toList();
        Integer target = check.target() != null ? Integer.valueOf(check.target().number) : targetNumber;
        return new RollbackPreview(check.task().name, check.production().version.number, VersionStatus.ROLLED_BACK,
                target, candidates, check.refusal() == null, check.refusal());
    }

    /** The rollback rules: an unknown task or version is 404 (thrown); a refusal is a 409 of {@code type}. */
    private record RollbackCheck(Task task, Label production, PromptVersion target, String type, String refusal) {
    }

    private RollbackCheck checkRollback(String taskName, Integer targetNumber) {
        Task task = versions.findTask(taskName);
        Label production = Label.findByTaskAndName(task, Label.PRODUCTION).orElseThrow(() -> ApiException.conflict(
                "no-production", "task '" + taskName + "' has no production version to roll back"));
        PromptVersion target;
        if (targetNumber == null) {
            target = PromptVersion.findPreviouslyReleased(task).orElse(null);
            if (target == null) {
                return new RollbackCheck(task, production, null, "no-previous-release",
                        "task '" + taskName + "' has no previously released version to return to");
            }
        } else {
            target = versions.findVersion(taskName, targetNumber, "targetVersion");
            if (target.status != VersionStatus.RETIRED) {
                return new RollbackCheck(task, production, target, "invalid-transition", "version " + targetNumber
                        + " is " + target.status + "; rollback can only return to a RETIRED (previously released) version");
            }
        }
        if (production.version.id.equals(target.id)) {
            return new RollbackCheck(task, production, target, "invalid-transition",
                    "version " + target.number + " is already production");
        }
        return new RollbackCheck(task, production, target, null, null);
    }

    /** Free labels (staging, canary, ...) move freely; production only through release and rollback. */
    @Override
    public LabelView setLabel(String taskName, String labelName, int number, Actor actor) {
        if (Label.PRODUCTION.equals(labelName)) {
            throw ApiException.conflict("protected-label",
                    "'production' moves only through release and rollback");
        }
        PromptVersion version = versions.findVersion(taskName, number);
        Label already = Label.findByTaskAndName(version.task, labelName).orElse(null);
        if (already != null && already.version.id.equals(version.id)) {
            return VersionMapper.toLabelView(already); // already there: nothing moves, nothing is audited or published
        }
        touch(version.task);
        Label label = moveLabel(version.task, labelName, version, actor, null, false);
        Label.flush();
        return VersionMapper.toLabelView(label);
    }

    /** Takes a free label off its version (audited); production is only ever moved, never removed. */
    @Override
    public void removeLabel(String taskName, String labelName, Actor actor) {
        if (Label.PRODUCTION.equals(labelName)) {
            throw ApiException.conflict("protected-label",
                    "'production' moves only through release and rollback and cannot be removed");
        }
        Task task = versions.findTask(taskName);
        Label label = Label.findByTaskAndName(task, labelName).orElseThrow(() -> ApiException.notFound(
                "task '" + taskName + "' has no label '" + labelName + "'", "name"));
        int number = label.version.number;
        String before = labelName + "=v" + number;
        touch(task);
        label.delete();
        ledger.record(Change.of(actor.name(), AuditAction.REMOVE_LABEL, task.name).version(number).from(before));
        Label.flush();
    }

    /** First-start seeding: registers a shipped, already released prompt as production, audited as the system. */
    public VersionSummary seedRelease(String taskName, int number) {
        PromptVersion version = versions.findVersion(taskName, number);
        movedProduction(version.task, version, Actor.SYSTEM, AuditAction.SEED_RELEASE, VersionStatus.RETIRED, AuditAction.RETIRE,
                "shipped with the application", false);
        return flushed(version);
    }

    private void movedProduction(Task task, PromptVersion next, Actor actor, AuditAction action,
                                 VersionStatus oldStatus, AuditAction oldAction, String reason, boolean bypass) {
        touch(task);
        Label production = Label.findByTaskAndName(task, Label.PRODUCTION).orElse(null);
        if (production != null) {
            transition(production.version, oldStatus, oldAction, actor, reason, bypass);
        }
        next.releasedAt = clock.instant();
        transition(next, VersionStatus.RELEASED, action, actor, reason, bypass);
        moveLabel(task, Label.PRODUCTION, next, actor, reason, bypass);
    }

    private Label moveLabel(Task task, String name, PromptVersion version, Actor actor, String reason, boolean bypass) {
        Label label = Label.findByTaskAndName(task, name).orElse(null);
        String before = label == null ? null : name + "=v" + label.version.number;
        if (label == null) {
            label = new Label();
            label.task = task;
            label.name = name;
        }
        label.version = version;
        label.movedBy = actor.name();
        label.movedAt = clock.instant();
        label.persist();
        String after = name + "=v" + version.number;
        ledger.record(Change.of(actor.name(), AuditAction.MOVE_LABEL, task.name).version(version.number).from(before)
                .to(after).because(reason).bypass(bypass));
        return label;
    }

    private void transition(PromptVersion version, VersionStatus to, AuditAction action, Actor actor, String reason,
                            boolean bypass) {
        String before = version.status.name();
        version.status = to;
        ledger.record(Change.of(actor.name(), action, version.task.name).version(version.number).from(before)
                .to(to.name()).because(reason).bypass(bypass));
        if (to == VersionStatus.REJECTED || to == VersionStatus.RETIRED || to == VersionStatus.ROLLED_BACK) {
            withdrawn.fire(new VersionWithdrawn(version.task.name, version.id, version.number, to, actor.name()));
        }
    }

    /**
     * Bumps the task's serving stamp at once and holds its row to the end of the transaction, before the change
     * writes anything: of two concurrent pointer moves of one task the second waits here, then fails with 409 (its
     * stamp is stale) before it has written a row. Taking the task's row first in every change that moves what serves
     * it (here, and in experiment changes through {@code PromptRegistry.servingChanged}) keeps them from deadlocking;
     * a bump left to the commit failed inside the transaction manager, which logged each expected 409 as a warning.
     */
    private void touch(Task task) {
        task.updatedAt = clock.instant();
        Task.getEntityManager().lock(task, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
    }

    private static void requireStatus(PromptVersion version, VersionStatus expected, String verb) {
        if (version.status != expected) {
            throw ApiException.conflict("invalid-transition", statusRefusal(version, expected, verb));
        }
    }

    private static String statusRefusal(PromptVersion version, VersionStatus expected, String verb) {
        String article = "AEIOU".indexOf(expected.name().charAt(0)) >= 0 ? "an " : "a ";
        return "version " + version.number + " is " + version.status + "; only " + article + expected
                + " version can be " + verb;
    }

    private VersionSummary flushed(PromptVersion version) {
        PromptVersion.flush();
        return views.toSummary(version);
    }

    /** The longest comment or reason, in characters; the columns and the audit log hold it whole. */
    public static final int MAX_TEXT = 4000;

    /**
     * A comment or reason is optional here (the callers say when one is required); given, it is stored (the approval,
     * the audit log): at most {@link #MAX_TEXT} characters and no control character but line breaks and tabs, for
     * the API and the pages alike.
     */
    public static void requireProse(String text, String field) {
        if (text != null && !text.isEmpty()) {
            Names.requireProse(text, MAX_TEXT, field);
        }
    }
}
