package io.mptrec.registry.encoder.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.kernel.problem.ApiException;
import io.mptrec.kernel.rest.Created;
import io.mptrec.kernel.security.Roles;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.registry.api.Catalog;
import io.mptrec.registry.api.Views.TaskView;
import io.mptrec.registry.encoder.RegisteredEncoder;
import io.mptrec.registry.encoder.service.EncoderService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
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

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

@Path("/api/v1/encoders")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Encoders", description = "Frozen encoders, identified by content hash")
public class EncoderResource {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final EncoderService encoders;
    private final SecurityIdentity identity;
    private final ObjectMapper mapper;
    private final Catalog catalog;

    public EncoderResource(EncoderService encoders, SecurityIdentity identity, ObjectMapper mapper, Catalog catalog) {
        this.catalog = catalog;
        this.encoders = encoders;
        this.identity = identity;
        this.mapper = mapper;
    }

    @POST
    @Consumes("application/zip")
    @RolesAllowed({Roles.AUTHOR, Roles.ADMIN})
    @Operation(summary = "Register an encoder artifact (a zip of manifest.json and .npy arrays)")
    @APIResponse(responseCode = "201", description = "Registered", headers = @Header(name = "Location"),
            content = @Content(schema = @Schema(implementation = EncoderView.class)))
    @APIResponse(responseCode = "200", description = "Identical content already registered",
            content = @Content(schema = @Schema(implementation = EncoderView.class)))
    @APIResponse(responseCode = "400", description = "Not a valid encoder artifact")
    @APIResponse(responseCode = "401", description = "Not authenticated")
    @APIResponse(responseCode = "403", description = "Role not allowed")
    public RestResponse<EncoderView> createEncoder(byte[] body, @Context UriInfo uri) {
        ArtifactBundle bundle = ArtifactBundle.fromZip(body == null ? new byte[0] : body, "uploaded encoder");
        EncoderService.Registration reg = encoders.registerEncoder(bundle, identity.getPrincipal().getName());
        return Created.orExisting(reg.created(), uri, reg.encoder().contentSha256, toView(reg.encoder(), List.of()));
    }

    @GET
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "List registered encoders")
    @APIResponse(responseCode = "200", description = "Encoders, oldest first",
            content = @Content(schema = @Schema(implementation = EncoderView.class)))
    public List<EncoderView> getEncoders() {
        Map<String, List<String>> tasks = tasksByEncoder();
        return encoders.findAllEncoders().stream()
                .map(e -> toView(e, tasks.getOrDefault(e.contentSha256, List.of()))).toList();
    }

    @GET
    @Path("/{sha256}")
    @RolesAllowed({Roles.AUTHOR, Roles.APPROVER, Roles.RELEASE_MANAGER, Roles.EXPERIMENTER, Roles.AUDITOR, Roles.ADMIN})
    @Operation(summary = "Get one encoder: manifest metadata, lineage and tasks")
    @APIResponse(responseCode = "200", description = "The encoder",
            content = @Content(schema = @Schema(implementation = EncoderView.class)))
    @APIResponse(responseCode = "400", description = "Not a SHA-256")
    @APIResponse(responseCode = "404", description = "Unknown encoder")
    public EncoderView getEncoder(@Parameter(description = "content hash (64 hex digits)") @PathParam("sha256") String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw ApiException.badRequest("invalid-hash", "sha256 must be 64 lower-case hex digits", "sha256");
        }
        RegisteredEncoder encoder = encoders.findEncoderByHash(sha256)
                .orElseThrow(() -> ApiException.notFound("no encoder " + sha256, "sha256"));
        return toView(encoder, tasksByEncoder().getOrDefault(encoder.contentSha256, List.of()));
    }

    /**
     * Task names by their encoder's hash, read once per request (a task's encoder is the version aggregate's to
     * tell); the catalog lists tasks by name, so each list keeps that order.
     */
    private Map<String, List<String>> tasksByEncoder() {
        return catalog.tasks().stream().collect(Collectors.groupingBy(TaskView::encoderSha256,
                Collectors.mapping(TaskView::name, Collectors.toList())));
    }

    private EncoderView toView(RegisteredEncoder e, List<String> registeredTasks) {
        JsonNode metadata = readManifest(e.manifest).path("metadata");
        List<String> tasks = mapper.convertValue(metadata.path("tasks"), mapper.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        List<String> labels = mapper.convertValue(metadata.path("labelExpressions"), mapper.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        return new EncoderView(e.contentSha256, e.registeredBy, e.registeredAt, tasks, labels,
                metadata.path("config"), metadata.path("lineage"), registeredTasks);
    }

    private JsonNode readManifest(String manifest) {
        try {
            return mapper.readTree(manifest);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
