package io.mptrec.governance.web;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayDeque;
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
 * page's GET carries no body; then the schemas no operation reaches any more are left out. The pages stay in the
 * document, so the fuzzer, which reads it, still reaches them. Runs when the document is built (SmallRye's own removal
 * of unused schemas runs before the filters, so it cannot see what this one unlinks).
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
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/q/")) {
                describeAsPage(item);
            }
        });
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            Map<String, Schema> components = openAPI.getComponents().getSchemas();
            Set<String> used = reachable(openAPI, components);
            Set.copyOf(components.keySet()).stream().filter(name -> !used.contains(name))
                    .forEach(openAPI.getComponents()::removeSchema);
        }
    }

    private static void describeAsPage(PathItem item) {
        if (item.getGET() != null) {
            item.getGET().setRequestBody(null);
        }
        for (Operation operation : item.getOperations().values()) {
            if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
                continue;
            }
            operation.getResponses().getAPIResponses().values().forEach(response -> {
                MediaType html = response.getContent() == null ? null : response.getContent().getMediaType(HTML);
                if (html != null) {
                    html.setSchema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                            .description("an HTML page"));
                }
            });
        }
    }

    /** The component schemas the operations refer to, directly or through other schemas. */
    private static Set<String> reachable(OpenAPI openAPI, Map<String, Schema> components) {
        Deque<Schema> pending = new ArrayDeque<>();
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

    private static void addContent(Deque<Schema> pending, Content content) {
        if (content != null && content.getMediaTypes() != null) {
            content.getMediaTypes().values().forEach(media -> add(pending, media.getSchema()));
        }
    }

    private static void add(Deque<Schema> pending, Schema schema) {
        if (schema != null) {
            pending.push(schema);
        }
    }
}
