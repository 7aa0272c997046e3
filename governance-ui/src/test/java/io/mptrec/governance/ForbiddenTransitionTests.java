package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.released;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Every transition the lifecycle forbids answers 409 problem+json saying why, and changes nothing. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ForbiddenTransitionTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @BeforeEach
    void registerEncoder() {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
    }

    private static void assertConflict(io.restassured.response.Response response, String detailPart) {
        response.then().statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409)).body("title", equalTo("Conflict"))
                .body("detail", containsString(detailPart));
    }

    @Test
    void shouldRefuseTransitionsOutOfOrder() {
        String task = "forbidden";
        int draft = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 31)).then().statusCode(201)
                .extract().path("number");
        assertConflict(transition("bob", task, draft, "approve", null), "only an IN_REVIEW version can be approved");
        assertConflict(transition("bob", task, draft, "reject", "{\"comment\":\"no\"}"), "only an IN_REVIEW");
        assertConflict(transition("carol", task, draft, "release", null), "only an APPROVED version can be released");
        as("carol").contentType("application/json").body("{\"reason\":\"x\"}").post("/api/v1/tasks/" + task + "/rollback")
                .then().statusCode(409).body("type", equalTo("/problems/no-production"));

        transition("alice", task, draft, "submit", null).then().statusCode(200);
        assertConflict(transition("alice", task, draft, "submit", null), "only a DRAFT version can be submitted");
        assertConflict(transition("carol", task, draft, "release", null), "is IN_REVIEW");
        transition("bob", task, draft, "reject", "{}").then().statusCode(400).body("field", equalTo("comment"));
        transition("bob", task, draft, "reject", "{\"comment\":\"metrics too weak\"}").then().statusCode(200);
        assertConflict(transition("carol", task, draft, "release", null), "is REJECTED");
        assertConflict(transition("bob", task, draft, "approve", null), "is REJECTED");

        int first = released(task, TestArtifacts.prompt(ENCODER, task, 32));
        assertConflict(transition("carol", task, first, "release", null), "is RELEASED");
        as("carol").contentType("application/json").body("{\"reason\":\"x\"}").post("/api/v1/tasks/" + task + "/rollback")
                .then().statusCode(409).body("type", equalTo("/problems/no-previous-release"));
        int second = released(task, TestArtifacts.prompt(ENCODER, task, 33));
        assertConflict(transition("carol", task, first, "release", null), "use rollback");
        as("carol").contentType("application/json").body("{\"reason\":\"x\",\"targetVersion\":" + draft + "}")
                .post("/api/v1/tasks/" + task + "/rollback").then().statusCode(409)
                .body("detail", containsString("only return to a RETIRED"));
        // an unknown target is named by the body's field
        as("carol").contentType("application/json").body("{\"reason\":\"x\",\"targetVersion\":99}")
                .post("/api/v1/tasks/" + task + "/rollback").then().statusCode(404)
                .body("field", equalTo("targetVersion")).body("detail", containsString("has no version 99"));
        as("erin").get("/api/v1/tasks/" + task).then().body("production", equalTo(second));
    }

    @Test
    void shouldEnforceFourEyesAndFlagAdminBypass() {
        String task = "foureyes";
        // admin authored it, so admin approving it is a bypass: refused without a reason
        int v = as("admin").contentType("application/zip").body(TestArtifacts.prompt(ENCODER, task, 41).toZip())
                .post("/api/v1/tasks/" + task + "/versions").then().statusCode(201).extract().path("number");
        transition("admin", task, v, "submit", null).then().statusCode(200);
        assertConflict(transition("admin", task, v, "approve", null), "an admin bypass needs a reason");
        transition("admin", task, v, "approve", "{\"reason\":\"hotfix, reviewer away\"}").then().statusCode(200);

        List<Map<String, Object>> entries = as("dave").get("/api/v1/audit?task=" + task + "&action=APPROVE")
                .then().statusCode(200).extract().path("items");
        assertThat(entries).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("adminBypass", true).containsEntry("reason", "hotfix, reviewer away"));
        as("erin").get("/api/v1/tasks/" + task + "/versions/" + v).then()
                .body("approvals[0].adminBypass", equalTo(true));

        // pat is author and approver: may review others' versions, never their own, reason or not
        String other = "foureyes-b";
        int w = uploadPrompt("pat", other, TestArtifacts.prompt(ENCODER, other, 43)).then().statusCode(201)
                .extract().path("number");
        transition("pat", other, w, "submit", null).then().statusCode(200);
        assertConflict(transition("pat", other, w, "approve", "{\"reason\":\"trust me\"}"), "four-eyes");
        as("erin").get("/api/v1/tasks/" + other + "/versions/" + w).then().body("status", equalTo("IN_REVIEW"));
        transition("bob", other, w, "approve", null).then().statusCode(200);
    }
}
