package io.mptrec.governance;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated OpenAPI document (/q/openapi) documents each operation's error responses: the codes and meanings the
 * resources declare, each answered as application/problem+json with the Problem schema (declared once, by
 * io.mptrec.kernel.problem.ProblemResponses); 401 and 403 come from the security layer without a body.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OpenApiDocumentTests {

    static final String PROBLEM = "application/problem+json";
    JsonPath document;

    @BeforeEach
    void read() {
        document = as("erin").get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void shouldKeepEachOperationsDocumentedResponseCodes() {
        Map<String, List<String>> expected = Map.of(
                "post /api/v1/tasks/{task}/versions", List.of("200", "201", "400", "401", "403", "409"),
                "put /api/v1/tasks/{task}/labels/{name}", List.of("204", "400", "401", "403", "404", "409"),
                "post /api/v1/tasks/{task}/rollback", List.of("200", "400", "401", "403", "409"),
                "put /api/v1/tasks/{task}/versions/{version}/report", List.of("200", "201", "400", "401", "403", "404", "409"),
                "get /api/v1/audit", List.of("200", "400", "401", "403"),
                "get /api/v1/encoders/{sha256}", List.of("200", "400", "401", "403", "404"),
                "post /api/v1/experiments", List.of("201", "400", "401", "403", "404", "409"),
                "post /api/v1/score", List.of("200", "400", "401", "403", "404", "409", "413"),
                "get /api/v1/experiments/{id}/results/timeseries", List.of("200", "400", "401", "403", "404"));
        expected.forEach((operation, codes) -> assertThat(responses(operation).keySet()).as(operation)
                .containsExactlyInAnyOrderElementsOf(codes));
        assertThat(response("post /api/v1/tasks/{task}/versions", "409").get("description"))
                .isEqualTo("The task belongs to another encoder, or a concurrent upload won");
        assertThat(response("get /api/v1/experiments/{id}/results/timeseries", "404")).containsKey("description");
    }

    @Test
    void shouldDescribeThePagesAsHtmlWithoutTheirFrameworkTypes() {
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        List<String> pages = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (path.startsWith("/api/") || path.startsWith("/q/")) {
                return;
            }
            pages.add(method + " " + path);
            if (method.equals("get")) {
                assertThat(document.getMap(operationPath(method, path))).as(method + " " + path)
                        .doesNotContainKey("requestBody");
            }
            Map<String, Object> html = document.getMap(operationPath(method, path)
                    + ".responses.'200'.content.'text/html'.schema");
            if (html != null) {
                assertThat(html).as(method + " " + path).containsEntry("type", "string");
            }
        }));
        assertThat(pages).contains("get /login", "get /ui/tasks/{task}", "post /ui/tasks/{task}/rollback");
        assertThat(document.getMap("components.schemas").keySet())
                .doesNotContain("RoutingContext", "TemplateInstance", "Template", "EngineImpl", "Session", "Buffer")
                .contains("Problem", "ScoreRequest", "VersionDetail");
        // what is left is whole: every reference names a schema the document holds
        Set<String> references = new TreeSet<>();
        collectReferences(document.get(""), references);
        assertThat(references).isNotEmpty()
                .allSatisfy(ref -> assertThat(document.getMap("components.schemas")).as(ref)
                        .containsKey(ref.substring("#/components/schemas/".length())));
    }

    private static void collectReferences(Object node, Set<String> references) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("$ref".equals(key)) {
                    references.add((String) value);
                } else {
                    collectReferences(value, references);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, references));
        }
    }

    private static String operationPath(String method, String path) {
        return "paths.'" + path + "'." + method;
    }

    @Test
    void shouldAnswerEveryErrorButAuthenticationAsAProblem() {
        List<String> checked = new ArrayList<>();
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) ((Map<String, Object>) operation)
                    .get("responses");
            responses.forEach((code, response) -> {
                String where = method + " " + path + " " + code;
                if (code.equals("401") || code.equals("403")) {
                    assertThat(response).as(where).doesNotContainKey("content");
                } else if (code.startsWith("4") || code.startsWith("5")) {
                    assertThat(problemSchema(response)).as(where).isEqualTo("#/components/schemas/Problem");
                    checked.add(where);
                }
            });
        }));
        assertThat(checked).as("error responses checked").hasSizeGreaterThan(40)
                .contains("post /api/v1/tasks/{task}/versions/{version}/approve 409", "post /api/v1/score 400",
                        "get /api/v1/tasks/{task}/versions/{version}/report 404");
        assertThat(document.getMap("components.schemas.Problem.properties").keySet())
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "field");
    }

    private Map<String, Map<String, Object>> responses(String operation) {
        String[] methodAndPath = operation.split(" ", 2);
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        assertThat(paths).as(operation).containsKey(methodAndPath[1]);
        @SuppressWarnings("unchecked")
        Map<String, Object> op = (Map<String, Object>) paths.get(methodAndPath[1]).get(methodAndPath[0]);
        assertThat(op).as(operation).isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) op.get("responses");
        return responses;
    }

    private Map<String, Object> response(String operation, String code) {
        return responses(operation).get(code);
    }

    @SuppressWarnings("unchecked")
    private static Object problemSchema(Map<String, Object> response) {
        Map<String, Object> content = (Map<String, Object>) response.get("content");
        if (content == null || !content.containsKey(PROBLEM)) {
            return null;
        }
        return ((Map<String, Object>) ((Map<String, Object>) content.get(PROBLEM)).get("schema")).get("$ref");
    }
}
