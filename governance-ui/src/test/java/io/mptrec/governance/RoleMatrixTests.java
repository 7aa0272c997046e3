package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint x every user: anonymous -> 401, a role not allowed -> 403, an allowed role -> neither
 * (its 2xx, or a 4xx about the state, which proves the call passed the role check).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RoleMatrixTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "roles";
    static final ArtifactBundle PROMPT = TestArtifacts.prompt(ENCODER, TASK, 21);

    /** user -> role, as in application.properties; null is anonymous. */
    static final Map<String, String> USERS = Map.of("alice", "prompt-author", "bob", "prompt-approver",
            "carol", "release-manager", "erin", "experimenter", "dave", "auditor", "admin", "admin");
    static final Set<String> ALL = Set.copyOf(USERS.values());

    record Endpoint(String name, Set<String> roles, Function<RequestSpecification, io.restassured.response.Response> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String V = "/api/v1/tasks/" + TASK + "/versions";

    static List<Endpoint> endpoints() {
        String json = "application/json";
        return List.of(
                new Endpoint("POST encoders", Set.of("prompt-author", "admin"),
                        r -> r.contentType("application/zip").body(ENCODER.toZip()).post("/api/v1/encoders")),
                new Endpoint("GET encoders", ALL, r -> r.get("/api/v1/encoders")),
                new Endpoint("GET encoder", ALL, r -> r.get("/api/v1/encoders/" + ENCODER.contentSha256())),
                new Endpoint("GET tasks", ALL, r -> r.get("/api/v1/tasks")),
                new Endpoint("GET task", ALL, r -> r.get("/api/v1/tasks/" + TASK)),
                new Endpoint("POST version", Set.of("prompt-author", "admin"),
                        r -> r.contentType("application/zip").body(PROMPT.toZip()).post(V)),
                new Endpoint("GET versions", ALL, r -> r.get(V)),
                new Endpoint("GET version", ALL, r -> r.get(V + "/1")),
                new Endpoint("GET artifact", ALL, r -> r.get(V + "/1/artifact")),
                new Endpoint("GET diff", ALL, r -> r.get(V + "/1/diff/1")),
                new Endpoint("POST submit", Set.of("prompt-author", "admin"),
                        r -> r.contentType(json).body("{}").post(V + "/1/submit")),
                new Endpoint("POST approve", Set.of("prompt-approver", "admin"),
                        r -> r.contentType(json).body("{}").post(V + "/1/approve")),
                new Endpoint("POST reject", Set.of("prompt-approver", "admin"),
                        r -> r.contentType(json).body("{}").post(V + "/1/reject")),
                new Endpoint("POST release", Set.of("release-manager", "admin"),
                        r -> r.contentType(json).body("{}").post(V + "/1/release")),
                new Endpoint("POST rollback", Set.of("release-manager", "admin"),
                        r -> r.contentType(json).body("{\"reason\":\"matrix\"}").post("/api/v1/tasks/" + TASK + "/rollback")),
                new Endpoint("PUT label", Set.of("prompt-author", "admin"),
                        r -> r.contentType(json).body("{\"version\":1}").put("/api/v1/tasks/" + TASK + "/labels/staging")),
                new Endpoint("DELETE label", Set.of("prompt-author", "admin"),
                        r -> r.delete("/api/v1/tasks/" + TASK + "/labels/canary")),
                new Endpoint("PUT report", Set.of("prompt-author", "admin"),
                        r -> r.contentType(json).body("{}").put(V + "/1/report")),
                new Endpoint("GET report", ALL, r -> r.get(V + "/1/report")),
                new Endpoint("GET audit", Set.of("auditor", "admin"), r -> r.get("/api/v1/audit")),
                new Endpoint("GET audit export", Set.of("auditor", "admin"), r -> r.get("/api/v1/audit/export?format=csv")),
                new Endpoint("GET events", Set.of("auditor", "release-manager", "admin"), r -> r.get("/api/v1/events")),
                new Endpoint("GET event pipeline", Set.of("experimenter", "release-manager", "auditor", "admin"),
                        r -> r.get("/api/v1/events/pipeline")),
                new Endpoint("POST event pipeline rebuild", Set.of("experimenter", "admin"),
                        r -> r.contentType(json).body("{}").post("/api/v1/events/pipeline/rebuild")),
                new Endpoint("POST event pipeline replay", Set.of("experimenter", "admin"),
                        r -> r.contentType(json).body("{\"fromOffset\":0}").post("/api/v1/events/pipeline/replay")));
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            cases.add(Arguments.of(e, "anonymous"));
            USERS.keySet().stream().sorted().forEach(user -> cases.add(Arguments.of(e, user)));
        }
        return cases.stream();
    }

    @BeforeEach
    void prepare() {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        assertThat(Api.uploadPrompt("alice", TASK, PROMPT).statusCode()).isIn(200, 201);
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void shouldEnforceRoles(Endpoint endpoint, String user) {
        int status = endpoint.call().apply(as("anonymous".equals(user) ? null : user)).statusCode();
        if ("anonymous".equals(user)) {
            assertThat(status).isEqualTo(401);
        } else if (endpoint.roles().contains(USERS.get(user))) {
            assertThat(status).as("allowed role %s", USERS.get(user)).isNotIn(401, 403).isLessThan(500);
        } else {
            assertThat(status).as("role %s", USERS.get(user)).isEqualTo(403);
        }
    }
}
