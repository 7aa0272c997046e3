package io.mptrec.governance.web;

import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.ui.UiSession;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/** Closed defaults: security headers on every kind of response, and /q open only where probes need it. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class WebDefaultsTests {

    @Test
    void shouldSendTheSecurityHeadersOnPagesApiStaticFilesAndRefusals() {
        UiSession erin = UiSession.signIn("erin");
        List<Response> responses = List.of(erin.get("/ui"), RestAssured.get("/login"),
                as("erin").get("/api/v1/tasks"), RestAssured.given().get("/api/v1/tasks"),
                as("erin").get("/api/v1/tasks/no-such-task"), RestAssured.get("/assets/app.js"),
                RestAssured.get("/webjars/htmx.org/dist/htmx.min.js"), RestAssured.get("/q/health"),
                RestAssured.given().redirects().follow(false).get("/ui"), as("dave").get("/q/metrics"),
                erin.given().post("/ui/logout"));
        for (Response r : responses) {
            assertThat(r.header("Content-Security-Policy")).as("CSP of a " + r.statusCode())
                    .isEqualTo(SecurityHeaders.PAGES_CSP).contains("script-src 'self';").doesNotContain("unsafe");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).isEqualTo("same-origin");
        }
        Response swagger = as("erin").get("/q/swagger-ui/");
        assertThat(swagger.statusCode()).isEqualTo(200);
        assertThat(swagger.header("Content-Security-Policy")).isEqualTo(SecurityHeaders.SWAGGER_CSP)
                .contains("frame-ancestors 'none'");
        assertThat(swagger.header("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void shouldOpenHealthToProbesAndTheRestOfQOnlyToTheRolesOfThePermissionTable() {
        RestAssured.get("/q/health").then().statusCode(200);
        RestAssured.get("/q/health/ready").then().statusCode(200);
        RestAssured.get("/q/health/live").then().statusCode(200);
        for (String path : List.of("/q/metrics", "/q/openapi", "/q/swagger-ui/", "/q/openapi?format=json",
                "/q/openapi.json", "/q/openapi.yaml", "/q/swagger-ui/index.html", "/q/no-such-endpoint")) {
            Response anonymous = RestAssured.given().redirects().follow(false).get(path);
            // an anonymous browser is sent to the sign-in page (its session then opens Swagger UI); a client sends Basic
            assertThat(anonymous.statusCode()).as("anonymous " + path).isEqualTo(302);
            assertThat(anonymous.header("Location")).as(path).endsWith("/login");
            assertThat(RestAssured.given().auth().preemptive().basic("intruder-" + path.hashCode(), "wrong").get(path).statusCode())
                    .as("wrong password " + path).isEqualTo(401);
        }
        // metrics: READ_OPERATIONS (auditor, admin); the API description: READ_REGISTRY (every platform role)
        as("erin").get("/q/metrics").then().statusCode(403);
        as("alice").get("/q/metrics").then().statusCode(403);
        as("dave").get("/q/metrics").then().statusCode(200);
        as("admin").get("/q/metrics").then().statusCode(200);
        as("alice").get("/q/openapi").then().statusCode(200);
        as("erin").get("/q/swagger-ui/").then().statusCode(200);
        UiSession.signIn("dave").given().get("/q/metrics").then().statusCode(200);
        UiSession.signIn("erin").given().get("/q/metrics").then().statusCode(403);
    }

    /** The CSP allows no inline code, so the templates must have none: a handler or style attribute would break. */
    @Test
    void shouldHaveNoInlineScriptStyleOrHandlerInAnyTemplate() throws IOException {
        Pattern inline = Pattern.compile("<script(?![^>]*\\b(src=|type=\"application/json\"))[^>]*>|<style\\b"
                + "|\\sstyle=\"|\\son[a-z]+=\"|javascript:", Pattern.CASE_INSENSITIVE);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".html")).toList()) {
                var m = inline.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(f.getFileName() + ": " + m.group());
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
