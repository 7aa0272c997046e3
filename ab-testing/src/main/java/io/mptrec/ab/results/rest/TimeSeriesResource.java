package io.mptrec.ab.results.rest;

import io.mptrec.ab.results.ExperimentTimeSeries;
import io.mptrec.ab.results.service.TimeSeriesService;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An experiment's results over time. A resource of the results feature beside ResultsResource (same tag and roles as
 * its {@code GET .../results}), so the time series grows without touching the experiment lifecycle's edge.
 */
@Path("/api/v1/experiments/{id}/results/timeseries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
public class TimeSeriesResource {

    private final TimeSeriesService timeSeries;

    public TimeSeriesResource(TimeSeriesService timeSeries) {
        this.timeSeries = timeSeries;
    }

    @GET
    @RolesAllowed({Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Results over time: per metric and arm the cumulative estimate with its interval, and per "
            + "treatment the difference with its always-valid interval, at the end of each of N equal time buckets "
            + "from the first exposure to the latest exposure or KPI event")
    @APIResponse(responseCode = "200", description = "The series (empty, with null from/to, before the first exposure)",
            content = @Content(schema = @Schema(implementation = ExperimentTimeSeries.class)))
    @APIResponse(responseCode = "400", description = "Non-numeric id, or buckets outside [1, 200] (field 'buckets')")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Role not allowed")
    @APIResponse(responseCode = "404", description = "Unknown experiment")
    public ExperimentTimeSeries getTimeSeries(@Parameter(description = "experiment id") @PathParam("id") String id,
                                              @Parameter(description = "number of time buckets, 1 to 200; default 50")
                                              @QueryParam("buckets") String buckets) {
        long key = positive(id, "id");
        int n = buckets == null || buckets.isBlank() ? TimeSeriesService.DEFAULT_BUCKETS
                : TimeSeriesService.requireBuckets(positive(buckets, "buckets"));
        return timeSeries.findTimeSeriesById(key, n)
                .orElseThrow(() -> ApiException.notFound("no experiment " + key, "id"));
    }

    private static long positive(String value, String field) {
        try {
            long v = Names.isWholeNumber(value.strip()) ? Long.parseLong(value.strip()) : 0;
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.badRequest("buckets".equals(field) ? "invalid-input" : "invalid-id",
                field + " must be a positive integer", field);
    }
}
