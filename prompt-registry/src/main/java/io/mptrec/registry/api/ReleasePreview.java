package io.mptrec.registry.api;


/**
 * What releasing a version would do, computed by the same code that then performs the release
 * ({@link Lifecycle#releasePreview}).
 *
 * @param status              the version's status now
 * @param productionNow       the version production points to now; null when the task has none
 * @param productionNowBecomes what the current production version becomes (RETIRED); null when there is none
 * @param approval            the version's latest approval, if any
 * @param allowed             this actor may release it (with a reason when {@code bypass})
 * @param bypass              the release is an admin bypass (no valid approval): flagged, and needs a reason
 * @param refusal             why the registry would refuse it, in words; null when {@code allowed}
 */
public record ReleasePreview(String task, int number, VersionStatus status, Integer productionNow,
                             VersionStatus productionNowBecomes, ApprovalFacts approval, boolean allowed,
                             boolean bypass, String refusal) {

    /** The registry needs a reason only for a bypass; the pages ask for one always. */
    public boolean reasonRequired() {
        return bypass;
    }
}
