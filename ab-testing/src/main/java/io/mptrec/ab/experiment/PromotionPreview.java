package io.mptrec.ab.experiment;

import io.mptrec.registry.api.ReleasePreview;
import io.mptrec.registry.api.RollbackPreview;

import java.util.List;

/**
 * What promoting an experiment's winner would do, computed by the same code that then promotes
 * ({@code PromotionService.promotionPreview}).
 *
 * @param candidates        each treatment with its verdict; only a SHIP arm may be promoted
 * @param chosen            the winning (SHIP) arm that would be promoted; null when none may be (see {@code refusal})
 * @param version           the chosen arm's version number; null when none is chosen
 * @param release           the registry's preview of releasing the chosen arm's version; null when none is chosen,
 *                          when it already serves production, or when it returns by rollback ({@code reinstate})
 * @param reinstate         the registry's preview of the rollback to the chosen arm's version, when that version
 *                          served production before (RETIRED, a rollback arm); null otherwise
 * @param allowed           this actor may promote it (with a reason): a SHIP arm, and the registry would release it
 *                          (or roll back to it)
 * @param refusal           why no arm may be promoted, or why the chosen one needs no release, in words; null when
 *                          the chosen arm goes to the release (whose own refusal, if any, is {@code release.refusal})
 * @param alreadyProduction the chosen arm's version already serves production: there is nothing to release, and
 *                          {@code promote} refuses (409 {@code already-production}); stop the experiment instead
 */
public record PromotionPreview(ExperimentView experiment, List<Candidate> candidates, String chosen,
                               Integer version, ReleasePreview release, RollbackPreview reinstate, boolean allowed,
                               String refusal,
                               boolean alreadyProduction) {

    /** A treatment: its verdict in words and whether it ships. */
    public record Candidate(String arm, int version, String verdict, String explanation, boolean ships) {
    }
}
