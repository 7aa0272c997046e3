package io.mptrec.kernel.problem;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;

import java.util.Set;

/**
 * Declares, once for the whole API, what an error response carries: an {@code application/problem+json}
 * {@link Problem}. A resource documents an error by its code and what it means for that operation
 * ({@code @APIResponse(responseCode = "404", description = "Unknown task")}); this filter gives every 4xx and 5xx
 * response of an operation under {@code /api/} that was declared without a body the problem body. 401 and 403 stay as
 * declared (the security layer answers them). Runs when the document is built.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    static final String API = "/api/";
    /** Documented without a problem body. */
    private static final Set<String> WITHOUT_PROBLEM = Set.of("401", "403");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith(API)) {
                item.getOperations().values().forEach(ProblemResponses::addProblemBodies);
            }
        });
    }

    private static void addProblemBodies(Operation operation) {
        if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
            return;
        }
        operation.getResponses().getAPIResponses().forEach((code, response) -> {
            if (isProblem(code) && response.getContent() == null && response.getRef() == null) {
                response.setContent(problemContent());
            }
        });
    }

    static boolean isProblem(String code) {
        return (code.startsWith("4") || code.startsWith("5")) && !WITHOUT_PROBLEM.contains(code);
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(Problem.class.getSimpleName())));
    }
}
