package io.mptrec.ab.experiment.rest;

import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;

/**
 * The experiment id in a path under {@code /api/v1/experiments/{id}}, read the same way by the resources of every
 * feature there (experiment, results, guardrail, covariate, pilot).
 */
public final class ExperimentIds {

    private ExperimentIds() {
    }

    /** The id as a number; a 400 problem naming {@code id} unless it is a positive integer. */
    public static long parse(String id) {
        return Names.requireId(id, "id");
    }

    public static ApiException notFound(long id) {
        return ApiException.notFound("no experiment " + id, "id");
    }
}
