package io.mptrec.ab.covariate;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.util.List;

/** Bodies of {@code POST /api/v1/experiments/{id}/covariates}: pre-period values for CUPED. */
public final class CovariateRequests {

    private CovariateRequests() {
    }

    public record CovariateBatch(@NotNull List<@NotNull @Valid CovariateValue> covariates) {
    }

    /**
     * @param unitId the unit as sent in {@code unitId} to the score call
     * @param metric one of the experiment's metrics (success or guardrail)
     * @param value  the unit's value of that metric in a period before the experiment started (e.g. its conversions
     *               or spend in the four weeks before); it must not depend on the arm, so never a value measured
     *               after the unit's first exposure
     */
    public record CovariateValue(@NotNull String unitId, @NotNull String metric, @NotNull Double value) {
    }

    /**
     * Sent after the batch committed.
     *
     * @param duplicates values whose (metric, unit) was already stored (the first value stays) or repeated in the batch
     */
    public record CovariateAck(int received, int stored, int duplicates) {
    }
}
