package io.mptrec.ab.pilot.rest;

import io.mptrec.ab.experiment.rest.ExperimentIds;
import io.mptrec.ab.pilot.PilotRequests.PilotProgress;
import io.mptrec.ab.pilot.PilotRequests.PilotRequest;
import io.mptrec.ab.pilot.service.PilotService;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import org.jboss.resteasy.reactive.RestResponse;

/** An experiment's pilot run: a resource of the pilot feature, beside ExperimentResource (same tag). */
@Path("/api/v1/experiments/{id}/pilot")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
public class PilotResource {

    private final PilotService pilot;
    private final SecurityIdentity identity;

    public PilotResource(PilotService pilot, SecurityIdentity identity) {
        this.pilot = pilot;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Replay held-out labelled rows against the experiment's arms (asynchronous); DRAFT or RUNNING",
            description = "Not live traffic: each row is routed to the experiment's arms by its allocation, whatever "
                    + "the task's live routing, so a DRAFT experiment with an unreviewed version can run a pilot.")
    @APIResponse(responseCode = "202", description = "Started; follow it with GET .../pilot",
            content = @Content(schema = @Schema(implementation = PilotProgress.class)))
    @APIResponse(responseCode = "400", description = "Invalid rows, rate or label")
    @APIResponse(responseCode = "409", description = "PAUSED or STOPPED, a pilot of it already running, or "
            + PilotService.MAX_RUNNING + " pilots running")
    public RestResponse<PilotProgress> createPilot(@PathParam("id") String id, @Valid @NotNull PilotRequest body) {
        return RestResponse.accepted(pilot.start(ExperimentIds.parse(id), body, identity.getPrincipal().getName()));
    }

    @DELETE
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Cancel the experiment's running pilot; it ends within a second, keeping what it stored")
    @APIResponse(responseCode = "200", description = "Progress, state still RUNNING; GET .../pilot shows CANCELLED",
            content = @Content(schema = @Schema(implementation = PilotProgress.class)))
    @APIResponse(responseCode = "404", description = "No pilot has run for this experiment since the server started")
    @APIResponse(responseCode = "409", description = "The pilot has ended")
    public PilotProgress cancelPilot(@PathParam("id") String id) {
        return pilot.cancel(ExperimentIds.parse(id), identity.getPrincipal().getName());
    }

    @GET
    @RolesAllowed({Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Progress of the experiment's latest pilot run")
    @APIResponse(responseCode = "200", description = "Progress",
            content = @Content(schema = @Schema(implementation = PilotProgress.class)))
    @APIResponse(responseCode = "404", description = "No pilot has run for this experiment since the server started")
    public PilotProgress getPilot(@PathParam("id") String id) {
        long key = ExperimentIds.parse(id);
        return pilot.findProgress(key).orElseThrow(() -> ApiException.notFound("no pilot run of experiment " + key, "id"));
    }
}
