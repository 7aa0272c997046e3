package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

/**
 * Results over time on PostgreSQL, against a small case computed by hand: exposures and KPI events written with
 * chosen timestamps, two buckets, a rate and a mean (one exposure with two events, one event that arrived before its
 * exposure, one event of a request outside the experiment).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class TimeSeriesServiceTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final double Z95 = 1.959963984540054;
    /** Rest Assured reads decimals as float by default: too coarse for the comparisons below. */
    static final JsonPathConfig DOUBLES = new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE);

    @Inject
    DataSource dataSource;

    @Test
    void shouldComputeCumulativeArmEstimatesPerBucketAsComputedByHand() throws SQLException {
        String task = "timeseries";
        long id = experiment(task, "timeseries-hand");
        exposure(task, id, "control", "c1", 0);
        exposure(task, id, "control", "c2", 10);
        exposure(task, id, "control", "c3", 70);
        exposure(task, id, "treatment", "t1", 5);
        exposure(task, id, "treatment", "t2", 65);
        exposure(task, id, "treatment", "t3", 80);
        event("c1", "conversion", 1, 20);
        event("t1", "conversion", 1, 90);
        event("t3", "conversion", 1, 100);
        event("c1", "revenue", 2, 30);
        event("c1", "revenue", 3, 60);   // c1's total: 2 in bucket 0, 5 in bucket 1 (its square 25, not 4 + 9)
        event("c2", "revenue", 4, 3);    // arrived before its exposure (10 s): counts from 10 s
        event("t1", "revenue", 1, 40);
        event("elsewhere", "conversion", 1, 500);  // no exposure of this experiment: neither counted nor extends the span

        JsonPath s = as("dave").get("/api/v1/experiments/" + id + "/results/timeseries?buckets=2").then()
                .statusCode(200).extract().jsonPath().using(DOUBLES);
        assertThat(s.getInt("buckets")).isEqualTo(2);
        assertThat(s.getString("from")).isEqualTo(T0.toString());
        assertThat(s.getString("to")).isEqualTo(T0.plusSeconds(100).toString());

        // conversion (rate): control 1/2 then 1/3; treatment 0/1 then 2/3. Buckets end at 50 s and 100 s.
        Map<String, Object> c0 = point(s, "conversion", 0, 0);
        assertThat(c0.get("at")).isEqualTo(T0.plusSeconds(50).toString());
        assertThat(c0.get("exposures")).isEqualTo(2);
        assertThat(num(c0, "estimate")).isEqualTo(0.5);
        // Wilson, n = 2, p = 1/2: centre 1/2, half-width z / (1 + z^2/2) * sqrt(1/8 + z^2/16)
        double half = Z95 / (1 + Z95 * Z95 / 2) * Math.sqrt(1.0 / 8 + Z95 * Z95 / 16);
        assertThat(num(c0, "lower")).isCloseTo(0.5 - half, within(1e-9));
        assertThat(num(c0, "upper")).isCloseTo(0.5 + half, within(1e-9));
        assertThat(num(c0, "lower")).isCloseTo(0.0945, within(1e-4));
        Map<String, Object> t0 = point(s, "conversion", 1, 0);
        assertThat(t0.get("exposures")).isEqualTo(1);
        assertThat(num(t0, "estimate")).isEqualTo(0.0);
        assertThat(num(t0, "lower")).isEqualTo(0.0);
        assertThat(num(t0, "upper")).isCloseTo(Z95 * Z95 / (1 + Z95 * Z95), within(1e-9));  // Wilson, n = 1, p = 0
        assertThat(point(s, "conversion", 0, 1).get("exposures")).isEqualTo(3);
        assertThat(num(point(s, "conversion", 0, 1), "estimate")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(num(point(s, "conversion", 1, 1), "estimate")).isCloseTo(2.0 / 3, within(1e-12));

        // revenue (mean): control [2, 4] -> mean 3, variance 2; then [5, 4, 0] -> mean 3, variance (41 - 27) / 2 = 7
        Map<String, Object> r0 = point(s, "revenue", 0, 0);
        assertThat(num(r0, "estimate")).isCloseTo(3.0, within(1e-12));
        assertThat(num(r0, "upper") - num(r0, "estimate")).isCloseTo(Z95 * Math.sqrt(2.0 / 2), within(1e-9));
        Map<String, Object> r1 = point(s, "revenue", 0, 1);
        assertThat(num(r1, "estimate")).isCloseTo(3.0, within(1e-12));
        assertThat(num(r1, "upper") - num(r1, "estimate")).isCloseTo(Z95 * Math.sqrt(7.0 / 3), within(1e-9));
        // treatment: one exposure in bucket 0 (a mean needs two), then [1, 0, 0] -> 1/3, variance 1/3
        assertThat(point(s, "revenue", 1, 0).get("estimate")).isNull();
        Map<String, Object> tr1 = point(s, "revenue", 1, 1);
        assertThat(num(tr1, "estimate")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(num(tr1, "upper") - num(tr1, "estimate")).isCloseTo(Z95 * Math.sqrt(1.0 / 9), within(1e-9));

        // the always-valid difference: known, but unbounded below 100 units per arm (as on the results page)
        Map<String, Object> d = s.getMap("metrics.find { it.metric == 'conversion' }.differences[0].points[1]");
        assertThat(num(d, "difference")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(d.get("lower")).isNull();
        assertThat(d.get("enoughData")).isEqualTo(false);

        // the last point is the current results
        JsonPath results = as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath().using(DOUBLES);
        for (int arm = 0; arm < 2; arm++) {
            for (String metric : List.of("conversion", "revenue")) {
                Map<String, Object> last = point(s, metric, arm, 1);
                String cell = "arms[" + arm + "].metrics." + metric;
                assertThat(num(last, "estimate")).as(cell).isCloseTo(results.getDouble(cell + ".estimate"), within(1e-12));
                assertThat(num(last, "lower")).as(cell).isCloseTo(results.getDouble(cell + ".interval.lower"), within(1e-12));
                assertThat(num(last, "upper")).as(cell).isCloseTo(results.getDouble(cell + ".interval.upper"), within(1e-12));
            }
        }

        // one bucket: the whole span, equal to the last point above
        JsonPath one = as("erin").get("/api/v1/experiments/" + id + "/results/timeseries?buckets=1").then()
                .statusCode(200).extract().jsonPath().using(DOUBLES);
        assertThat(num(one.getMap("metrics.find { it.metric == 'conversion' }.arms[1].points[0]"), "estimate"))
                .isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void shouldAnswerEmptySeriesBeforeTheFirstExposureAndRefuseBadInput() {
        String task = "timeseries-empty";
        long id = experiment(task, "timeseries-empty");
        as("carol").get("/api/v1/experiments/" + id + "/results/timeseries").then().statusCode(200)
                .body("buckets", equalTo(0)).body("from", equalTo(null))
                .body("metrics[0].arms[0].points.size()", equalTo(0));
        for (String bad : List.of("0", "201", "-3", "many")) {
            as("erin").get("/api/v1/experiments/" + id + "/results/timeseries?buckets=" + bad).then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("buckets"));
        }
        as("erin").get("/api/v1/experiments/" + id + "/results/timeseries?buckets=99999999999").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.endsWith("got 99999999999"));
        as("erin").get("/api/v1/experiments/abc/results/timeseries").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("id"));
        as("erin").get("/api/v1/experiments/999999/results/timeseries").then().statusCode(404)
                .contentType("application/problem+json");
        as("alice").get("/api/v1/experiments/" + id + "/results/timeseries").then().statusCode(403);
        Api.as(null).get("/api/v1/experiments/" + id + "/results/timeseries").then().statusCode(401);
        as("erin").get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/experiments/{id}/results/timeseries'.get.responses.keySet()",
                        org.hamcrest.Matchers.hasItems("200", "400", "404"));
    }

    private long experiment(String task, String name) {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 301));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 302));
        return as("erin").contentType("application/json").body(Map.of("name", name, "task", task,
                        "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                                Map.of("name", "treatment", "version", v2, "weight", 0.5)),
                        "successMetrics", List.of(Map.of("name", "conversion", "kind", "PROPORTION",
                                "direction", "HIGHER_IS_BETTER")),
                        "guardrails", List.of(Map.of("name", "revenue", "kind", "MEAN", "direction", "HIGHER_IS_BETTER",
                                "margin", 0.1, "marginType", "RELATIVE"))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private void exposure(String task, long experiment, String arm, String request, int second) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, prompt_version_id, scored_at, "
                        + "candidates, score_first, score_mean, score_max) SELECT ?, t.id, ?, ?, ?, a.prompt_version_id, ?, "
                        + "1, 0.5, 0.5, 0.5 FROM task t JOIN experiment_arm a ON a.experiment_id = ? AND a.name = ? "
                        + "WHERE t.name = ?")) {
            p.setString(1, "ts-" + request);
            p.setLong(2, experiment);
            p.setString(3, arm);
            p.setString(4, "unit-" + request);
            p.setTimestamp(5, Timestamp.from(T0.plusSeconds(second)));
            p.setLong(6, experiment);
            p.setString(7, arm);
            p.setString(8, task);
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
    }

    private void event(String request, String metric, double value, int second) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO kpi_event (event_id, request_id, metric, metric_value, received_at) VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, "ts-" + request + "-" + metric + "-" + second);
            p.setString(2, "ts-" + request);
            p.setString(3, metric);
            p.setDouble(4, value);
            p.setTimestamp(5, Timestamp.from(T0.plusSeconds(second)));
            assertThat(p.executeUpdate()).isEqualTo(1);
        }
    }

    private static Map<String, Object> point(JsonPath s, String metric, int arm, int bucket) {
        return s.getMap("metrics.find { it.metric == '" + metric + "' }.arms[" + arm + "].points[" + bucket + "]");
    }

    private static double num(Map<String, Object> point, String field) {
        return ((Number) point.get(field)).doubleValue();
    }
}
