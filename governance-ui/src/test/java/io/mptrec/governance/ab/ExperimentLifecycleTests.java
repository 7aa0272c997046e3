package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.mptrec.ab.serving.service.RoutingCache;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * Experiment lifecycle through the API with small test artifacts: sticky ramp-up, one active experiment per task,
 * every change audited, and release / rollback taking effect on the next request without a restart.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ExperimentLifecycleTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @Test
    void shouldKeepUnitsInTheirArmWhenTheRampGrows() {
        String task = "ramp";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 101));
        Api.approved(task, TestArtifacts.prompt(ENCODER, task, 102));
        long id = as("erin").contentType("application/json").body(Map.of("name", "ramp-up", "task", task, "ramp", 0.2,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).body("status", equalTo("DRAFT"))
                .extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(200).body("status", equalTo("RUNNING"));

        Map<String, String> armAt20 = new HashMap<>();
        for (int u = 0; u < 200; u++) {
            String arm = score(task, "user-" + u).get("arm");
            if (arm != null) {
                armAt20.put("user-" + u, arm);
            }
        }
        assertThat(armAt20.size()).as("about 20% of 200 units included").isBetween(20, 65);
        as("erin").contentType("application/json").body(Map.of("ramp", 1.0, "reason", "all in"))
                .post("/api/v1/experiments/" + id + "/ramp").then().statusCode(200).body("ramp", equalTo(1.0f));
        int included = 0;
        for (int u = 0; u < 200; u++) {
            Map<String, String> r = score(task, "user-" + u);
            assertThat(r.get("routing")).isEqualTo("experiment");
            included++;
            if (armAt20.containsKey("user-" + u)) {
                assertThat(r.get("arm")).as("user-" + u + " keeps its arm").isEqualTo(armAt20.get("user-" + u));
            }
        }
        assertThat(included).isEqualTo(200);
        // the same ramp again changes nothing: no second audit entry
        as("erin").contentType("application/json").body(Map.of("ramp", 1.0, "reason", "all in, again"))
                .post("/api/v1/experiments/" + id + "/ramp").then().statusCode(200).body("ramp", equalTo(1.0f));
        assertThat(as("dave").get("/api/v1/audit?task=" + task + "&action=EXPERIMENT_RAMP").then().statusCode(200)
                .extract().jsonPath().getList("items")).hasSize(1);
        as("erin").contentType("application/json").body(Map.of("ramp", 2)).post("/api/v1/experiments/" + id + "/ramp")
                .then().statusCode(400).body("field", equalTo("ramp"));

        long second = as("erin").contentType("application/json").body(Map.of("name", "ramp-second", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + second + "/start")
                .then().statusCode(409).body("type", equalTo("/problems/experiment-active"));
        // a blank reason says nothing: stored as none, not as spaces
        as("erin").contentType("application/json").body("{\"reason\":\"   \"}").post("/api/v1/experiments/" + id + "/stop")
                .then().statusCode(200).body("status", equalTo("STOPPED"));
        assertThat(as("dave").get("/api/v1/audit?task=" + task + "&action=EXPERIMENT_STOP").then().statusCode(200)
                .extract().jsonPath().getString("items[0].reason")).isNull();
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                .then().statusCode(409);

        as("dave").get("/api/v1/audit?task=" + task + "&size=100").then().statusCode(200)
                .body("items.action", hasItems("EXPERIMENT_CREATE", "EXPERIMENT_START", "EXPERIMENT_RAMP", "EXPERIMENT_STOP"));
    }

    @Test
    void shouldServeTheNewProductionVersionRightAfterAReleaseAndARollback() {
        String task = "hotswap";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 111));
        assertThat(score(task, "u").get("version")).isEqualTo("1");
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 112));
        assertThat(score(task, "u").get("version")).isEqualTo("2");
        as("carol").contentType("application/json").body("{\"reason\":\"worse\"}")
                .post("/api/v1/tasks/" + task + "/rollback").then().statusCode(200);
        assertThat(score(task, "u").get("version")).isEqualTo("1");
    }

    @Inject
    RoutingCache routings;

    /**
     * Serving keeps each task's routing in memory: a warm cache answers without reloading, yet every pause, resume,
     * ramp change, stop and pointer move is honoured by the very next request (the task's row version is the stamp).
     */
    @Test
    void shouldReloadTheCachedRoutingExactlyWhenAChangeCommitted() {
        String task = "cached";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 121));
        Api.approved(task, TestArtifacts.prompt(ENCODER, task, 122));
        assertThat(score(task, "u").get("routing")).isEqualTo("production");
        long loads = routings.loads();
        for (int i = 0; i < 20; i++) {
            assertThat(score(task, "u-" + i).get("version")).isEqualTo("1");
        }
        assertThat(routings.loads()).as("a warm cache does not reload").isEqualTo(loads);

        long id = as("erin").contentType("application/json").body(Map.of("name", "cached-ab", "task", task,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.0),
                                Map.of("name", "treatment", "version", 2, "weight", 1.0))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        assertThat(score(task, "u").get("routing")).as("a DRAFT experiment routes nothing").isEqualTo("production");
        post("/api/v1/experiments/" + id + "/start", "{}");
        assertThat(score(task, "u")).containsEntry("routing", "experiment").containsEntry("version", "2");
        post("/api/v1/experiments/" + id + "/pause", "{\"reason\":\"look\"}");
        assertThat(score(task, "u")).containsEntry("routing", "paused").containsEntry("version", "1");
        post("/api/v1/experiments/" + id + "/start", "{}");
        assertThat(score(task, "u")).containsEntry("routing", "experiment").containsEntry("version", "2");
        post("/api/v1/experiments/" + id + "/ramp", "{\"ramp\":0,\"reason\":\"hold\"}");
        assertThat(score(task, "u")).containsEntry("routing", "outside-ramp").containsEntry("version", "1");
        post("/api/v1/experiments/" + id + "/stop", "{\"reason\":\"done\"}");
        assertThat(score(task, "u")).containsEntry("routing", "production").containsEntry("version", "1");
        Api.transition("carol", task, 2, "release", null).then().statusCode(200);
        assertThat(score(task, "u")).containsEntry("routing", "production").containsEntry("version", "2");

        loads = routings.loads();
        for (int i = 0; i < 20; i++) {
            assertThat(score(task, "u-" + i).get("version")).isEqualTo("2");
        }
        assertThat(routings.loads()).isEqualTo(loads);
        as("erin").contentType("application/json").body(Map.of("task", "no-such-task", "unitId", "u",
                "rows", List.of(Map.of("age", "40")))).post("/api/v1/score").then().statusCode(404)
                .body("field", equalTo("task"));
    }

    private static void post(String path, String body) {
        as("erin").contentType("application/json").body(body).post(path).then().statusCode(200);
    }

    private static Map<String, String> score(String task, String unit) {
        var r = as("erin").contentType("application/json")
                .body(Map.of("task", task, "unitId", unit, "rows", List.of(Map.of("age", "40", "sex", "f"))))
                .post("/api/v1/score").then().statusCode(200).extract().jsonPath();
        Map<String, String> out = new HashMap<>();
        out.put("arm", r.getString("arm"));
        out.put("routing", r.getString("routing"));
        out.put("version", r.getString("version.number"));
        return out;
    }
}
