package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadEncoder;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/** The whole lifecycle through the REST API, against PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RegistryLifecycleTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "lifecycle";

    @BeforeEach
    void registerEncoder() {
        // 201 the first time in this test run, 200 when another test registered it first
        assertThat(uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
    }

    @Test
    void shouldRegisterEncoderOnceAndServeItsManifest() {
        ArtifactBundle other = TestArtifacts.encoder(77);
        uploadEncoder(other).then().statusCode(201)
                .header("Location", endsWith("/api/v1/encoders/" + other.contentSha256()))
                .body("contentSha256", equalTo(other.contentSha256()));
        uploadEncoder(other).then().statusCode(200);
        as("dave").get("/api/v1/encoders/" + other.contentSha256()).then().statusCode(200)
                .body("tasks", equalTo(List.of("income", "marital")))
                .body("lineage.seed", equalTo(77))
                .body("config.embeddingDim", equalTo(2))
                .body("registeredTasks", equalTo(List.of()));
        // the tasks on an encoder: one read of the catalog, the same for the list and for one encoder
        uploadPrompt("alice", "on-encoder-77", TestArtifacts.prompt(other, "on-encoder-77", 1)).then().statusCode(201);
        as("dave").get("/api/v1/encoders/" + other.contentSha256()).then().statusCode(200)
                .body("registeredTasks", equalTo(List.of("on-encoder-77")));
        as("dave").get("/api/v1/encoders").then().statusCode(200)
                .body("find { it.contentSha256 == '" + other.contentSha256() + "' }.registeredTasks",
                        equalTo(List.of("on-encoder-77")))
                .body("find { it.contentSha256 == '" + ENCODER.contentSha256() + "' }.registeredTasks",
                        org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("on-encoder-77")));
    }

    /** The artifacts shipped with the project (a real Census encoder and its stage-1 prompts) pass the same checks. */
    @Test
    void shouldAcceptTheShippedCensusArtifacts() {
        Path dir = Path.of("..", "data", "census-income-kdd", "artifacts");
        ArtifactBundle encoder = ArtifactBundle.read(dir.resolve("encoder"));
        ArtifactBundle income = ArtifactBundle.read(dir.resolve("prompt-income"));
        assertThat(uploadEncoder(encoder).statusCode()).isIn(200, 201);
        uploadPrompt("alice", "income", income).then().statusCode(201).body("number", equalTo(1));
        as("erin").get("/api/v1/tasks/income/versions/1").then().statusCode(200)
                .body("encoderSha256", equalTo(encoder.contentSha256()))
                .body("metrics.size()", org.hamcrest.Matchers.greaterThan(0));
        // a prompt of the real encoder never fits the test encoder's task, and vice versa
        uploadPrompt("alice", "income", TestArtifacts.prompt(ENCODER, "income", 5)).then().statusCode(409)
                .body("type", equalTo("/problems/encoder-mismatch"));
    }

    @Test
    void shouldTakeVersionsThroughReviewReleaseAndRollback() {
        ArtifactBundle p1 = TestArtifacts.prompt(ENCODER, TASK, 11);
        ArtifactBundle p2 = TestArtifacts.prompt(ENCODER, TASK, 12);

        // upload: 201 + Location, identical content again: 200 with the same number
        uploadPrompt("alice", TASK, p1).then().statusCode(201)
                .header("Location", endsWith("/api/v1/tasks/" + TASK + "/versions/1"))
                .body("number", equalTo(1)).body("status", equalTo("DRAFT"));
        uploadPrompt("amy", TASK, p1).then().statusCode(200).body("number", equalTo(1)).body("author", equalTo("alice"));
        uploadPrompt("amy", TASK, p2).then().statusCode(201).body("number", equalTo(2));

        // review with four-eyes
        transition("alice", TASK, 1, "submit", null).then().statusCode(200).body("status", equalTo("IN_REVIEW"));
        transition("admin", TASK, 1, "approve", null).then().statusCode(200);  // admin is not the author: no bypass
        as("dave").get("/api/v1/tasks/" + TASK + "/versions/1").then().statusCode(200)
                .body("status", equalTo("APPROVED"))
                .body("approvals[0].reviewer", equalTo("admin"))
                .body("approvals[0].valid", equalTo(true))
                .body("approvals[0].adminBypass", equalTo(false))
                .body("metrics[0].samples", equalTo(1000))
                .body("lineage.seed", equalTo(11));

        transition("carol", TASK, 1, "release", null).then().statusCode(200).body("status", equalTo("RELEASED"));
        as("erin").get("/api/v1/tasks/" + TASK).then().statusCode(200).body("production", equalTo(1));

        transition("amy", TASK, 2, "submit", null).then().statusCode(200);
        transition("amy", TASK, 2, "approve", null).then().statusCode(403);  // amy is no approver
        transition("bob", TASK, 2, "approve", "{\"comment\":\"ok\"}").then().statusCode(200);
        transition("carol", TASK, 2, "release", null).then().statusCode(200);
        as("erin").get("/api/v1/tasks/" + TASK + "/versions/1").then().body("status", equalTo("RETIRED"));
        as("erin").get("/api/v1/tasks/" + TASK).then().body("production", equalTo(2));

        // rollback needs a reason, then returns production to v1 and marks v2 ROLLED_BACK
        as("carol").contentType("application/json").body("{}").post("/api/v1/tasks/" + TASK + "/rollback")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("reason"));
        as("carol").contentType("application/json").body("{\"reason\":\"AUC dropped in the pilot\"}")
                .post("/api/v1/tasks/" + TASK + "/rollback")
                .then().statusCode(200).body("number", equalTo(1)).body("status", equalTo("RELEASED"));
        as("erin").get("/api/v1/tasks/" + TASK + "/versions/2").then().body("status", equalTo("ROLLED_BACK"));
        as("erin").get("/api/v1/tasks/" + TASK).then().body("production", equalTo(1));

        // free labels by authors; production is protected
        as("alice").contentType("application/json").body("{\"version\":2}")
                .put("/api/v1/tasks/" + TASK + "/labels/staging").then().statusCode(204);
        as("alice").contentType("application/json").body("{\"version\":2}")
                .put("/api/v1/tasks/" + TASK + "/labels/production").then().statusCode(409)
                .body("type", equalTo("/problems/protected-label"));

        // the artifact comes back byte for byte; the diff compares metrics and lineage
        byte[] zip = as("erin").get("/api/v1/tasks/" + TASK + "/versions/1/artifact").then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        assertThat(ArtifactBundle.fromZip(zip, "download").contentSha256()).isEqualTo(p1.contentSha256());
        as("erin").get("/api/v1/tasks/" + TASK + "/versions/1/diff/2").then().statusCode(200)
                .body("metrics[0].a", equalTo(0.81f)).body("metrics[0].b", equalTo(0.82f))
                .body("lineage.find { it.field == 'seed' }.same", equalTo(false));

        // the audit log has every step, in order, with actor and reason
        Response audit = as("dave").get("/api/v1/audit?task=" + TASK + "&size=100");
        audit.then().statusCode(200);
        List<String> actions = audit.path("items.action");
        assertThat(actions).containsExactly("UPLOAD", "UPLOAD", "SUBMIT", "APPROVE", "RELEASE", "MOVE_LABEL",
                "SUBMIT", "APPROVE", "RETIRE", "RELEASE", "MOVE_LABEL", "ROLLBACK", "REINSTATE", "MOVE_LABEL",
                "MOVE_LABEL");
        List<Map<String, Object>> rollback = audit.path("items.findAll { it.action == 'ROLLBACK' }");
        assertThat(rollback.get(0)).containsEntry("actor", "carol").containsEntry("reason", "AUC dropped in the pilot")
                .containsEntry("before", "RELEASED").containsEntry("after", "ROLLED_BACK");

        as("dave").get("/api/v1/audit/export?format=csv&task=" + TASK).then().statusCode(200)
                .contentType(containsString("text/csv"))
                .body(containsString("id,at,actor,action,task,version,before,after,reason,adminBypass"))
                .body(containsString("carol,ROLLBACK," + TASK + ",2,RELEASED,ROLLED_BACK,AUC dropped in the pilot,false"));
        as("dave").get("/api/v1/audit/export?format=json&task=" + TASK).then().statusCode(200)
                .body("size()", equalTo(actions.size()));
        as("dave").get("/api/v1/audit?task=" + TASK + "&actor=carol&action=ROLLBACK").then().statusCode(200)
                .body("total", equalTo(1));
        as("dave").get("/api/v1/events?task=" + TASK).then().statusCode(200).body("[0].type", equalTo("LABEL_MOVED"));
    }

    @Test
    void shouldRemoveAFreeLabelButNeverProduction() {
        String task = "labels-removed";
        int v = Api.released(task, TestArtifacts.prompt(ENCODER, task, 91));
        as("alice").contentType("application/json").body("{\"version\":" + v + "}")
                .put("/api/v1/tasks/" + task + "/labels/canary").then().statusCode(204);
        // the label where it is already: nothing moves, so nothing is audited or sent to the webhooks
        int events = as("dave").get("/api/v1/events?task=" + task).then().extract().jsonPath().getList("$").size();
        as("alice").contentType("application/json").body("{\"version\":" + v + "}")
                .put("/api/v1/tasks/" + task + "/labels/canary").then().statusCode(204);
        as("dave").get("/api/v1/audit?task=" + task + "&action=MOVE_LABEL").then()
                .body("items.findAll { it.after == 'canary=v" + v + "' }.size()", equalTo(1));
        as("dave").get("/api/v1/events?task=" + task).then().body("size()", equalTo(events));
        as("alice").delete("/api/v1/tasks/" + task + "/labels/production").then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("/problems/protected-label"));
        as("alice").delete("/api/v1/tasks/" + task + "/labels/Bad!").then().statusCode(400).body("field", equalTo("name"));
        as("alice").delete("/api/v1/tasks/" + task + "/labels/nightly").then().statusCode(404).body("field", equalTo("name"));
        as("erin").get("/api/v1/tasks/" + task + "/versions/" + v).then()
                .body("labels", org.hamcrest.Matchers.containsInAnyOrder("canary", "production"));

        as("alice").delete("/api/v1/tasks/" + task + "/labels/canary").then().statusCode(204);
        as("erin").get("/api/v1/tasks/" + task + "/versions/" + v).then().body("labels", org.hamcrest.Matchers.contains("production"));
        as("dave").get("/api/v1/audit?task=" + task + "&action=REMOVE_LABEL").then().statusCode(200)
                .body("items[0].actor", equalTo("alice")).body("items[0].before", equalTo("canary=v" + v))
                .body("items[0].version", equalTo(v));
        as("dave").get("/api/v1/events?task=" + task).then().body("[0].type", equalTo("LABEL_REMOVED"));
    }
}
