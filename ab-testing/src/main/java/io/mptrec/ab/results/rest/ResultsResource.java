package io.mptrec.ab.results.rest;

import io.mptrec.ab.analysis.ExperimentResults;
import io.mptrec.ab.experiment.rest.ExperimentIds;
import io.mptrec.ab.results.service.ResultsService;
import io.mptrec.kernel.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** An experiment's results: a resource of the results feature, beside ExperimentResource (same tag). */
@Path("/api/v1/experiments/{id}/results")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
public class ResultsResource {

    private final ResultsService results;

    public ResultsResource(ResultsService results) {
        this.results = results;
    }

    @GET
    @RolesAllowed({Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Results: per arm exposures, metrics with intervals, online AUC/log-loss; lift, always-valid intervals, SRM, guardrails, verdict")
    @APIResponse(responseCode = "200", description = "The results",
            content = @Content(schema = @Schema(implementation = ExperimentResults.class)))
    @APIResponse(responseCode = "404", description = "Unknown experiment")
    public ExperimentResults getResults(@PathParam("id") String id) {
        long key = ExperimentIds.parse(id);
        return results.findResultsById(key).orElseThrow(() -> ExperimentIds.notFound(key));
    }
}
