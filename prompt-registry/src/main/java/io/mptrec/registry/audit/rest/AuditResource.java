package io.mptrec.registry.audit.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.registry.audit.AuditEntry;
import io.mptrec.registry.audit.service.AuditService;
import io.mptrec.registry.audit.service.AuditService.AuditFilter;
import io.mptrec.registry.problem.ApiException;
import io.mptrec.registry.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Read-only by design: the audit log has no update or delete endpoint. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "The append-only audit log")
public class AuditResource {

    private static final int MAX_PAGE_SIZE = 500;

    private final AuditService audit;
    private final ObjectMapper mapper;

    public AuditResource(AuditService audit, ObjectMapper mapper) {
        this.audit = audit;
        this.mapper = mapper;
    }

    public record AuditView(long id, Instant at, String actor, String action, String task, Integer version,
                            String before, String after, String reason, boolean adminBypass) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id, e.occurredAt, e.actor, e.action, e.task, e.versionNumber, e.before, e.after,
                    e.reason, e.adminBypass);
        }
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
                              @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        int p = page == null ? 0 : page;
        int s = size == null ? 50 : size;
        if (p < 0 || s < 1 || s > MAX_PAGE_SIZE) {
            throw ApiException.badRequest("invalid-paging", "page must be >= 0 and size in 1.." + MAX_PAGE_SIZE,
                    p < 0 ? "page" : "size");
        }
        AuditFilter filter = filter(task, actor, action, from, to);
        return new AuditPage(audit.findPage(filter, p, s).stream().map(AuditView::of).toList(), p, s,
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
        List<AuditView> rows = audit.findAll(filter(task, actor, action, from, to)).stream().map(AuditView::of).toList();
        if ("json".equals(format)) {
            return RestResponse.ResponseBuilder.ok(json(rows), MediaType.APPLICATION_JSON)
                    .header("Content-Disposition", "attachment; filename=\"audit.json\"").build();
        }
        if (format == null || "csv".equals(format)) {
            return RestResponse.ResponseBuilder.ok(AuditCsv.write(rows), "text/csv")
                    .header("Content-Disposition", "attachment; filename=\"audit.csv\"").build();
        }
        throw ApiException.badRequest("invalid-format", "format must be csv or json", "format");
    }

    private String json(List<AuditView> rows) {
        try {
            return mapper.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AuditFilter filter(String task, String actor, String action, String from, String to) {
        return new AuditFilter(task, actor, action, instant(from, "from"), instant(to, "to"));
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid-instant", field + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z", field);
        }
    }
}
