package io.mptrec.ab.events.rest;

import io.mptrec.ab.events.EventPipelineOperations;
import io.mptrec.ab.events.EventPipelineOperations.Outcome;
import io.mptrec.ab.events.EventPipelineOperations.Status;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Kafka path's operations. Reading is {@code READ_EXPERIMENTS} (it says how fresh results are); rebuild and replay
 * are {@code RUN_EXPERIMENTS}: both are safe by construction (exact sums from the stored rows; records already stored
 * add nothing), so whoever runs experiments may repair their results.
 */
@Path("/api/v1/events/pipeline")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Event pipeline", description = "The Kafka path's aggregates: where they stand, rebuild, replay")
public class EventPipelineResource {

    /** @param fromOffset the offset every partition is applied from again */
    public record ReplayRequest(@NotNull Long fromOffset) {
    }

    private final EventPipelineOperations operations;

    public EventPipelineResource(EventPipelineOperations operations) {
        this.operations = operations;
    }

    @GET
    @RolesAllowed({Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Transport, and with Kafka per partition the applied and end offsets, lag and freshness")
    @APIResponse(responseCode = "200", description = "Where the aggregates stand")
    public Status getEventPipeline() {
        return operations.status();
    }

    @POST
    @Path("/rebuild")
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Recompute the per-unit sums from the raw exposure and KPI rows (Kafka transport only)")
    @APIResponse(responseCode = "200", description = "Rebuilt: rows written")
    @APIResponse(responseCode = "409", description = "The transport is the database: nothing is aggregated")
    public Outcome rebuildEventAggregates() {
        return operations.rebuildFromRows();
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Apply the topic again from an offset; records already stored add nothing (Kafka only)")
    @APIResponse(responseCode = "200", description = "Partitions moved back, by partition")
    @APIResponse(responseCode = "400", description = "A negative offset")
    @APIResponse(responseCode = "409", description = "The topic no longer holds the offset, or the transport is the "
            + "database")
    public Outcome replayEvents(@Valid @NotNull ReplayRequest body) {
        return operations.replayFrom(body.fromOffset());
    }
}
