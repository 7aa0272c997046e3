package io.mptrec.governance.ab;

import io.mptrec.ab.events.EventLog;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.governance.ui.UiSession;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

/**
 * The unit of analysis end to end on PostgreSQL: units return several times through {@code POST /score} (sticky
 * arms), KPI events arrive per request, and the results count each unit once: a PROPORTION is the share of units
 * that converted, a MEAN the mean of per-unit totals, a RATIO the sum of totals over the sum of exposures with the
 * delta-method standard error, and the sample-ratio check runs on units. A unit then seen in a second arm is
 * reported and left out. Every number is recomputed here from what the API answered.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class PerUnitResultsTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "per-unit";
    static final int UNITS = 60;
    /** Rest Assured reads decimals as float by default: too coarse for the comparisons below. */
    static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

    @Inject
    EventLog eventLog;

    @Inject
    DataSource dataSource;

    /** One unit as the test saw it: its arm, its exposures, its clicks and spend summed over them. */
    static final class Unit {
        String arm;
        int exposures;
        double clicks;
        double spend;
        double balance;
        boolean purchased;
    }

    @Test
    void shouldAnalyseUnitsNotExposuresAndLeaveOutAUnitSeenInTwoArms() throws SQLException {
        long id = runningExperiment(TASK, "per-unit", 171);

        Map<String, Unit> units = new LinkedHashMap<>();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int u = 0; u < UNITS; u++) {
            Unit unit = new Unit();
            units.put("user-" + u, unit);
            int visits = 1 + u % 5;
            for (int v = 0; v < visits; v++) {
                JsonPath r = as("erin").contentType("application/json").body(Map.of("task", TASK, "unitId", "user-" + u,
                                "rows", List.of(Map.of("age", "40", "sex", "f"))))
                        .post("/api/v1/score").then().statusCode(200).extract().jsonPath();
                assertThat(unit.arm == null || unit.arm.equals(r.getString("arm"))).as("sticky arm").isTrue();
                unit.arm = r.getString("arm");
                unit.exposures++;
                String request = r.getString("requestId");
                double click = (u + v) % 3 == 0 ? 1 : 0;
                double spend = 2.5 * (u % 7) + v;
                unit.clicks += click;
                unit.spend += spend;
                events.add(Map.of("eventId", request + ":click", "requestId", request, "metric", "click", "value", click));
                events.add(Map.of("eventId", request + ":spend", "requestId", request, "metric", "spend", "value", spend));
                if (v == 0) {
                    // large beside its spread in control (a few units around 1e9), small in treatment: a variance
                    // from raw sums of squares (1e18 each) cancels to nothing, and so does one from sums less one
                    // shift for both arms
                    unit.balance = ("control".equals(unit.arm) ? 999_999_980 : 0) + 2.5 * (u % 7);
                    events.add(Map.of("eventId", request + ":balance", "requestId", request, "metric", "balance",
                            "value", unit.balance));
                }
                if (u % 4 == 0 && v == 0) {
                    unit.purchased = true;
                    events.add(Map.of("eventId", request + ":purchase", "requestId", request, "metric", "purchase",
                            "value", 1));
                }
            }
        }
        as("erin").contentType("application/json").body(Map.of("events", events)).post("/api/v1/events/kpi")
                .then().statusCode(200).body("stored", equalTo(events.size()));
        eventLog.awaitReadable();

        assertResultsMatch(id, units, 0);

        // A client bug: user-0 shows up in the other arm. It is reported and left out of every statistic.
        Unit moved = units.remove("user-0");
        exposureInOtherArm(id, "user-0", "control".equals(moved.arm) ? "treatment" : "control");
        assertResultsMatch(id, units, 1);
        String page = UiSession.signIn("dave").get("/ui/experiments/" + id + "/results").then().statusCode(200)
                .extract().asString();
        assertThat(page).contains("Unit of analysis: the unit that was randomised")
                .contains("Units in more than one arm: 1").contains("Sample ratio of units per arm");
    }

    @Test
    void shouldCreateARatioMetricFromThePageAndRefuseAKindItDoesNotKnow() {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(TASK + "-page", TestArtifacts.prompt(ENCODER, TASK + "-page", 173));
        Api.approved(TASK + "-page", TestArtifacts.prompt(ENCODER, TASK + "-page", 174));
        UiSession erin = UiSession.signIn("erin");
        assertThat(erin.get("/ui/experiments/new").asString()).contains("clicks per impression");
        String location = erin.post("/ui/experiments", "name", "ctr-from-page", "task", TASK + "-page", "control", "1",
                "treatment", "2", "successMetric", "click", "successKind", "RATIO", "guardrailMetric", "")
                .then().statusCode(303).extract().header("Location");
        long id = Long.parseLong(location.replaceAll(".*/experiments/(\\d+).*", "$1"));
        as("erin").get("/api/v1/experiments/" + id).then().statusCode(200)
                .body("successMetrics[0].name", equalTo("click")).body("successMetrics[0].kind", equalTo("RATIO"));

        erin.get("/ui/experiments/new");
        String refused = erin.post("/ui/experiments", "name", "odd-kind", "task", TASK + "-page", "control", "1",
                "treatment", "2", "successMetric", "click", "successKind", "MEDIAN").then().statusCode(400)
                .extract().asString();
        assertThat(refused).contains("(success metric kind): must be one of [PROPORTION, MEAN, RATIO]");
        as("erin").get("/api/v1/experiments").then().body("name", org.hamcrest.Matchers.not(
                org.hamcrest.Matchers.hasItem("odd-kind")));
    }

    /**
     * A RUNNING two-arm experiment on {@code task} (control version 1 released, treatment version 2 approved, prompts
     * from {@code seed} and the next): success metrics purchase (PROPORTION) and click (RATIO), guardrails spend and
     * balance (MEAN).
     */
    static long runningExperiment(String task, String name, int seed) {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, seed));
        Api.approved(task, TestArtifacts.prompt(ENCODER, task, seed + 1));
        long id = as("erin").contentType("application/json").body(Map.of("name", name, "task", task,
                        "plannedPerArm", 200,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5)),
                        "successMetrics", List.of(
                                Map.of("name", "purchase", "kind", "PROPORTION", "direction", "HIGHER_IS_BETTER"),
                                Map.of("name", "click", "kind", "RATIO", "direction", "HIGHER_IS_BETTER")),
                        "guardrails", List.of(Map.of("name", "spend", "kind", "MEAN", "direction", "HIGHER_IS_BETTER",
                                "margin", 0.5, "marginType", "RELATIVE"), Map.of("name", "balance", "kind", "MEAN",
                                "direction", "HIGHER_IS_BETTER", "margin", 0.5, "marginType", "RELATIVE"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
        as("erin").contentType("application/json").body(Map.of("reason", "per-unit test"))
                .post("/api/v1/experiments/" + id + "/start").then().statusCode(200);
        return id;
    }

    private void assertResultsMatch(long id, Map<String, Unit> units, long inTwoArms) {
        JsonPath r = as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath().using(DOUBLES);
        assertThat(r.getLong("unitsInMoreThanOneArm")).isEqualTo(inTwoArms);
        long[] perArm = new long[2];
        for (int a = 0; a < 2; a++) {
            String arm = a == 0 ? "control" : "treatment";
            List<Unit> in = units.values().stream().filter(u -> u.arm.equals(arm)).toList();
            perArm[a] = in.size();
            String at = "arms[" + a + "].";
            assertThat(r.getLong(at + "units")).as(arm + " units").isEqualTo(in.size());
            assertThat(r.getLong(at + "exposures")).isEqualTo(in.stream().mapToLong(u -> u.exposures).sum());

            // PROPORTION: the share of units that purchased (every fourth unit, once), n = units
            long purchased = in.stream().filter(u -> u.purchased).count();
            assertThat(r.getDouble(at + "metrics.purchase.estimate")).isCloseTo((double) purchased / in.size(), within(1e-12));
            assertThat(r.getLong(at + "metrics.purchase.count")).isEqualTo(in.size());

            // MEAN: the mean of per-unit totals, with their sample variance
            double mean = in.stream().mapToDouble(u -> u.spend).average().orElseThrow();
            double variance = in.stream().mapToDouble(u -> (u.spend - mean) * (u.spend - mean)).sum() / (in.size() - 1);
            assertThat(r.getDouble(at + "metrics.spend.estimate")).isCloseTo(mean, within(1e-9));
            assertThat(r.getDouble(at + "metrics.spend.standardError"))
                    .isCloseTo(Math.sqrt(variance / in.size()), within(1e-9));

            // MEAN of large values: the same, to the estimate's last digits and the standard error's ninth
            double level = in.stream().mapToDouble(u -> u.balance).average().orElseThrow();
            double spread = in.stream().mapToDouble(u -> (u.balance - level) * (u.balance - level)).sum()
                    / (in.size() - 1);
            assertThat(spread).isPositive();
            assertThat(r.getDouble(at + "metrics.balance.estimate")).isCloseTo(level, within(1e-6));
            assertThat(r.getDouble(at + "metrics.balance.standardError"))
                    .isCloseTo(Math.sqrt(spread / in.size()), within(1e-9));

            // RATIO: clicks per exposure, the delta method over units
            double clicks = in.stream().mapToDouble(u -> u.clicks).sum();
            double shown = in.stream().mapToDouble(u -> u.exposures).sum();
            double ratio = clicks / shown;
            double meanShown = shown / in.size();
            double linearised = in.stream().mapToDouble(u -> Math.pow((u.clicks - ratio * u.exposures) / meanShown, 2))
                    .sum() / (in.size() - 1);
            assertThat(r.getDouble(at + "metrics.click.estimate")).isCloseTo(ratio, within(1e-12));
            assertThat(r.getDouble(at + "metrics.click.standardError"))
                    .isCloseTo(Math.sqrt(linearised / in.size()), within(1e-9));
            assertThat(r.getLong(at + "metrics.click.count")).isEqualTo(in.size());
        }
        // SRM on units: chi-square of the units per arm against 50/50
        double expected = (perArm[0] + perArm[1]) / 2.0;
        assertThat(r.getDouble("srm.chiSquare")).isCloseTo(
                Math.pow(perArm[0] - expected, 2) / expected + Math.pow(perArm[1] - expected, 2) / expected, within(1e-9));

        // The time series reads the same units: its last point is the results
        JsonPath s = as("dave").get("/api/v1/experiments/" + id + "/results/timeseries?buckets=5").then()
                .statusCode(200).extract().jsonPath().using(DOUBLES);
        for (String metric : List.of("purchase", "click", "spend", "balance")) {
            for (int a = 0; a < 2; a++) {
                Map<String, Object> last = s.getMap("metrics.find { it.metric == '" + metric + "' }.arms[" + a
                        + "].points[-1]");
                String cell = "arms[" + a + "].metrics." + metric;
                assertThat(((Number) last.get("units")).longValue()).as(cell).isEqualTo(r.getLong("arms[" + a + "].units"));
                assertThat(((Number) last.get("exposures")).longValue()).as(cell)
                        .isEqualTo(r.getLong("arms[" + a + "].exposures"));
                assertThat(((Number) last.get("estimate")).doubleValue()).as(cell)
                        .isCloseTo(r.getDouble(cell + ".estimate"), within(1e-9));
                assertThat(((Number) last.get("upper")).doubleValue()).as(cell)
                        .isCloseTo(r.getDouble(cell + ".interval.upper"), within(1e-9));
            }
        }
    }

    /** Stores an exposure of {@code unit} in {@code arm}, as a client bug would have it served, readable once returned. */
    protected void exposureInOtherArm(long experiment, String unit, String arm) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, prompt_version_id, scored_at, "
                        + "candidates, score_first, score_mean, score_max) SELECT ?, t.id, ?, ?, ?, a.prompt_version_id, "
                        + "CURRENT_TIMESTAMP, 1, 0.5, 0.5, 0.5 FROM task t JOIN experiment_arm a ON a.experiment_id = ? "
                        + "AND a.name = ? WHERE t.name = ?")) {
            p.setString(1, "moved-" + unit);
            p.setLong(2, experiment);
            p.setString(3, arm);
            p.setString(4, unit);
            p.setLong(5, experiment);
            p.setString(6, arm);
            p.setString(7, TASK);
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
    }
}
