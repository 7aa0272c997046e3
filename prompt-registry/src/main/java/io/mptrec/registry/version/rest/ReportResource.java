package io.mptrec.registry.version.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Roles;
import io.mptrec.registry.version.service.ReportService;
import io.mptrec.registry.version.service.VersionService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Serves under {@code /{task}/versions/{version}} on TaskResource's class path (VersionResource says why). */
@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Contribution reports", description = "What a task prompt version relies on (mptrec report)")
public class ReportResource {

    private final ReportService reports;
    private final VersionService versions;
    private final SecurityIdentity identity;
    private final ObjectMapper mapper;

    public ReportResource(ReportService reports, VersionService versions, SecurityIdentity identity, ObjectMapper mapper) {
        this.reports = reports;
        this.versions = versions;
        this.identity = identity;
        this.mapper = mapper;
    }

    @PUT
    @Path("/{task}/versions/{version}/report")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.AUTHOR, Roles.ADMIN})
    @Operation(summary = "Attach the contribution report of this version (the JSON that mptrec report or tune wrote)")
    @APIResponse(responseCode = "201", description = "Attached")
    @APIResponse(responseCode = "200", description = "The identical report was already attached")
    @APIResponse(responseCode = "400", description = "Not a contribution report, or one of another version")
    @APIResponse(responseCode = "404", description = "No such task or version")
    @APIResponse(responseCode = "409", description = "A different report is already attached (reports are immutable)")
    public RestResponse<JsonNode> attachReport(@PathParam("task") String task, @PathParam("version") String number,
                                               String body) {
        ReportService.Attach attach = reports.attachReport(Names.requireName(task, "task"),
                Names.requireVersionNumber(number, "version"), body, identity.getPrincipal().getName());
        JsonNode json = read(attach.report().report);
        return attach.created() ? RestResponse.status(RestResponse.Status.CREATED, json) : RestResponse.ok(json);
    }

    @GET
    @Path("/{task}/versions/{version}/report")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "The contribution report of this version")
    @APIResponse(responseCode = "200", description = "The report (schema: model-core/README.md, Contribution reports)")
    @APIResponse(responseCode = "404", description = "No such version, or no report attached")
    public JsonNode getReport(@PathParam("task") String task, @PathParam("version") String number) {
        var version = versions.findVersion(Names.requireName(task, "task"), Names.requireVersionNumber(number, "version"));
        return reports.findReport(version).map(r -> read(r.toJson()))
                .orElseThrow(() -> ApiException.notFound("version " + version.number + " of task '" + task
                        + "' has no contribution report", "version"));
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("a stored report is not JSON", e);
        }
    }
}
