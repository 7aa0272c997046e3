package io.mptrec.registry.audit.rest;

import io.mptrec.kernel.security.Roles;
import io.mptrec.kernel.time.Instants;
import io.mptrec.registry.api.AuditView;
import io.mptrec.registry.api.AuditFilter;
import io.mptrec.registry.api.AuditTrail;
import io.mptrec.registry.api.Paging;
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
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.List;

/** Read-only by design: the audit log has no update or delete endpoint. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "The append-only audit log")
public class AuditResource {

    private final AuditTrail audit;

    public AuditResource(AuditTrail audit) {
        this.audit = audit;
    }

    public record AuditPage(List<AuditView> items, int page, int size, long total) {
    }

    @GET
    @RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Read the audit log, oldest first, filtered and paged")
    @APIResponse(responseCode = "200", description = "One page",
            content = @Content(schema = @Schema(implementation = AuditPage.class)))
    @APIResponse(responseCode = "400", description = "Invalid filter or paging")
    public AuditPage getAudit(@QueryParam("task") String task, @QueryParam("actor") String actor,
                              @QueryParam("action") String action,
                              @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("from") String from,
                              @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("to") String to,
                              @Parameter(description = "from 0", schema = @Schema(type = SchemaType.INTEGER))
                              @QueryParam("page") String page,
                              @Parameter(description = "1 to 500, default 50",
                                      schema = @Schema(type = SchemaType.INTEGER))
                              @QueryParam("size") String size) {
        Paging paging = Paging.of(page, size);
        AuditFilter filter = filter(task, actor, action, from, to);
        return new AuditPage(audit.page(filter, paging.page(), paging.size()), paging.page(), paging.size(),
                audit.count(filter));
    }

    @GET
    @Path("/export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Export the (filtered) audit log as CSV or JSON")
    @APIResponse(responseCode = "200", description = "The export", content = {
            @Content(mediaType = "text/csv"), @Content(mediaType = MediaType.APPLICATION_JSON)})
    @APIResponse(responseCode = "400", description = "Unknown format or invalid filter")
    public RestResponse<String> exportAudit(@Parameter(description = "csv or json") @QueryParam("format") String format,
                                            @QueryParam("task") String task, @QueryParam("actor") String actor,
                                            @QueryParam("action") String action,
                                            @QueryParam("from") String from, @QueryParam("to") String to) {
        AuditTrail.Export file = audit.export(filter(task, actor, action, from, to), format);
        return RestResponse.ResponseBuilder.ok(file.body(), file.mediaType())
                .header("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"").build();
    }

    private static AuditFilter filter(String task, String actor, String action, String from, String to) {
        return new AuditFilter(task, actor, action, instant(from, "from"), instant(to, "to"));
    }

    private static Instant instant(String value, String field) {
        return Instants.requireInstant(value, field);
    }
}
