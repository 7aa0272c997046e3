package io.mptrec.ab.experiment.rest;

import io.mptrec.ab.experiment.ExperimentRequests.CreateExperiment;
import io.mptrec.ab.experiment.ExperimentRequests.Promotion;
import io.mptrec.ab.experiment.ExperimentRequests.RampChange;
import io.mptrec.ab.experiment.ExperimentRequests.Transition;
import io.mptrec.ab.experiment.ExperimentView;
import io.mptrec.ab.experiment.service.ExperimentService;
import io.mptrec.ab.experiment.service.PromotionService;
import io.mptrec.kernel.rest.Created;
import io.mptrec.kernel.security.Actor;
import io.mptrec.kernel.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
 * Experiments: creation, lifecycle and promotion. Changes need {@code experimenter} (or {@code admin}); promotion needs
 * {@code release-manager} (or {@code admin}), as any release does; reads are open to every role that may read the
 * registry. The features built on an experiment serve their own paths under {@code /{id}} (results, guardrails,
 * covariates, pilot), so the aggregate root does not depend on them.
 */
@Path("/api/v1/experiments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments", description = "A/B tests between task prompt versions: lifecycle, results, guardrails, pilot")
public class ExperimentResource {

    private final ExperimentService experiments;
    private final PromotionService promotion;
    private final SecurityIdentity identity;

    public ExperimentResource(ExperimentService experiments, PromotionService promotion, SecurityIdentity identity) {
        this.experiments = experiments;
        this.promotion = promotion;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Create a DRAFT experiment: control first, then treatments (versions of one task)")
    @APIResponse(responseCode = "201", description = "Created", headers = @Header(name = "Location"),
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", description = "Invalid arms, weights, ramp or metrics (the field names it)")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Role not allowed")
    @APIResponse(responseCode = "404", description = "Unknown task or version")
    @APIResponse(responseCode = "409", description = "Name taken")
    public RestResponse<ExperimentView> createExperiment(@Valid @NotNull CreateExperiment body, @Context UriInfo uri) {
        ExperimentView view = experiments.createExperimentView(body, actor().name());
        return Created.at(uri, Long.toString(view.id()), view);
    }

    @GET
    @RolesAllowed({Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "List experiments, oldest first")
    @APIResponse(responseCode = "200", description = "Experiments",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    public List<ExperimentView> getExperiments() {
        return experiments.findAllExperimentViews();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.EXPERIMENTER, Roles.RELEASE_MANAGER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Get an experiment")
    @APIResponse(responseCode = "200", description = "The experiment",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", description = "Non-numeric id")
    @APIResponse(responseCode = "404", description = "Unknown experiment")
    public ExperimentView getExperiment(@Parameter(description = "experiment id") @PathParam("id") String id) {
        long key = ExperimentIds.parse(id);
        return experiments.findExperimentViewById(key).orElseThrow(() -> ExperimentIds.notFound(key));
    }

    @POST
    @Path("/{id}/start")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Start a DRAFT experiment, or resume a PAUSED one",
            description = "Live traffic only to reviewed versions: every arm's version must be APPROVED, RELEASED, or "
                    + "RETIRED after it was production. Otherwise 409 unreviewed-arm, unless an admin gives a reason "
                    + "(an admin bypass, flagged in the audit log; without a reason 409 bypass-needs-reason).")
    @APIResponse(responseCode = "200", description = "Now RUNNING",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "404", description = "Unknown experiment")
    @APIResponse(responseCode = "409", description = "Wrong status, an arm's version may not take live traffic "
            + "(unreviewed-arm, bypass-needs-reason), another experiment of the task is active, or a concurrent change won")
    public ExperimentView startExperiment(@PathParam("id") String id, Transition body) {
        long key = ExperimentIds.parse(id);
        return experiments.startView(key, actor(), reason(body));
    }

    @POST
    @Path("/{id}/pause")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Pause a RUNNING experiment: every request of the task is served the control version")
    @APIResponse(responseCode = "200", description = "Now PAUSED",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "409", description = "Not RUNNING, or a concurrent change won (e.g. a release of the task)")
    public ExperimentView pauseExperiment(@PathParam("id") String id, Transition body) {
        long key = ExperimentIds.parse(id);
        return experiments.pauseView(key, actor().name(), reason(body));
    }

    @POST
    @Path("/{id}/stop")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Stop an experiment for good: the task is served its production version again")
    @APIResponse(responseCode = "200", description = "Now STOPPED",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "409", description = "Already STOPPED, or a concurrent change won")
    public ExperimentView stopExperiment(@PathParam("id") String id, Transition body) {
        long key = ExperimentIds.parse(id);
        return experiments.stopView(key, actor().name(), reason(body));
    }

    @POST
    @Path("/{id}/ramp")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Change the ramp (share of units in the experiment); sticky: included units keep their arm",
            description = "Raising the ramp of a RUNNING experiment asks about every arm's version as a start does.")
    @APIResponse(responseCode = "200", description = "Ramp changed",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", description = "Ramp outside [0, 1]")
    @APIResponse(responseCode = "409", description = "STOPPED, an arm's version may not take live traffic "
            + "(raising the ramp of a RUNNING experiment), or a concurrent change won")
    public ExperimentView changeRamp(@PathParam("id") String id, @Valid @NotNull RampChange body) {
        long key = ExperimentIds.parse(id);
        return experiments.changeRampView(key, body.ramp(), actor(), body.reason());
    }

    @POST
    @Path("/{id}/promote")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.RELEASE_MANAGER, Roles.ADMIN})
    @Operation(summary = "Release the winning arm's version through the registry (four-eyes intact) and stop the experiment; only on the verdict SHIP")
    @APIResponse(responseCode = "200", description = "Released; the experiment is STOPPED",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "409", description = "The verdict is not SHIP (not-ship), the winner's version "
            + "already serves production (already-production: nothing to release, stop the experiment instead), or the "
            + "registry refuses the release")
    public ExperimentView promoteExperiment(@PathParam("id") String id, Promotion body) {
        long key = ExperimentIds.parse(id);
        Promotion p = body == null ? Promotion.EMPTY : body;
        return promotion.promote(key, p.arm(), actor(), p.reason()).experiment();
    }

    private static String reason(Transition body) {
        return body == null ? null : body.reason();
    }

    private Actor actor() {
        return Actor.of(identity);
    }
}
