package io.mptrec.ab.experiment.rest;

import io.mptrec.kernel.problem.ApiException;

/**
 * The experiment id in a path under {@code /api/v1/experiments/{id}}, read the same way by the resources of every
 * feature there (experiment, results, guardrail, covariate, pilot).
 */
public final class ExperimentIds {

    private ExperimentIds() {
    }

    /** The id as a number; a 400 problem naming {@code id} unless it is a positive integer. */
    public static long parse(String id) {
        try {
            long v = Long.parseLong(id);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("invalid-id", "id must be a positive integer", "id");
    }

    public static ApiException notFound(long id) {
        return ApiException.notFound("no experiment " + id, "id");
    }
}
