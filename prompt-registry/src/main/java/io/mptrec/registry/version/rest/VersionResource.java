package io.mptrec.registry.version.rest;

import io.mptrec.kernel.rest.Created;
import io.mptrec.kernel.security.Actor;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Roles;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.Views.VersionDetail;
import io.mptrec.registry.api.Views.VersionDiff;
import io.mptrec.registry.api.Views.VersionSummary;
import io.mptrec.registry.version.PromptVersion;
import io.mptrec.registry.version.rest.Requests.TransitionRequest;
import io.mptrec.registry.version.service.VersionService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

/**
 * Versions, on TaskResource's class path with their own paths under {@code /{task}/versions}: Quarkus REST picks one
 * resource class by its path before it looks at the HTTP method, and a class whose path extended another's answered
 * 404 instead of 405 to a method it lacks (PATCH of a version).
 */
@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Versions", description = "Immutable task prompt versions and their review lifecycle")
public class VersionResource {

    private static final String BAD_TEXT = "A comment or reason with a control character or over 4000 characters, or a "
            + "body that is not the operation's JSON";

    private final Catalog catalog;
    private final Lifecycle lifecycle;
    private final VersionService versions;
    private final SecurityIdentity identity;

    public VersionResource(Catalog catalog, Lifecycle lifecycle, VersionService versions, SecurityIdentity identity) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.versions = versions;
        this.identity = identity;
    }

    @POST
    @Path("/{task}/versions")
    @Consumes("application/zip")
    @RolesAllowed({Roles.AUTHOR, Roles.ADMIN})
    @Operation(summary = "Upload a task prompt artifact as the task's next DRAFT version")
    @APIResponse(responseCode = "201", description = "Stored as a new version", headers = @Header(name = "Location"),
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "200", description = "Identical content: the existing version",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "400", description = "Invalid artifact, wrong task, unknown encoder or shapes that do not fit")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Role not allowed")
    @APIResponse(responseCode = "409", description = "The task belongs to another encoder, or a concurrent upload won")
    public RestResponse<VersionSummary> createVersion(@Parameter(description = "task name") @PathParam("task") String task,
                                                      byte[] body, @Context UriInfo uri) {
        Names.requireName(task, "task");
        ArtifactBundle bundle = ArtifactBundle.fromZip(body == null ? new byte[0] : body, "uploaded task prompt");
        Catalog.Upload upload = catalog.upload(task, bundle, identity.getPrincipal().getName());
        return Created.orExisting(upload.created(), uri, Integer.toString(upload.version().number()), upload.version());
    }

    @GET
    @Path("/{task}/versions")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "List a task's versions, oldest first")
    @APIResponse(responseCode = "200", description = "Versions",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "404", description = "Unknown task")
    public List<VersionSummary> getVersions(@PathParam("task") String task) {
        Names.requireName(task, "task");
        return catalog.versions(task);
    }

    @GET
    @Path("/{task}/versions/{version}")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Get a version: lineage, offline metrics, status, labels and approvals")
    @APIResponse(responseCode = "200", description = "The version",
            content = @Content(schema = @Schema(implementation = VersionDetail.class)))
    @APIResponse(responseCode = "400", description = "Invalid task name or version number")
    @APIResponse(responseCode = "404", description = "Unknown task or version")
    public VersionDetail getVersion(@PathParam("task") String task, @PathParam("version") String number) {
        return catalog.version(name(task), version(number));
    }

    @GET
    @Path("/{task}/versions/{version}/artifact")
    @Produces("application/zip")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Download the version's artifact (the verified zip)")
    @APIResponse(responseCode = "200", description = "The zip", content = @Content(mediaType = "application/zip"))
    @APIResponse(responseCode = "404", description = "Unknown task or version")
    public RestResponse<byte[]> getVersionArtifact(@PathParam("task") String task, @PathParam("version") String number) {
        PromptVersion v = versions.findVersion(name(task), version(number));
        return RestResponse.ResponseBuilder.ok(v.artifact, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + v.task.name + "-v" + v.number + ".zip\"")
                .build();
    }

    @GET
    @Path("/{task}/versions/{a}/diff/{b}")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Compare two versions: offline metrics and lineage side by side")
    @APIResponse(responseCode = "200", description = "The comparison",
            content = @Content(schema = @Schema(implementation = VersionDiff.class)))
    @APIResponse(responseCode = "400", description = "Invalid task name, or a side that is not a version number (the "
            + "field names it: a or b)")
    @APIResponse(responseCode = "404", description = "Unknown task, or a side's version unknown (the field names it: "
            + "a or b)")
    public VersionDiff getVersionDiff(@PathParam("task") String task,
                                      @Parameter(description = "the version compared from") @PathParam("a") String a,
                                      @Parameter(description = "the version compared to (deltas are b - a)")
                                      @PathParam("b") String b) {
        // each side's refusal names its own parameter, so a client knows which of the two to correct
        return catalog.diff(name(task), Names.requireVersionNumber(a, "a"), Names.requireVersionNumber(b, "b"));
    }

    @POST
    @Path("/{task}/versions/{version}/submit")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.AUTHOR, Roles.ADMIN})
    @Operation(summary = "Submit a DRAFT version for review")
    @APIResponse(responseCode = "200", description = "Now IN_REVIEW",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "400", description = BAD_TEXT)
    @APIResponse(responseCode = "409", description = "Not a DRAFT")
    public VersionSummary submitVersion(@PathParam("task") String task, @PathParam("version") String number,
                                        @Valid TransitionRequest body) {
        TransitionRequest req = checked(body, "submission", true, false);
        return lifecycle.submit(name(task), version(number), actor(), req.comment());
    }

    @POST
    @Path("/{task}/versions/{version}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.APPROVER, Roles.ADMIN})
    @Operation(summary = "Approve a version IN_REVIEW (four-eyes: not by its author; admin bypass needs a reason)")
    @APIResponse(responseCode = "200", description = "Now APPROVED",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "400", description = BAD_TEXT)
    @APIResponse(responseCode = "409", description = "Not IN_REVIEW, or the approver is the author")
    public VersionSummary approveVersion(@PathParam("task") String task, @PathParam("version") String number,
                                         @Valid TransitionRequest body) {
        TransitionRequest req = checked(body, "approval", true, true);
        return lifecycle.approve(name(task), version(number), actor(), req.comment(), req.reason());
    }

    @POST
    @Path("/{task}/versions/{version}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.APPROVER, Roles.ADMIN})
    @Operation(summary = "Reject a version IN_REVIEW, with a comment")
    @APIResponse(responseCode = "200", description = "Now REJECTED",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "400", description = "No comment, a comment with a control character or over 4000 "
            + "characters, or a body that is not the operation's JSON")
    @APIResponse(responseCode = "409", description = "Not IN_REVIEW")
    public VersionSummary rejectVersion(@PathParam("task") String task, @PathParam("version") String number,
                                        @Valid TransitionRequest body) {
        TransitionRequest req = checked(body, "rejection", true, false);
        return lifecycle.reject(name(task), version(number), actor(), req.comment());
    }

    @POST
    @Path("/{task}/versions/{version}/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.RELEASE_MANAGER, Roles.ADMIN})
    @Operation(summary = "Release an APPROVED version: production moves to it, the previous one is RETIRED")
    @APIResponse(responseCode = "200", description = "Now RELEASED",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "400", description = BAD_TEXT)
    @APIResponse(responseCode = "409", description = "Not APPROVED, approval void, or a concurrent release won")
    public VersionSummary releaseVersion(@PathParam("task") String task, @PathParam("version") String number,
                                         @Valid TransitionRequest body) {
        TransitionRequest req = checked(body, "release", false, true);
        return lifecycle.release(name(task), version(number), actor(), req.reason());
    }

    /** The request's comment and reason, refused if hostile or not stored by the operation; no body is an empty one. */
    private static TransitionRequest checked(TransitionRequest body, String operation, boolean storesComment,
                                             boolean storesReason) {
        return (body == null ? TransitionRequest.EMPTY : body).checked(operation, storesComment, storesReason);
    }

    private static String name(String task) {
        return Names.requireName(task, "task");
    }

    private static int version(String number) {
        return Names.requireVersionNumber(number, "version");
    }

    private Actor actor() {
        return Actor.of(identity);
    }
}
