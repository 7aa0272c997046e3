package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * An A/B test end to end on real PostgreSQL with the trained Census model: three versions of an income task
 * (v1 trained and in production, v2 inverted, v3 trained with other content), pilot runs replaying the held-out
 * Census rows, results with intervals and SRM status, a guardrail breach that pauses and routes to control, and a
 * promotion through the registry's release.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbTestingEndToEndTests {

    static final String TASK = "abincome";
    static final Map<String, String> ROW = Map.of("age", "45", "sex", "Male", "education", "Masters degree(MA MS MEng MEd MSW MBA)",
            "class_worker", "Private", "weeks_worked", "52", "capital_gains", "15000");

    static long breachedExperiment;

    @Test
    @Order(1)
    void shouldServeProductionWithoutExperimentAndRefuseBadRows() {
        assertThat(Api.uploadEncoder(CensusArtifacts.encoder()).statusCode()).isIn(200, 201);
        assertThat(Api.released(TASK, CensusArtifacts.income(TASK, 1))).isEqualTo(1);
        assertThat(Api.approved(TASK, CensusArtifacts.invertedIncome(TASK, 2))).isEqualTo(2);
        assertThat(Api.approved(TASK, CensusArtifacts.income(TASK, 3))).isEqualTo(3);

        JsonPath r = score("u1", List.of(ROW, ROW)).then().statusCode(200).extract().jsonPath();
        assertThat(r.getString("routing")).isEqualTo("production");
        assertThat(r.getInt("version.number")).isEqualTo(1);
        assertThat(r.getString("experiment")).isNull();
        assertThat(r.getList("scores")).hasSize(2);
        assertThat(r.getString("requestId")).isNotBlank();

        // the same candidates column-major: the same scores; a column left out is missing for every candidate
        Map<String, List<String>> columns = new TreeMap<>();
        ROW.forEach((column, value) -> columns.put(column, List.of(value, value)));
        columns.put("age", List.of("45", "30"));
        Map<String, String> younger = new HashMap<>(ROW);
        younger.put("age", "30");
        JsonPath byColumn = scoreColumns("u1", columns).then().statusCode(200)
                .header("Server-Timing", matchesPattern("resolve;dur=[0-9.]+, score;dur=[0-9.]+, exposure;dur=[0-9.]+"))
                .extract().jsonPath();
        assertThat(byColumn.getList("scores"))
                .isEqualTo(score("u1", List.of(ROW, younger)).then().statusCode(200).extract().jsonPath().getList("scores"))
                .doesNotHaveDuplicates();
        assertThat(byColumn.getInt("version.number")).isEqualTo(1);

        scoreColumns("u1", Map.of("age", List.of("45", "forty"))).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("columns.age[1]"))
                .body("detail", containsString("not a number"));
        scoreColumns("u1", Map.of("age", List.of("45", "30"), "sex", List.of("Male"))).then().statusCode(400)
                .body("field", equalTo("columns")).body("detail", containsString("one value per row"));
        scoreColumns("u1", Map.of()).then().statusCode(400).body("field", equalTo("columns"));
        as("erin").contentType("application/json")
                .body(Map.of("task", TASK, "unitId", "u", "rows", List.of(ROW), "columns", columns))
                .post("/api/v1/score").then().statusCode(400).body("field", equalTo("rows"))
                .body("detail", containsString("this request has both"));
        as("erin").contentType("application/json").body(Map.of("task", TASK, "unitId", "u"))
                .post("/api/v1/score").then().statusCode(400).body("detail", containsString("this request has neither"));

        score("u1", List.of(ROW, Map.of("age", "forty"))).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("rows[1].age"))
                .body("detail", containsString("not a number"));
        score("u1", List.of()).then().statusCode(400).body("field", equalTo("rows"));
        score("u1", List.of(ROW, Map.of("age", "1e309"))).then().statusCode(400).body("field", equalTo("rows[1].age"))
                .body("detail", containsString("out of range"));
        scoreColumns("u1", Map.of("age", List.of("-1e39"))).then().statusCode(400).body("field", equalTo("columns.age[0]"));
        as("bob").contentType("application/json").body(Map.of("task", TASK, "unitId", "u", "rows", List.of(ROW)))
                .post("/api/v1/score").then().statusCode(403);
        as(null).contentType("application/json").body(Map.of("task", TASK, "unitId", "u", "rows", List.of(ROW)))
                .post("/api/v1/score").then().statusCode(401);
    }

    @Test
    @Order(2)
    void shouldRefuseInvalidExperimentsWithTheField() {
        // a sum of weights is the arms' together; one arm's weight out of range is that arm's
        create(Map.of("name", "bad-weights", "task", TASK, "arms", List.of(arm("control", 1, 0.5), arm("t", 2, 0.6))))
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("arms"));
        create(Map.of("name", "bad-weights", "task", TASK, "arms", List.of(arm("control", 1, 1.5), arm("t", 2, -0.5))))
                .then().statusCode(400).body("field", equalTo("arms[0].weight"));
        create(Map.of("name", "bad-ramp", "task", TASK, "ramp", 1.5, "arms", List.of(arm("control", 1, 0.5), arm("t", 2, 0.5))))
                .then().statusCode(400).body("field", equalTo("ramp"));
        create(Map.of("name", "one-arm", "task", TASK, "arms", List.of(arm("control", 1, 1.0))))
                .then().statusCode(400).body("field", equalTo("arms"));
        // parameters no experiment can work with: a weight below one bucket, a vanishing alpha, an endless plan, a
        // guardrail margin that guards nothing
        create(Map.of("name", "tiny-weight", "task", TASK, "arms", List.of(arm("control", 1, 0.99999), arm("t", 2, 0.00001))))
                .then().statusCode(400).body("field", equalTo("arms[1].weight")).body("detail", containsString("no unit"));
        create(Map.of("name", "tiny-alpha", "task", TASK, "alpha", 1e-320,
                "arms", List.of(arm("control", 1, 0.5), arm("t", 2, 0.5)))).then().statusCode(400).body("field", equalTo("alpha"));
        create(Map.of("name", "endless", "task", TASK, "plannedPerArm", Long.MAX_VALUE,
                "arms", List.of(arm("control", 1, 0.5), arm("t", 2, 0.5)))).then().statusCode(400)
                .body("field", equalTo("plannedPerArm"));
        create(Map.of("name", "wide-margin", "task", TASK, "arms", List.of(arm("control", 1, 0.5), arm("t", 2, 0.5)),
                "guardrails", List.of(Map.of("name", "log_loss", "kind", "MEAN", "direction", "LOWER_IS_BETTER",
                        "margin", 1e308, "marginType", "RELATIVE")))).then().statusCode(400)
                .body("field", equalTo("guardrails[0].margin"));
        create(Map.of("name", "no-version", "task", TASK, "arms", List.of(arm("control", 1, 0.5), arm("t", 99, 0.5))))
                .then().statusCode(404).body("field", equalTo("arms[1].version"));
        create(Map.of("name", "twin-arms", "task", TASK, "arms", List.of(arm("control", 1, 0.5), arm("control", 2, 0.5))))
                .then().statusCode(400).body("field", equalTo("arms[1].name"))
                .body("detail", equalTo("duplicate arm name 'control'"));
        as("carol").contentType("application/json").body(Map.of("name", "x", "task", TASK, "arms", List.of()))
                .post("/api/v1/experiments").then().statusCode(403);
        as("erin").get("/api/v1/experiments/abc").then().statusCode(400).body("field", equalTo("id"));
    }

    @Test
    @Order(3)
    void shouldPauseOnAGuardrailBreachAndRouteEveryoneToControl() throws Exception {
        long id = create(Map.of("name", "income-inverted", "task", TASK,
                "arms", List.of(arm("control", 1, 0.5), arm("inverted", 2, 0.5)),
                "successMetrics", List.of(Map.of("name", "conversion", "kind", "PROPORTION", "direction", "HIGHER_IS_BETTER")),
                "guardrails", List.of(Map.of("name", "log_loss", "kind", "MEAN", "direction", "LOWER_IS_BETTER",
                        "margin", 0.10, "marginType", "RELATIVE")),
                "plannedPerArm", 1000))
                .then().statusCode(201).header("Location", containsString("/api/v1/experiments/"))
                .extract().jsonPath().getLong("id");
        breachedExperiment = id;
        transition(id, "start").then().statusCode(200).body("status", equalTo("RUNNING"));

        JsonPath armed = score("unit-7", List.of(ROW)).then().statusCode(200).extract().jsonPath();
        assertThat(armed.getString("routing")).isEqualTo("experiment");
        assertThat(armed.getLong("experiment.id")).isEqualTo(id);
        assertThat(armed.getString("arm")).isIn("control", "inverted");
        assertThat(score("unit-7", List.of(ROW)).then().extract().jsonPath().getString("arm"))
                .as("sticky").isEqualTo(armed.getString("arm"));

        runPilot(id, 800, 11);

        JsonPath results = as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath();
        long control = results.getLong("arms[0].exposures");
        long inverted = results.getLong("arms[1].exposures");
        assertThat(control + inverted).isEqualTo(802); // the pilot's 800 and unit-7's two requests
        // each unit counts once: 801 units (unit-7 twice exposed), the sample size of every metric
        assertThat(results.getLong("arms[0].units") + results.getLong("arms[1].units")).isEqualTo(801);
        assertThat(results.getBoolean("srm.mismatch")).isFalse();
        assertThat(results.getDouble("srm.pValue")).isGreaterThan(0.001);
        double estimate = results.getDouble("arms[0].metrics.conversion.estimate");
        assertThat(results.getDouble("arms[0].metrics.conversion.interval.lower")).isLessThan(estimate);
        assertThat(results.getDouble("arms[0].metrics.conversion.interval.upper")).isGreaterThan(estimate);
        assertThat(results.getLong("arms[0].metrics.conversion.count")).isEqualTo(results.getLong("arms[0].units"));
        assertThat(results.getDouble("arms[0].model.auc")).isGreaterThan(0.85);
        assertThat(results.getDouble("arms[1].model.auc")).isLessThan(0.15);
        assertThat(results.getString("treatments[0].successMetrics[0].fixedHorizon.liftInterval.lower")).isNotNull();
        assertThat(results.getString("treatments[0].successMetrics[0].sequential.interval.upper")).isNotNull();
        assertThat(results.getString("treatments[0].guardrails[0].outcome")).isEqualTo("FAIL");
        assertThat(results.getString("verdict")).isEqualTo("ROLL_BACK");
        assertThat(results.getString("explanation")).contains("log_loss");

        as("erin").contentType("application/json").post("/api/v1/experiments/" + id + "/guardrails/evaluate").then().statusCode(200)
                .body("paused", equalTo(true)).body("results.status", equalTo("PAUSED"));
        as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("PAUSED"))
                .body("statusReason", containsString("guardrail"));
        for (String unit : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
            JsonPath p = score(unit, List.of(ROW)).then().statusCode(200).extract().jsonPath();
            assertThat(p.getString("routing")).isEqualTo("paused");  // production serves, outside the analysis
            assertThat(p.getInt("version.number")).isEqualTo(1);
            assertThat(p.getString("arm")).isNull();
        }
        as("dave").get("/api/v1/audit?task=" + TASK + "&action=GUARDRAIL_PAUSE").then().statusCode(200)
                .body(containsString("system"));
        as("carol").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/promote")
                .then().statusCode(409).body("type", equalTo("/problems/not-ship"));
        // an arm's name is checked before a refusal quotes it: a control character is named by its code
        as("carol").contentType("application/json").body(Map.of("arm", "a\u0007b")).post("/api/v1/experiments/" + id
                + "/promote").then().statusCode(400).body("field", equalTo("arm"))
                .body("detail", org.hamcrest.Matchers.not(containsString("\u0007")));
        transition(id, "stop").then().statusCode(200).body("status", equalTo("STOPPED"));
        assertThat(score("a", List.of(ROW)).then().extract().jsonPath().getString("routing")).isEqualTo("production");
    }

    @Test
    @Order(4)
    void shouldPromoteAShippingArmThroughTheRegistryRelease() throws Exception {
        long id = create(Map.of("name", "income-retrained", "task", TASK,
                "arms", List.of(arm("control", 2, 0.5), arm("retrained", 3, 0.5)),
                "successMetrics", List.of(Map.of("name", "log_loss", "kind", "MEAN", "direction", "LOWER_IS_BETTER")),
                "plannedPerArm", 1000))
                .then().statusCode(201).extract().jsonPath().getLong("id");
        transition(id, "start").then().statusCode(200);
        runPilot(id, 600, 12);
        JsonPath results = as("erin").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath();
        assertThat(results.getString("verdict")).as(results.prettify()).isEqualTo("SHIP");

        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/promote")
                .then().statusCode(403);
        as("carol").contentType("application/json").body("{\"reason\":\"A/B: lower log-loss\"}")
                .post("/api/v1/experiments/" + id + "/promote").then().statusCode(200)
                .body("status", equalTo("STOPPED"));
        JsonPath served = score("z", List.of(ROW)).then().statusCode(200).extract().jsonPath();
        assertThat(served.getString("routing")).isEqualTo("production");
        assertThat(served.getInt("version.number")).as("the release takes effect without a restart").isEqualTo(3);
    }

    private static void runPilot(long id, int rows, long seed) throws InterruptedException {
        as("erin").contentType("application/json")
                .body(Map.of("rows", rows, "ratePerSecond", 0, "seed", seed, "label", "income"))
                .post("/api/v1/experiments/" + id + "/pilot").then().statusCode(202).body("state", equalTo("RUNNING"));
        String state = "RUNNING";
        for (int i = 0; i < 600 && "RUNNING".equals(state); i++) {
            Thread.sleep(500);
            state = as("erin").get("/api/v1/experiments/" + id + "/pilot").then().statusCode(200)
                    .extract().path("state");
        }
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then().body("state", equalTo("DONE"))
                .body("scored", equalTo(rows)).body("events", equalTo(2 * rows));
    }

    private static io.restassured.response.Response score(String unit, List<Map<String, String>> rows) {
        return as("erin").contentType("application/json").body(Map.of("task", TASK, "unitId", unit, "rows", rows))
                .post("/api/v1/score");
    }

    private static io.restassured.response.Response scoreColumns(String unit, Map<String, List<String>> columns) {
        return as("erin").contentType("application/json").body(Map.of("task", TASK, "unitId", unit, "columns", columns))
                .post("/api/v1/score");
    }

    private static io.restassured.response.Response create(Map<String, Object> body) {
        return as("erin").contentType("application/json").body(body).post("/api/v1/experiments");
    }

    private static io.restassured.response.Response transition(long id, String action) {
        return as("erin").contentType("application/json").body("{\"reason\":\"test\"}")
                .post("/api/v1/experiments/" + id + "/" + action);
    }

    private static Map<String, Object> arm(String name, int version, double weight) {
        return Map.of("name", name, "version", version, "weight", weight);
    }
}
