package io.mptrec.ab.guardrail.rest;

import io.mptrec.ab.experiment.rest.ExperimentIds;
import io.mptrec.ab.guardrail.service.GuardrailService;
import io.mptrec.kernel.security.Roles;
import jakarta.annotation.security.RolesAllowed;
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

/** Guardrail evaluation on demand: a resource of the guardrail feature, beside ExperimentResource (same tag). */
@Path("/api/v1/experiments/{id}/guardrails")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Experiments")
public class GuardrailResource {

    private final GuardrailService guardrails;

    public GuardrailResource(GuardrailService guardrails) {
        this.guardrails = guardrails;
    }

    @POST
    @Path("/evaluate")
    @RolesAllowed({Roles.EXPERIMENTER, Roles.ADMIN})
    @Operation(summary = "Evaluate the guardrails now; a breach pauses the experiment (audited as 'system')")
    @APIResponse(responseCode = "200", description = "Results after the evaluation (status PAUSED after a breach)",
            content = @Content(schema = @Schema(implementation = GuardrailService.Evaluation.class)))
    @APIResponse(responseCode = "404", description = "Unknown experiment")
    public GuardrailService.Evaluation evaluateGuardrails(@PathParam("id") String id) {
        return guardrails.evaluate(ExperimentIds.parse(id));
    }
}
