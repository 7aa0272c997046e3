package io.mptrec.registry.events.rest;

import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Roles;
import io.mptrec.registry.api.Paging;
import io.mptrec.registry.events.OutboxEvent;
import io.mptrec.registry.events.WebhookDelivery;
import io.mptrec.registry.events.service.EventService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "Registry events (outbox) and their webhook delivery state")
public class EventResource {

    private final EventService events;

    public EventResource(EventService events) {
        this.events = events;
    }

    public record DeliveryView(String url, String status, int attempts, Instant nextAttemptAt, String lastError,
                               Instant deliveredAt) {
    }

    public record EventView(long id, Instant at, String type, String task, Integer version,
                            List<DeliveryView> deliveries) {
    }

    @GET
    @RolesAllowed({Roles.AUDITOR, Roles.RELEASE_MANAGER, Roles.ADMIN})
    @Operation(summary = "List events, newest first, with their delivery state per webhook")
    @APIResponse(responseCode = "200", description = "One page of events",
            content = @Content(schema = @Schema(implementation = EventView.class)))
    @APIResponse(responseCode = "400", description = "Invalid paging or task filter")
    public List<EventView> getEvents(@Parameter(description = "a task name") @QueryParam("task") String task,
                                     @Parameter(description = "from 0", schema = @Schema(type = SchemaType.INTEGER))
                                     @QueryParam("page") String page,
                                     @Parameter(description = "1 to 500, default 50",
                                             schema = @Schema(type = SchemaType.INTEGER))
                                     @QueryParam("size") String size) {
        Paging paging = Paging.of(page, size);
        return events.findPage(task == null ? null : Names.requireName(task, "task"), paging).stream()
                .map(EventResource::toView).toList();
    }

    private static EventView toView(OutboxEvent e) {
        return new EventView(e.id, e.createdAt, e.type, e.task, e.versionNumber,
                WebhookDelivery.listByEvent(e).stream().map(d -> new DeliveryView(d.url, d.status, d.attempts,
                        d.nextAttemptAt, d.lastError, d.deliveredAt)).toList());
    }
}
