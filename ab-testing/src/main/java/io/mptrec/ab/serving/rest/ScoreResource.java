package io.mptrec.ab.serving.rest;

import io.mptrec.ab.serving.ScoreRequests.ScoreRequest;
import io.mptrec.ab.serving.ScoreRequests.ScoreResponse;
import io.mptrec.ab.serving.service.ServingService;
import io.mptrec.kernel.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Scoring. Roles: {@code experimenter} and {@code admin} (the role model has no serving role; a calling service
 * gets a technical user with {@code experimenter}).
 */
@Path(ScoreResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Serving", description = "Score candidates with the task's production version or the unit's experiment arm")
public class ScoreResource {

    /** Where candidates are scored ({@link ScoringBodyBuffer} reads their bodies on the same path). */
    public static final String PATH = "/api/v1/score";

    private final ServingService serving;

    public ScoreResource(ServingService serving) {
        this.serving = serving;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Score candidates (as rows or as columns) for a unit; records the exposure")
    @APIResponse(responseCode = "200", description = "Scores, the version used, experiment and arm, request id, and "
            + "ignoredColumns: the request's columns the version's encoder does not read (not refused: a misspelt "
            + "column is scored as missing), omitted when none; header Server-Timing: milliseconds spent resolving the "
            + "version, scoring and storing the exposure",
            content = @Content(schema = @Schema(implementation = ScoreResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid task, unit id, layout or value (the field names it: "
            + "rows[1].age, columns.age[1], rows, columns)")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Role not allowed")
    @APIResponse(responseCode = "404", description = "Unknown task")
    @APIResponse(responseCode = "409", description = "The task has no production version")
    @APIResponse(responseCode = "413", description = "Body larger than mptrec.ab.serving.max-body-bytes (2 MiB)")
    @ScoringBodyLimit.Limited
    public RestResponse<ScoreResponse> score(@Valid @NotNull ScoreRequest body) {
        ServingService.Served served = serving.scoreTimed(body);
        // Server-Timing (W3C): the serving path's own phases, so a load test can tell them from HTTP and queueing.
        String timing = "resolve;dur=" + millis(served.resolveNanos()) + ", score;dur=" + millis(served.scoreNanos())
                + ", exposure;dur=" + millis(served.exposureNanos());
        return RestResponse.ResponseBuilder.ok(served.response()).header("Server-Timing", timing).build();
    }

    /** Milliseconds to the microsecond (String.format took about 3 % of a request's CPU in a profile). */
    private static double millis(long nanos) {
        return nanos / 1_000 / 1_000.0;
    }

    /** The same server's cheapest authenticated endpoint, for the load benchmark's baseline. */
    @GET
    @Path("/ping")
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Trivial endpoint (no database, no model): the baseline of the load benchmark")
    @APIResponse(responseCode = "200", description = "pong")
    public String ping() {
        return "{\"pong\":true}";
    }
}
