package io.mptrec.ab.experiment;

import io.mptrec.registry.api.ReleasePreview;

import java.util.List;

/**
 * What promoting an experiment's winner would do, computed by the same code that then promotes
 * ({@code PromotionService.promotionPreview}).
 *
 * @param candidates each treatment with its verdict; only a SHIP arm may be promoted
 * @param chosen     the arm that would be promoted; null when none may be (see {@code refusal})
 * @param release    the registry's preview of releasing the chosen arm's version; null when none is chosen
 * @param allowed    this actor may promote it (with a reason): a SHIP arm, and the registry would release it
 * @param refusal    why no arm may be promoted, in words; null when one is chosen
 */
public record PromotionPreview(ExperimentView experiment, List<Candidate> candidates, String chosen,
                               Integer version, ReleasePreview release, boolean allowed, String refusal) {

    /** A treatment: its verdict in words and whether it ships. */
    public record Candidate(String arm, int version, String verdict, String explanation, boolean ships) {
    }
}
