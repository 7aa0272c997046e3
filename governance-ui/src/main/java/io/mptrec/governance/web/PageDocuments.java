package io.mptrec.governance.web;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Documents the pages as what they are to a client: HTML. The scanner reads a page method's Java types: its
 * {@code TemplateInstance} result became a tree of the template engine's internals, and the {@code RoutingContext} the
 * sign-in page reads became the request body of {@code GET /login}. Here every page response is an HTML string and a
 * page's GET carries no body; then the schemas that only those reached are left out. Only those: the build's other
 * filters may run after this one and refer to a schema nothing refers to yet ({@code ProblemResponses} adds the
 * problem body of every error). The pages stay in the document, so the fuzzer, which reads it, still reaches them.
 * Runs when the document is built (SmallRye's own removal of unused schemas runs before the filters).
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class PageDocuments implements OASFilter {

    static final String HTML = "text/html";
    private static final String SCHEMAS = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        List<Schema> unlinked = new ArrayList<>();
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/q/")) {
                describeAsPage(item, unlinked);
            }
        });
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            Map<String, Schema> components = openAPI.getComponents().getSchemas();
            Set<String> used = reachable(operationSchemas(openAPI), components);
            reachable(unlinked, components).stream().filter(name -> !used.contains(name))
                    .forEach(openAPI.getComponents()::removeSchema);
        }
    }

    /** Describes a page's operations as HTML, adding to {@code unlinked} the schemas they no longer refer to. */
    private static void describeAsPage(PathItem item, List<Schema> unlinked) {
        if (item.getGET() != null && item.getGET().getRequestBody() != null) {
            addContent(unlinked, item.getGET().getRequestBody().getContent());
            item.getGET().setRequestBody(null);
        }
        for (Operation operation : item.getOperations().values()) {
            if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
                continue;
            }
            operation.getResponses().getAPIResponses().values().forEach(response -> {
                MediaType html = response.getContent() == null ? null : response.getContent().getMediaType(HTML);
                if (html != null) {
                    add(unlinked, html.getSchema());
                    html.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                            .description("an HTML page"));
                }
            });
        }
    }

    /** The schemas the operations hold: parameters, request bodies, responses and their headers. */
    private static List<Schema> operationSchemas(OpenAPI openAPI) {
        List<Schema> pending = new ArrayList<>();
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                Stream.ofNullable(operation.getParameters()).flatMap(List::stream).forEach(parameter -> {
                    add(pending, parameter.getSchema());
                    addContent(pending, parameter.getContent());
                });
                if (operation.getRequestBody() != null) {
                    addContent(pending, operation.getRequestBody().getContent());
                }
                if (operation.getResponses() != null && operation.getResponses().getAPIResponses() != null) {
                    operation.getResponses().getAPIResponses().values().forEach(response -> {
                        addContent(pending, response.getContent());
                        Stream.ofNullable(response.getHeaders()).map(Map::values).flatMap(Collection::stream)
                                .forEach(header -> add(pending, header.getSchema()));
                    });
                }
            }
        }
        return pending;
    }

    /** The component schemas {@code roots} refer to, directly or through other schemas. */
    private static Set<String> reachable(Collection<Schema> roots, Map<String, Schema> components) {
        Deque<Schema> pending = new ArrayDeque<>(roots);
        Set<String> used = new HashSet<>();
        while (!pending.isEmpty()) {
            Schema schema = pending.pop();
            if (schema.getRef() != null && schema.getRef().startsWith(SCHEMAS)) {
                String name = schema.getRef().substring(SCHEMAS.length());
                if (used.add(name)) {
                    add(pending, components.get(name));
                }
            }
            Stream.of(schema.getProperties(), schema.getPatternProperties(), schema.getDependentSchemas())
                    .filter(Objects::nonNull).forEach(map -> pending.addAll(map.values()));
            Stream.of(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf(), schema.getPrefixItems())
                    .filter(Objects::nonNull).forEach(pending::addAll);
            Stream.of(schema.getItems(), schema.getAdditionalPropertiesSchema(), schema.getNot())
                    .forEach(s -> add(pending, s));
        }
        return used;
    }

    private static void addContent(Collection<Schema> pending, Content content) {
        if (content != null && content.getMediaTypes() != null) {
            content.getMediaTypes().values().forEach(media -> add(pending, media.getSchema()));
        }
    }

    private static void add(Collection<Schema> pending, Schema schema) {
        if (schema != null) {
            pending.add(schema);
        }
    }
}
