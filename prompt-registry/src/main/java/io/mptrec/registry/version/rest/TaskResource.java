package io.mptrec.registry.version.rest;

import io.mptrec.kernel.security.Actor;
import io.mptrec.kernel.security.Names;
import io.mptrec.kernel.security.Roles;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Lifecycle;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.api.Views.VersionSummary;
import io.mptrec.registry.version.rest.Requests.LabelRequest;
import io.mptrec.registry.version.rest.Requests.RollbackRequest;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks", description = "Tasks, their labels, and rollback of production")
public class TaskResource {

    private final Catalog catalog;
    private final Lifecycle lifecycle;
    private final SecurityIdentity identity;

    public TaskResource(Catalog catalog, Lifecycle lifecycle, SecurityIdentity identity) {
        this.catalog = catalog;
        this.lifecycle = lifecycle;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "List tasks with their production version and labels")
    @APIResponse(responseCode = "200", description = "Tasks by name",
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    public List<TaskView> getTasks() {
        return catalog.tasks();
    }

    @GET
    @Path("/{task}")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Get a task with its production version and labels")
    @APIResponse(responseCode = "200", description = "The task",
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "404", description = "Unknown task")
    public TaskView getTask(@PathParam("task") String task) {
        return catalog.task(Names.requireName(task, "task"));
    }

    @POST
    @Path("/{task}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.RELEASE_MANAGER, Roles.ADMIN})
    @Operation(summary = "Return production to the previously released version (or a named retired one); reason required")
    @APIResponse(responseCode = "200", description = "The version production now points at",
            content = @Content(schema = @Schema(implementation = VersionSummary.class)))
    @APIResponse(responseCode = "400", description = "No reason, or a malformed body")
    @APIResponse(responseCode = "409", description = "Nothing to roll back to, or a concurrent change won")
    public VersionSummary rollbackTask(@PathParam("task") String task, @Valid @NotNull RollbackRequest body) {
        return lifecycle.rollback(Names.requireName(task, "task"), body.targetVersion(), actor(), body.reason());
    }

    @PUT
    @Path("/{task}/labels/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.AUTHOR, Roles.ADMIN})
    @Operation(summary = "Point a free label (staging, canary, ...) at a version; production is protected")
    @APIResponse(responseCode = "204", description = "Moved")
    @APIResponse(responseCode = "400", description = "Invalid name or body")
    @APIResponse(responseCode = "404", description = "Unknown task or version")
    @APIResponse(responseCode = "409", description = "production moves only through release and rollback")
    public void fullyUpdateLabel(@PathParam("task") String task, @PathParam("name") String name,
                                 @Valid @NotNull LabelRequest body) {
        lifecycle.setLabel(Names.requireName(task, "task"), Names.requireName(name, "name"), body.version(), actor());
    }

    @DELETE
    @Path("/{task}/labels/{name}")
    @RolesAllowed({Roles.AUTHOR, Roles.ADMIN})
    @Operation(summary = "Remove a free label from its version (audited); production cannot be removed")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "400", description = "Invalid task or label name")
    @APIResponse(responseCode = "404", description = "Unknown task, or the task has no such label")
    @APIResponse(responseCode = "409", description = "production moves only through release and rollback")
    public void deleteLabel(@PathParam("task") String task, @PathParam("name") String name) {
        lifecycle.removeLabel(Names.requireName(task, "task"), Names.requireName(name, "name"), actor());
    }

    private Actor actor() {
        return Actor.of(identity);
    }
}
