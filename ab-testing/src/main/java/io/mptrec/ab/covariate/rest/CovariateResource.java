package io.mptrec.ab.covariate.rest;

import io.mptrec.ab.config.BatchBodyLimit;
import io.mptrec.ab.covariate.CovariateRequests.CovariateAck;
import io.mptrec.ab.covariate.CovariateRequests.CovariateBatch;
import io.mptrec.ab.covariate.service.CovariateService;
import io.mptrec.ab.experiment.rest.ExperimentIds;
import io.mptrec.kernel.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Pre-period covariates for CUPED: a resource of the covariate feature, beside ExperimentResource (same tag). */
@Path("/api/v1/experiments/{id}/covariates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
public class CovariateResource {

    private final CovariateService covariates;

    public CovariateResource(CovariateService covariates) {
        this.covariates = covariates;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Store units' pre-period values of the experiment's metrics; results then apply CUPED to those metrics",
            description = "One value per (metric, unit): the unit's value of the metric in a period before the experiment "
                    + "(never measured after its first exposure). Idempotent: the first value stays, repeats count as "
                    + "duplicates. Acknowledged after commit. Units without a value get the mean of the observed ones.")
    @APIResponse(responseCode = "200", description = "Committed: counts of stored and duplicate values",
            content = @Content(schema = @Schema(implementation = CovariateAck.class)))
    @APIResponse(responseCode = "400", description = "Invalid value (the field names it, e.g. covariates[3].metric)")
    @APIResponse(responseCode = "404", description = "Unknown experiment")
    @APIResponse(responseCode = "413", description = "Body larger than mptrec.ab.batches.max-body-bytes (8 MiB)")
    @BatchBodyLimit.Limited
    public CovariateAck createCovariates(@PathParam("id") String id, @Valid @NotNull CovariateBatch body) {
        return covariates.persistCovariates(ExperimentIds.parse(id), body.covariates());
    }
}
