package io.mptrec.ab.kpi.rest;

import io.mptrec.ab.config.BatchBodyLimit;
import io.mptrec.ab.kpi.KpiRequests.KpiAck;
import io.mptrec.ab.kpi.KpiRequests.KpiBatch;
import io.mptrec.ab.kpi.KpiSink;
import io.mptrec.kernel.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/events/kpi")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "KPI events", description = "Outcomes of scored requests, idempotent by event id")
public class KpiEventResource {

    private final KpiSink events;

    public KpiEventResource(KpiSink events) {
        this.events = events;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Store a batch of KPI events; acknowledged only after commit, duplicates stored once",
            description = "Idempotent by eventId: an eventId already stored, or repeated in the batch, keeps the first "
                    + "event stored under it. A resend under the same eventId with another value (or metric, or "
                    + "requestId) is counted in duplicates and changes nothing, without an error; to correct an "
                    + "outcome, send the difference as a new event under a new eventId.")
    @APIResponse(responseCode = "200", description = "Committed: counts of stored and duplicate events",
            content = @Content(schema = @Schema(implementation = KpiAck.class)))
    @APIResponse(responseCode = "400", description = "Invalid event (the field names it)")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Role not allowed")
    @APIResponse(responseCode = "413", description = "Body larger than mptrec.ab.batches.max-body-bytes (8 MiB)")
    @BatchBodyLimit.Limited
    public KpiAck createKpiEvents(@Valid @NotNull KpiBatch body) {
        return events.kpiEvents(body.events());
    }
}
