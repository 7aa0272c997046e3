package io.mptrec.ab.experiment.service;

import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.experiment.ExperimentView;
import io.mptrec.ab.experiment.PromotionPreview;
import io.mptrec.ab.experiment.VerdictSource;
import io.mptrec.ab.experiment.VerdictSource.TreatmentVerdict;
import io.mptrec.ab.experiment.VerdictSource.Verdicts;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.kernel.audit.AuditAction;
import io.mptrec.kernel.audit.Change;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Actor;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.PromptRegistry;
import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.RollbackPreview;
import io.mptrec.registry.api.VersionStatus;
import io.mptrec.registry.api.Views.VersionSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * Promotes a winning arm through the registry's release (its rules stay intact: the version must be APPROVED by
 * someone other than its author, or released by an admin bypass with a reason), or through its rollback when the
 * winner is a version that served production before (RETIRED, a rollback arm), and stops the experiment, in one
 * transaction with both audit entries. Refused (409) unless the decision rule says SHIP for that arm, and when the
 * winner's version already serves production (the registry says which does): there is nothing to release, the
 * experiment is to be stopped instead.
 */
@ApplicationScoped
@Transactional
public class PromotionService {

    private final ExperimentService experiments;
    private final VerdictSource verdicts;
    private final Lifecycle lifecycle;
    private final PromptRegistry registry;

    public PromotionService(ExperimentService experiments, VerdictSource verdicts, Lifecycle lifecycle,
                            PromptRegistry registry) {
        this.experiments = experiments;
        this.verdicts = verdicts;
        this.lifecycle = lifecycle;
        this.registry = registry;
    }

    public record Promoted(ExperimentView experiment, int releasedVersion, String explanation) {
    }

    /** What {@link #promote} would do for this actor, without doing it: the same checks, then the registry's preview. */
    public PromotionPreview promotionPreview(long id, String armName, Actor actor) {
        Experiment e = promotable(id);
        Choice choice = choose(e, armName);
        ExperimentArm arm = choice.arm();
        boolean alreadyProduction = arm != null && servesProduction(e, arm);
        // a winner already in production has no release to preview: the registry would refuse to release it again
        RollbackPreview reinstate = arm == null || alreadyProduction || !reinstates(arm) ? null
                : lifecycle.rollbackPreview(e.taskName, arm.versionNumber, actor);
        ReleasePreview release = arm == null || alreadyProduction || reinstate != null ? null
                : lifecycle.releasePreview(e.taskName, arm.versionNumber, actor);
        List<PromotionPreview.Candidate> candidates = choice.verdicts().treatments().stream()
                .map(t -> new PromotionPreview.Candidate(t.arm(), arm(e, t.arm()).versionNumber, t.verdict().name(),
                        t.explanation(), t.verdict() == DecisionRule.Verdict.SHIP)).toList();
        boolean allowed = reinstate != null ? reinstate.allowed() : release != null && release.allowed();
        return new PromotionPreview(ExperimentView.of(e), candidates, arm == null ? null : arm.name,
                arm == null ? null : arm.versionNumber, release, reinstate, allowed,
                alreadyProduction ? alreadyProduction(e, arm) : choice.refusal(), alreadyProduction);
    }

    public Promoted promote(long id, String armName, Actor actor, String given) {
        String reason = ExperimentService.requireReason(given);
        Experiment e = promotable(id);
        Choice choice = choose(e, armName);
        if (choice.refusal() != null) {
            throw ApiException.conflict("not-ship", choice.refusal());
        }
        ExperimentArm arm = choice.arm();
        if (servesProduction(e, arm)) {
            throw ApiException.conflict("already-production", alreadyProduction(e, arm));
        }
        String why = reason == null || reason.isBlank() ? "promoted by experiment '" + e.name + "'" : reason;
        // stopped first: the release retires the control's version, which would otherwise pause the experiment
        experiments.stop(id, actor.name(), "promoted arm '" + arm.name + "' (version " + arm.versionNumber + "): "
                + choice.chosen().explanation());
        // the registry's release runs the checks its releasePreview shows (approval, four-eyes, admin bypass); a
        // version that served production before returns by its rollback, which release refuses to do
        boolean reinstate = reinstates(arm);
        VersionSummary released = reinstate ? lifecycle.rollback(e.taskName, arm.versionNumber, actor, why)
                : lifecycle.release(e.taskName, arm.versionNumber, actor, why);
        experiments.record(Change.of(actor.name(), AuditAction.EXPERIMENT_PROMOTE, e.taskName)
                .to("arm " + arm.name + " v" + arm.versionNumber + (reinstate ? " reinstated by rollback" : " released"))
                .because(why));
        return new Promoted(ExperimentView.of(e), released.number(), choice.chosen().explanation());
    }

    /** Whether the arm's version served production before (RETIRED, a rollback arm): it returns by rollback. */
    private boolean reinstates(ExperimentArm arm) {
        return registry.liveTraffic(arm.versionId).status() == VersionStatus.RETIRED;
    }

    /** Whether the arm's version is what production points to now: the registry's answer, not a status read here. */
    private boolean servesProduction(Experiment e, ExperimentArm arm) {
        return registry.production(e.taskId).map(p -> p.versionId() == arm.versionId).orElse(false);
    }

    private static String alreadyProduction(Experiment e, ExperimentArm arm) {
        return "arm '" + arm.name + "' ships, and its version " + arm.versionNumber + " already serves production of '"
                + e.taskName + "': there is nothing to release; stop the experiment instead";
    }

    private Experiment promotable(long id) {
        Experiment e = experiments.findExperimentById(id)
                .orElseThrow(() -> ApiException.notFound("no experiment " + id, "id"));
        if (!e.status.canPromote()) {
            throw ApiException.conflict("invalid-transition", "experiment " + id + " is " + e.status
                    + "; only a RUNNING or PAUSED experiment can be promoted");
        }
        return e;
    }

    /** The arm to promote, or why none: a named treatment must exist (else 400) and ship; unnamed, exactly one ships. */
    private record Choice(Verdicts verdicts, TreatmentVerdict chosen, ExperimentArm arm, String refusal) {
    }

    private Choice choose(Experiment e, String armName) {
        Verdicts r = verdicts.verdicts(e);
        TreatmentVerdict chosen;
        if (armName == null) {
            List<TreatmentVerdict> ship = r.treatments().stream()
                    .filter(t -> t.verdict() == DecisionRule.Verdict.SHIP).toList();
            if (ship.size() != 1) {
                return new Choice(r, null, null, ship.isEmpty()
                        ? "no arm has the verdict SHIP: " + r.explanation()
                        : "several arms ship; name the one to promote in 'arm'");
            }
            chosen = ship.get(0);
        } else {
            Names.requireName(armName, "arm"); // an arm's name, checked before the refusal below quotes it
            chosen = r.treatments().stream().filter(t -> t.arm().equals(armName)).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("invalid-input", "no treatment arm named '" + armName
                            + "'", "arm"));
            if (chosen.verdict() != DecisionRule.Verdict.SHIP) {
                return new Choice(r, null, null, chosen.explanation());
            }
        }
        return new Choice(r, chosen, arm(e, chosen.arm()), null);
    }

    private static ExperimentArm arm(Experiment e, String name) {
        return e.arms.stream().filter(a -> a.name.equals(name)).findFirst().orElseThrow();
    }
}
