package io.mptrec.governance.ab;

import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.analysis.ExperimentResults;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.guardrail.service.GuardrailService;
import io.mptrec.ab.results.service.ResultsService;
import io.mptrec.ab.serving.Exposure;
import io.mptrec.ab.serving.service.ExposureWriter;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 12, part 3: hostile or broken KPI data cannot break an experiment. Values beyond the limit and text the
 * database cannot store are refused at the edge with the field; a row that still reaches the exposure writer and can
 * never be stored is dead-lettered without blocking the rows behind it; a guardrail evaluation that fails for one
 * experiment is counted and audited once, and the others are still evaluated (and paused on a breach).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostileInputTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @Inject
    DataSource dataSource;

    @Inject
    ExposureWriter writer;

    @Inject
    GuardrailService guardrails;

    @Inject
    ResultsService results;

    @Inject
    MeterRegistry meters;

    @Test
    void shouldRefuseKpiValuesBeyondTheLimitAndStoreNothingOfTheBatch() {
        for (Object hostile : List.of(1e155, -1e155, 1.0e9 + 1)) {
            as("erin").contentType("application/json").body(Map.of("events", List.of(
                            Map.of("eventId", "big-ok-" + hostile, "requestId", "r", "metric", "spend", "value", 1),
                            Map.of("eventId", "big-" + hostile, "requestId", "r", "metric", "spend", "value", hostile))))
                    .post("/api/v1/events/kpi").then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo("events[1].value"));
        }
        assertThat(count("SELECT COUNT(*) FROM kpi_event WHERE event_id LIKE 'big-%'")).isZero();
        as("erin").contentType("application/json").body(Map.of("events", List.of(
                        Map.of("eventId", "limit-1", "requestId", "r", "metric", "spend", "value", 1.0e9),
                        Map.of("eventId", "limit-2", "requestId", "r", "metric", "spend", "value", -1.0e9))))
                .post("/api/v1/events/kpi").then().statusCode(200).body("stored", equalTo(2));
    }

    @Test
    void shouldRefuseCovariatesBeyondTheLimitAndStoreNothingOfTheBatch() {
        long id = experiment("hostile-cov", "hostile-cov-ab", "spend");
        as("erin").contentType("application/json").body(Map.of("covariates", List.of(
                        Map.of("unitId", "u1", "metric", "spend", "value", 3),
                        Map.of("unitId", "u2", "metric", "spend", "value", 1e155))))
                .post("/api/v1/experiments/" + id + "/covariates").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("covariates[1].value"));
        as("erin").contentType("application/json").body(Map.of("covariates", List.of(
                        Map.of("unitId", "u\u0000", "metric", "spend", "value", 3))))
                .post("/api/v1/experiments/" + id + "/covariates").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("covariates[0].unitId"));
        // a metric that is no name is refused as such, never quoted back (its control characters, its length)
        for (String metric : List.of("a\u0000\u001b[31mRED", "a\ud800", "<img src=x>" + "A".repeat(100_000))) {
            String body = as("erin").contentType("application/json").body(Map.of("covariates", List.of(
                            Map.of("unitId", "u1", "metric", metric, "value", 3))))
                    .post("/api/v1/experiments/" + id + "/covariates").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("covariates[0].metric"))
                    .body("detail", equalTo("covariates[0].metric must match [a-z][a-z0-9_-]{0,63}"))
                    .extract().asString();
            assertThat(body).hasSizeLessThan(500);
        }
        assertThat(count("SELECT COUNT(*) FROM experiment_covariate WHERE experiment_id = " + id)).isZero();

        // the experiment's own stored text: a reason (line breaks allowed) and the salt
        as("erin").contentType("application/json").body(Map.of("reason", "why\u0000"))
                .post("/api/v1/experiments/" + id + "/start").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("reason"));
        as("erin").contentType("application/json").body(Map.of("reason", "r".repeat(4001)))
                .post("/api/v1/experiments/" + id + "/start").then().statusCode(400).body("field", equalTo("reason"));
        as("erin").contentType("application/json").body(Map.of("reason", "first line\nsecond line"))
                .post("/api/v1/experiments/" + id + "/start").then().statusCode(200);
        as("erin").contentType("application/json").body(Map.of("reason", "\u001b[31m"))
                .post("/api/v1/experiments/" + id + "/pause").then().statusCode(400).body("field", equalTo("reason"));
        as("erin").contentType("application/json").body(Map.of("name", "hostile-salt", "task", "hostile-cov",
                        "salt", "s\u0000", "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(400).body("field", equalTo("salt"));
    }

    @Test
    void shouldRefuseControlCharactersAndOverlongTextInEveryTextFieldNamingIt() {
        String task = "hostile-text";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 151));
        Map<String, String> row = Map.of("age", "40", "sex", "f");
        score(Map.of("task", task, "unitId", "nul\u0000unit", "rows", List.of(row)), "unitId");
        score(Map.of("task", task, "unitId", "bell\u0007", "rows", List.of(row)), "unitId");
        score(Map.of("task", task, "unitId", "x".repeat(201), "rows", List.of(row)), "unitId");
        score(Map.of("task", task, "unitId", "u", "rows", List.of(row, Map.of("age", "4\u00000"))), "rows[1].age");
        score(Map.of("task", task, "unitId", "u", "rows", List.of(Map.of("ag\u0000e", "40"))), "rows[0]");
        // a later row's name, where the row before had another; a value past the first row's names; a lone surrogate
        score(Map.of("task", task, "unitId", "u", "rows", List.of(row, Map.of("ag\u0000e", "40"))), "rows[1]");
        score(Map.of("task", task, "unitId", "u", "rows", List.of(row, row, Map.of("age", "40", "sex", "\u0085"))),
                "rows[2].sex");
        score(Map.of("task", task, "unitId", "u", "columns", Map.of("sex", List.of("f", "m", "\ud800x"))),
                "columns.sex[2]");
        score(Map.of("task", task, "unitId", "u", "columns", Map.of("sex", List.of("f", "m\u001b"))), "columns.sex[1]");
        score(Map.of("task", task, "unitId", "u", "columns", Map.of("s\u0000ex", List.of("f"))), "columns");
        score(Map.of("task", "hostile\u0000", "unitId", "u", "rows", List.of(row)), "task");
        // a unit id and candidates' values with ordinary non-ASCII text are fine
        as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "u", "columns",
                Map.of("sex", List.of("f", "Zoë")))).post("/api/v1/score").then().statusCode(200);
        as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "Zoë-日本", "rows", List.of(row)))
                .post("/api/v1/score").then().statusCode(200);

        kpi(Map.of("eventId", "e\u0000", "requestId", "r", "metric", "spend", "value", 1), "events[0].eventId");
        kpi(Map.of("eventId", "e1", "requestId", "r\u0000", "metric", "spend", "value", 1), "events[0].requestId");
        kpi(Map.of("eventId", "e1", "requestId", "r", "metric", "sp\u0000end", "value", 1), "events[0].metric");
        kpi(Map.of("eventId", "e".repeat(101), "requestId", "r", "metric", "spend", "value", 1), "events[0].eventId");
        kpi(Map.of("eventId", "e1", "requestId", "r".repeat(65), "metric", "spend", "value", 1), "events[0].requestId");
        assertThat(count("SELECT COUNT(*) FROM kpi_event WHERE event_id = 'e1'")).isZero();
    }

    /**
     * A row that PostgreSQL refuses (NUL in a text column, which the edge now refuses: written here straight to the
     * writer) goes to the dead-letter table, counted, and the exposures queued behind it are stored.
     */
    @Test
    void shouldDeadLetterAnExposureTheDatabaseRefusesWithoutBlockingTheOthers() throws Exception {
        String task = "hostile-writer";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 161));
        as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "warm",
                "rows", List.of(Map.of("age", "40")))).post("/api/v1/score").then().statusCode(200);
        writer.awaitStored();
        long taskId = count("SELECT id FROM task WHERE name = '" + task + "'");
        long versionId = count("SELECT p.id FROM prompt_version p WHERE p.task_id = " + taskId);
        double deadBefore = deadLetters();

        String bad = "bad-" + UUID.randomUUID();
        writer.write(exposure(bad, taskId, versionId, "nul\u0000unit"));
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "good-" + UUID.randomUUID();
            good.add(id);
            writer.write(exposure(id, taskId, versionId, "unit-" + i));
        }
        writer.awaitStored();

        assertThat(count("SELECT COUNT(*) FROM exposure WHERE request_id LIKE 'good-%' AND task_id = " + taskId))
                .as("every exposure behind the bad one is stored").isEqualTo(20);
        assertThat(count("SELECT COUNT(*) FROM exposure WHERE request_id = '" + bad + "'")).isZero();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT sql_state, error, exposure FROM exposure_dead_letter WHERE request_id = ?")) {
            s.setString(1, bad);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("the refused row is in the dead-letter table").isTrue();
                assertThat(r.getString(1)).startsWith("22");
                assertThat(r.getString(3)).contains("nul\\u0000unit").contains("\"taskId\":" + taskId);
                assertThat(r.next()).isFalse();
            }
        }
        assertThat(deadLetters() - deadBefore).isEqualTo(1.0);
        // and the writer goes on: a later request's exposure is stored
        String later = as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "later",
                "rows", List.of(Map.of("age", "40")))).post("/api/v1/score").then().statusCode(200)
                .extract().path("requestId");
        writer.awaitStored();
        assertThat(count("SELECT COUNT(*) FROM exposure WHERE request_id = '" + later + "'")).isEqualTo(1);
    }

    /**
     * A failure that is not about the rows (here the exposure table is missing for a moment, 42P01) is still retried in
     * order until it commits: nothing is dead-lettered and nothing lost.
     */
    @Test
    void shouldRetryAFailureThatIsNotAboutTheRowsUntilEveryExposureIsStored() throws Exception {
        String task = "hostile-retry";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 165));
        long taskId = count("SELECT id FROM task WHERE name = '" + task + "'");
        long versionId = count("SELECT id FROM prompt_version WHERE task_id = " + taskId);
        writer.awaitStored();
        double deadBefore = deadLetters();
        execute("ALTER TABLE exposure RENAME TO exposure_away");
        try {
            for (int i = 0; i < 10; i++) {
                writer.write(exposure("retry-" + i, taskId, versionId, "unit-" + i));
            }
            Thread.sleep(1_500); // at least one failed attempt
            assertThat(count("SELECT COUNT(*) FROM exposure_away WHERE request_id LIKE 'retry-%'"))
                    .as("nothing stored while the table is away").isZero();
        } finally {
            execute("ALTER TABLE exposure_away RENAME TO exposure");
        }
        writer.awaitStored();
        assertThat(count("SELECT COUNT(*) FROM exposure WHERE request_id LIKE 'retry-%'")).isEqualTo(10);
        assertThat(deadLetters()).isEqualTo(deadBefore);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.execute();
        }
    }

    /**
     * An absurd KPI value inserted with SQL (bypassing the edge) leaves every experiment endpoint answering. Then one
     * RUNNING experiment whose evaluation fails, one in breach of its guardrail: the scheduled sweep pauses the second,
     * and counts and audits the first once, however many sweeps fail on it.
     */
    @Test
    void shouldPauseAnExperimentInBreachWhenAnotherOnesEvaluationFails() throws Exception {
        long broken = experiment("hostile-broken", "hostile-broken-ab", null);
        long breach = experiment("hostile-breach", "hostile-breach-ab", null);
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + broken + "/start")
                .then().statusCode(200);
        as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + breach + "/start")
                .then().statusCode(200);
        Random random = new Random(12);
        insertUnits(broken, "hostile-broken", 150, random, (arm, i) -> i == 0 && arm.equals("treatment") ? 1e155 : 1.0);
        insertUnits(breach, "hostile-breach", 300, random,
                (arm, i) -> (arm.equals("control") ? 1.0 : 5.0) + random.nextGaussian() * 0.2);

        // A value beyond the limit, written behind the API's back, is left out of the statistics: every experiment
        // endpoint still answers for this experiment.
        JsonPath left = new JsonPath(as("dave").get("/api/v1/experiments/" + broken + "/results").then().statusCode(200)
                .extract().asString()).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        assertThat(left.getLong("arms[1].units")).isEqualTo(150);
        assertThat(left.getDouble("arms[1].metrics.latency.estimate")).isCloseTo(149.0 / 150, within(1e-12));
        as("dave").get("/api/v1/experiments/" + broken + "/results/timeseries").then().statusCode(200);
        as("erin").contentType("application/json").post("/api/v1/experiments/" + broken + "/guardrails/evaluate")
                .then().statusCode(200);
        // To prove that the sweep isolates a failing experiment, make this one's evaluation fail another way.
        ResultsService real = ClientProxy.unwrap(results);
        QuarkusMock.installMockForType(new ResultsService(null, null, null, null) {
            @Override
            public ExperimentResults results(Experiment e) {
                if (e.id == broken) {
                    throw new IllegalStateException("injected failure of experiment " + broken);
                }
                return real.results(e);
            }
        }, ResultsService.class);
        double failuresBefore = meters.counter("mptrec.guardrails.failures").count();

        GuardrailService.Sweep first = guardrails.evaluateRunning();
        GuardrailService.Sweep second = guardrails.evaluateRunning();

        assertThat(first.failed()).contains(broken);
        assertThat(second.failed()).contains(broken);
        as("erin").get("/api/v1/experiments/" + breach).then().statusCode(200).body("status", equalTo("PAUSED"));
        as("erin").get("/api/v1/experiments/" + broken).then().statusCode(200).body("status", equalTo("RUNNING"));
        assertThat(meters.counter("mptrec.guardrails.failures").count() - failuresBefore).isGreaterThanOrEqualTo(2.0);
        as("dave").get("/api/v1/audit?task=hostile-broken&action=GUARDRAIL_ERROR&size=50").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].actor", equalTo("system"));
        as("dave").get("/api/v1/audit?task=hostile-breach&action=GUARDRAIL_PAUSE&size=50").then().statusCode(200)
                .body("total", equalTo(1));
    }

    private interface Value {
        double of(String arm, int unit);
    }

    /** Exposures of both arms and one {@code latency} event per exposure, straight into the tables. */
    private void insertUnits(long experiment, String task, int perArm, Random random, Value value) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            long taskId;
            Map<String, Long> versions = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT a.name, a.prompt_version_id, e.task_id "
                    + "FROM experiment_arm a JOIN experiment e ON e.id = a.experiment_id WHERE e.id = ?")) {
                s.setLong(1, experiment);
                try (ResultSet r = s.executeQuery()) {
                    long t = 0;
                    while (r.next()) {
                        versions.put(r.getString(1), r.getLong(2));
                        t = r.getLong(3);
                    }
                    taskId = t;
                }
            }
            try (PreparedStatement x = c.prepareStatement("INSERT INTO exposure (request_id, task_id, experiment_id, "
                    + "arm, unit_id, prompt_version_id, scored_at, candidates, score_first, score_mean, score_max) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0.5, 0.5, 0.5)");
                 PreparedStatement k = c.prepareStatement("INSERT INTO kpi_event (event_id, request_id, metric, "
                         + "metric_value, received_at) VALUES (?, ?, 'latency', ?, ?)")) {
                for (String arm : List.of("control", "treatment")) {
                    for (int i = 0; i < perArm; i++) {
                        String request = task + "-" + arm + "-" + i;
                        x.setString(1, request);
                        x.setLong(2, taskId);
                        x.setLong(3, experiment);
                        x.setString(4, arm);
                        x.setString(5, request);
                        x.setLong(6, versions.get(arm));
                        x.setObject(7, Instant.now().atOffset(java.time.ZoneOffset.UTC));
                        x.addBatch();
                        k.setString(1, "ev-" + request);
                        k.setString(2, request);
                        k.setDouble(3, value.of(arm, i));
                        k.setObject(4, Instant.now().atOffset(java.time.ZoneOffset.UTC));
                        k.addBatch();
                    }
                }
                x.executeBatch();
                k.executeBatch();
            }
        }
    }

    /** A task with two versions and a DRAFT experiment between them, with a {@code latency} guardrail. */
    private static long experiment(String task, String name, String successMetric) {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 171));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 172));
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "task", task,
                "arms", List.of(Map.of("name", "control", "version", v1, "weight", 0.5),
                        Map.of("name", "treatment", "version", v2, "weight", 0.5)),
                "guardrails", List.of(Map.of("name", "latency", "kind", "MEAN", "direction", "LOWER_IS_BETTER",
                        "margin", 0.1, "marginType", "ABSOLUTE"))));
        if (successMetric != null) {
            body.put("successMetrics", List.of(Map.of("name", successMetric, "kind", "MEAN",
                    "direction", "HIGHER_IS_BETTER")));
        }
        return as("erin").contentType("application/json").body(body).post("/api/v1/experiments").then()
                .statusCode(201).extract().jsonPath().getLong("id");
    }

    /** An exposure as the serving path builds it (one candidate, score 0.5), for handing to the writer directly. */
    static Exposure exposure(String requestId, long taskId, long versionId, String unitId) {
        Exposure e = new Exposure();
        e.requestId = requestId;
        e.taskId = taskId;
        e.unitId = unitId;
        e.promptVersionId = versionId;
        e.scoredAt = Instant.now();
        e.candidates = 1;
        e.scoreFirst = 0.5;
        e.scoreMean = 0.5;
        e.scoreMax = 0.5;
        return e;
    }

    private double deadLetters() {
        return meters.find("mptrec.exposures.dead.letters").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void score(Map<String, Object> body, String field) {
        as("erin").contentType("application/json").body(body).post("/api/v1/score").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo(field));
    }

    private static void kpi(Map<String, Object> event, String field) {
        as("erin").contentType("application/json").body(Map.of("events", List.of(event)))
                .post("/api/v1/events/kpi").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
