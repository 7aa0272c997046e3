package io.mptrec.governance.web;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.governance.ui.UiSession;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every state-changing page route (found by reflection over the page resources, so a new one cannot be forgotten)
 * refuses a request without this session's CSRF token in every shape a client can send: no body, a form, JSON,
 * multipart. The sender is signed in as admin (who holds every permission) and carries the CSRF cookie, as a
 * browser would on a forged cross-site request; each refusal is the "refused" page and changes nothing. Until
 * this test, a POST with no body and no Content-Type ran submit and label removal without a token.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CsrfTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "csrf-walk";
    static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)(?:\\s*:\\s*([^}]+))?}");

    /** The request shapes without a token; each gets the session and CSRF cookies. */
    static final Map<String, Function<RequestSpecification, RequestSpecification>> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("form", spec -> spec.contentType("application/x-www-form-urlencoded")
                .formParam("reason", "forged").formParam("comment", "forged").formParam("name", "forged"));
        SHAPES.put("JSON", spec -> spec.contentType("application/json").body("{\"reason\":\"forged\"}"));
        SHAPES.put("multipart", spec -> spec.multiPart("reason", "forged").multiPart("file", "c.csv",
                "unitId,metric,value\nu1,clicks,1\n".getBytes(), "text/csv"));
        SHAPES.put("text", spec -> spec.contentType("text/plain").body("reason=forged"));
        SHAPES.put("wrong token header", spec -> spec.header("X-CSRF-TOKEN", "forged").contentType("application/json")
                .body("{}"));
    }

    @Inject
    DataSource dataSource;

    @Test
    void shouldRefuseEveryStateChangingPageRouteWithoutTheTokenInEveryShapeAndChangeNothing() throws Exception {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int released = Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 401));
        int approved = Api.approved(TASK, TestArtifacts.prompt(ENCODER, TASK, 404));
        int inReview = Api.uploadPrompt("alice", TASK, TestArtifacts.prompt(ENCODER, TASK, 402)).then().statusCode(201)
                .extract().path("number");
        Api.transition("alice", TASK, inReview, "submit", null).then().statusCode(200);
        int draft = Api.uploadPrompt("alice", TASK, TestArtifacts.prompt(ENCODER, TASK, 403)).then().statusCode(201)
                .extract().path("number");
        as("alice").contentType("application/json").body("{\"version\":" + draft + "}")
                .put("/api/v1/tasks/" + TASK + "/labels/candidate").then().statusCode(204);
        long experiment = as("erin").contentType("application/json").body(Map.of("name", "csrf-walk", "task", TASK,
                        "arms", List.of(Map.of("name", "control", "version", released, "weight", 0.5),
                                Map.of("name", "treatment", "version", approved, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        Map<String, List<String>> values = Map.of("task", List.of(TASK), "number", List.of(String.valueOf(draft),
                        String.valueOf(inReview)), "name", List.of("candidate"), "id", List.of(String.valueOf(experiment)));

        UiSession admin = UiSession.signIn("admin");
        admin.get("/ui/tasks/" + TASK).then().statusCode(200);
        assertThat(admin.csrfToken()).as("the CSRF cookie and token of a page").isNotBlank();

        List<String> routes = stateChangingPageRoutes(values);
        assertThat(routes).as("state-changing page routes").hasSizeGreaterThanOrEqualTo(15)
                .contains("POST /ui/tasks/" + TASK + "/versions/" + draft + "/submit",
                        "POST /ui/tasks/" + TASK + "/labels/candidate/remove", "POST /ui/logout");
        Map<String, Long> before = counts();
        List<String> accepted = new ArrayList<>();
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            HttpResponse<String> bare = withoutBody(admin, method, path);
            if (bare.statusCode() != 400 || !bare.body().contains("security token")) {
                accepted.add(route + " [no body, no Content-Type] -> " + bare.statusCode());
            }
            for (var shape : SHAPES.entrySet()) {
                Response r = shape.getValue().apply(admin.given()).request(method, path);
                if (r.statusCode() != 400 || !r.asString().contains("security token")) {
                    accepted.add(route + " [" + shape.getKey() + "] -> " + r.statusCode());
                }
            }
        }
        assertThat(accepted).as("requests without a token that were not refused").isEmpty();
        assertThat(counts()).as("rows after the refused requests").isEqualTo(before);

        // the same session with its token acts: the refusals above were about the token, nothing else
        admin.get("/ui/tasks/" + TASK + "/versions/" + draft);
        admin.post("/ui/tasks/" + TASK + "/versions/" + draft + "/submit").then().statusCode(303);
        assertThat(counts()).as("rows after an accepted submit").isNotEqualTo(before);
    }

    @Test
    void shouldRefuseASignInWithoutTheSignInPagesToken() {
        UiSession.SignInPage page = UiSession.signInPage();
        List<Response> forged = List.of(
                RestAssured.given().redirects().follow(false).formParam("j_username", "admin")
                        .formParam("j_password", "admin").post("/j_security_check"),
                // the cookie without the token in the action, and a token that is not the cookie's
                RestAssured.given().redirects().follow(false).cookie("mptrec-sign-in", page.cookie())
                        .formParam("j_username", "admin").formParam("j_password", "admin").post("/j_security_check"),
                RestAssured.given().redirects().follow(false).cookie("mptrec-sign-in", page.cookie())
                        .formParam("j_username", "admin").formParam("j_password", "admin")
                        .post("/j_security_check?sign-in-token=forged"),
                RestAssured.given().redirects().follow(false).formParam("j_username", "admin")
                        .formParam("j_password", "admin").post(page.action()));
        for (Response r : forged) {
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.header("Location")).endsWith("/login?refused=true");
            assertThat(r.getCookie("quarkus-credential")).as("no session for a forged sign-in").isNull();
        }
        assertThat(RestAssured.get("/login?refused=true").asString()).contains("sign-in form was not accepted");

        Response signedIn = page.post("admin", "admin");
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.header("Location")).endsWith("/ui");
        assertThat(signedIn.getCookie("quarkus-credential")).isNotBlank();
    }

    /**
     * No body and no Content-Type at all (as {@code curl -X POST} sends; REST Assured would add a form type): the
     * shape that used to act without a token.
     */
    static HttpResponse<String> withoutBody(UiSession session, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Cookie", session.cookieHeader()).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** "METHOD /path" of every @POST/@PUT/@PATCH/@DELETE method of the page resources, path parameters filled in. */
    static List<String> stateChangingPageRoutes(Map<String, List<String>> values) {
        List<String> routes = new ArrayList<>();
        for (JavaClass c : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mptrec.governance.ui")) {
            Class<?> type = c.reflect();
            Path base = type.getAnnotation(Path.class);
            if (base == null) {
                continue;
            }
            for (Method m : type.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(POST.class) ? "POST" : m.isAnnotationPresent(PUT.class) ? "PUT"
                        : m.isAnnotationPresent(PATCH.class) ? "PATCH" : m.isAnnotationPresent(DELETE.class)
                        ? "DELETE" : null;
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String template = ("/" + base.value() + (sub == null ? "" : "/" + sub.value())).replaceAll("/+", "/");
                if (template.length() > 1 && template.endsWith("/")) {
                    template = template.substring(0, template.length() - 1);
                }
                assertThat(template).as(type.getSimpleName() + "." + m.getName()).startsWith("/ui");
                for (String path : expand(template, values)) {
                    routes.add(verb + " " + path);
                }
            }
        }
        return routes;
    }

    /** Every filling of the template's parameters: a regex alternative's each choice, else the given values. */
    static List<String> expand(String template, Map<String, List<String>> values) {
        Matcher m = PARAMETER.matcher(template);
        if (!m.find()) {
            return List.of(template);
        }
        List<String> choices = m.group(2) != null ? List.of(m.group(2).trim().split("\\|")) : values.get(m.group(1));
        assertThat(choices).as("a test value for the path parameter {" + m.group(1) + "} of " + template).isNotNull();
        List<String> out = new ArrayList<>();
        for (String choice : choices) {
            out.addAll(expand(template.substring(0, m.start()) + choice + template.substring(m.end()), values));
        }
        return out;
    }

    private Map<String, Long> counts() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("prompt_version", "label", "approval", "experiment", "experiment_covariate",
                    "audit_log", "outbox_event")) {
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    counts.put(table, r.getLong(1));
                }
            }
            // a change of state adds no row: statuses count too
            for (String table : List.of("prompt_version", "experiment")) {
                try (ResultSet r = s.executeQuery("SELECT status, COUNT(*) FROM " + table + " GROUP BY status")) {
                    while (r.next()) {
                        counts.put(table + "." + r.getString(1), r.getLong(2));
                    }
                }
            }
        }
        return counts;
    }
}
