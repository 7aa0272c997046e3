package io.mptrec.governance.web;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PageDocumentsTests {

    /**
     * Only what the pages alone reached leaves the document: a schema nothing refers to yet stays, since a filter that
     * runs later may refer to it (as ProblemResponses does to Problem), whatever order the build runs them in.
     */
    @Test
    void shouldLeaveOutWhatOnlyThePagesReachedAndNothingElse() {
        OpenAPI document = OASFactory.createOpenAPI()
                .components(OASFactory.createComponents()
                        .addSchema("TemplateInstance", OASFactory.createSchema()
                                .addProperty("template", ref("Template")))
                        .addSchema("Template", OASFactory.createSchema().addProperty("id", text()))
                        .addSchema("RoutingContext", OASFactory.createSchema().addProperty("session", ref("Shared")))
                        .addSchema("Shared", OASFactory.createSchema().addProperty("id", text()))
                        .addSchema("VersionView", OASFactory.createSchema().addProperty("owner", ref("Shared")))
                        .addSchema("Problem", OASFactory.createSchema().addProperty("detail", text())))
                .paths(OASFactory.createPaths()
                        .addPathItem("/login", OASFactory.createPathItem().GET(OASFactory.createOperation()
                                .requestBody(OASFactory.createRequestBody().content(json(ref("RoutingContext"))))
                                .responses(OASFactory.createAPIResponses().addAPIResponse("200",
                                        OASFactory.createAPIResponse().content(OASFactory.createContent()
                                                .addMediaType(PageDocuments.HTML, OASFactory.createMediaType()
                                                        .schema(ref("TemplateInstance"))))))))
                        .addPathItem("/api/v1/versions", OASFactory.createPathItem().GET(OASFactory.createOperation()
                                .responses(OASFactory.createAPIResponses().addAPIResponse("200",
                                        OASFactory.createAPIResponse().content(json(ref("VersionView"))))))));

        new PageDocuments().filterOpenAPI(document);

        assertThat(document.getComponents().getSchemas().keySet())
                .containsExactlyInAnyOrder("Shared", "VersionView", "Problem");
        assertThat(document.getPaths().getPathItem("/login").getGET().getRequestBody()).isNull();
        assertThat(document.getPaths().getPathItem("/login").getGET().getResponses().getAPIResponse("200")
                .getContent().getMediaType(PageDocuments.HTML).getSchema().getType())
                .containsExactly(Schema.SchemaType.STRING);
    }

    private static Schema ref(String name) {
        return OASFactory.createSchema().ref("#/components/schemas/" + name);
    }

    private static Schema text() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }

    private static Content json(Schema schema) {
        return OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType().schema(schema));
    }
}
