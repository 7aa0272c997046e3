package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.registry.api.VersionStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.transition;
import static io.mptrec.governance.Api.uploadPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Only reviewed versions get live traffic (issue 12): every status of the treatment arm's version x a live start by
 * the experimenter, a pilot, and an admin bypass, through the API; the experiment pauses when a version it serves is
 * rejected, retired or rolled back; a rollback arm (the version production held before) may take live traffic.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class LiveTrafficTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @Inject
    DataSource dataSource;
    /** The registry's rule: these statuses may take live traffic (RETIRED: it was production before). */
    static final Set<VersionStatus> ALLOWED = EnumSet.of(VersionStatus.APPROVED, VersionStatus.RELEASED,
            VersionStatus.RETIRED);
    static final Map<String, String> ROW = Map.of("age", "40", "sex", "f");

    enum Path { LIVE_START, PILOT, ADMIN_BYPASS }

    /** control and treatment version numbers, and the version production points to. */
    record Arms(int control, int treatment, int production) {
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (VersionStatus status : VersionStatus.values()) {
            for (Path path : Path.values()) {
                cases.add(Arguments.of(status, path));
            }
        }
        return cases.stream();
    }

    @BeforeEach
    void registerEncoder() {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
    }

    @ParameterizedTest(name = "treatment {0}, {1}")
    @MethodSource("cases")
    void shouldLetOnlyReviewedVersionsTakeLiveTraffic(VersionStatus status, Path path) {
        String task = ("lt-" + status + "-" + path).toLowerCase(Locale.ROOT).replace('_', '-');
        Arms arms = arms(task, status);
        as("erin").get("/api/v1/tasks/" + task + "/versions/" + arms.treatment()).then().statusCode(200)
                .body("status", equalTo(status.name()));
        long id = create(task, arms);
        boolean allowed = ALLOWED.contains(status);

        switch (path) {
            case LIVE_START -> {
                var start = start("erin", id, "{\"reason\":\"go live\"}");
                if (allowed) {
                    start.then().statusCode(200).body("status", equalTo("RUNNING"))
                            .body("liveTrafficBypass", equalTo(false));
                    assertServed(task, "experiment", arms.treatment());
                } else {
                    start.then().statusCode(409).contentType("application/problem+json")
                            .body("type", equalTo("/problems/unreviewed-arm"))
                            .body("detail", containsString("arm 'treatment' serves version " + arms.treatment()
                                    + ", which is " + status))
                            .body("detail", containsString("APPROVED, RELEASED, or RETIRED after it was production"));
                    as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("DRAFT"));
                    assertServed(task, "production", arms.production());
                }
            }
            case PILOT -> {
                as("erin").contentType("application/json")
                        .body(Map.of("rows", 20, "ratePerSecond", 0, "seed", 3, "label", "income"))
                        .post("/api/v1/experiments/" + id + "/pilot").then().statusCode(202)
                        .body("state", equalTo("RUNNING"));
                awaitPilot(id);
                JsonPath results = as("erin").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                        .extract().jsonPath();
                assertThat(results.getLong("arms[1].exposures")).as("every pilot row scored by the treatment")
                        .isEqualTo(20);
                as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("DRAFT"));
                assertServed(task, "production", arms.production());
                assertThat(audit(task, "PILOT_START")).isNotEmpty();
            }
            case ADMIN_BYPASS -> {
                if (allowed) {
                    start("admin", id, "{\"reason\":\"no bypass needed\"}").then().statusCode(200)
                            .body("liveTrafficBypass", equalTo(false));
                    assertThat(audit(task, "EXPERIMENT_START")).singleElement()
                            .satisfies(e -> assertThat(e.get("adminBypass")).isEqualTo(false));
                } else {
                    start("admin", id, "{}").then().statusCode(409)
                            .body("type", equalTo("/problems/bypass-needs-reason"))
                            .body("detail", containsString("which is " + status));
                    start("admin", id, "{\"reason\":\"measured risk, ticket 42\"}").then().statusCode(200)
                            .body("status", equalTo("RUNNING")).body("liveTrafficBypass", equalTo(true));
                    assertThat(audit(task, "EXPERIMENT_START")).singleElement().satisfies(e -> {
                        assertThat(e.get("adminBypass")).isEqualTo(true);
                        assertThat(e.get("actor")).isEqualTo("admin");
                        assertThat(e.get("reason")).isEqualTo("measured risk, ticket 42");
                    });
                }
                assertServed(task, "experiment", arms.treatment());
            }
            default -> throw new IllegalStateException();
        }
    }

    @Test
    void shouldPauseWhenAServedVersionIsRejectedAndRefuseToResumeWithoutABypass() {
        String task = "lt-rejected-while-running";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
        int v2 = submitted(task, 2);
        long id = create(task, new Arms(v1, v2, v1));
        start("admin", id, "{\"reason\":\"early look\"}").then().statusCode(200);
        assertServed(task, "experiment", v2);
        // widening the traffic of a RUNNING experiment asks again; narrowing does not
        ramp("erin", id, 0.5, "narrower").then().statusCode(200);
        ramp("erin", id, 1.0, "wider").then().statusCode(409).body("type", equalTo("/problems/unreviewed-arm"));
        ramp("admin", id, 1.0, "wider, still measured").then().statusCode(200).body("ramp", equalTo(1.0f));
        assertThat(audit(task, "EXPERIMENT_RAMP")).extracting(e -> e.get("adminBypass")).containsExactlyInAnyOrder(false, true);

        transition("bob", task, v2, "reject", "{\"comment\":\"not good enough\"}").then().statusCode(200);

        as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("PAUSED"))
                .body("liveTrafficBypass", equalTo(false));
        assertThat(audit(task, "WITHDRAWN_PAUSE")).singleElement().satisfies(e -> {
            assertThat(e.get("actor")).isEqualTo("system");
            assertThat((String) e.get("reason")).contains("version " + v2).contains("REJECTED").contains("bob");
        });
        assertServed(task, "paused", v1);
        start("erin", id, "{}").then().statusCode(409).body("type", equalTo("/problems/unreviewed-arm"))
                .body("detail", containsString("which is REJECTED"));
    }

    /** The release serves at once: the experiment it pauses routes nothing (it served its retired control before). */
    @Test
    void shouldPauseWhenTheControlIsRetiredByARelease() {
        String task = "lt-retired-while-running";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 2));
        int v3 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 3));
        long id = create(task, new Arms(v1, v2, v1));
        start("erin", id, "{}").then().statusCode(200);

        transition("carol", task, v3, "release", null).then().statusCode(200);

        as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("PAUSED"));
        assertThat(audit(task, "WITHDRAWN_PAUSE")).singleElement()
                .satisfies(e -> assertThat((String) e.get("reason")).contains("version " + v1).contains("RETIRED"));
        assertServed(task, "paused", v3);
        // a retired version was production before: the experimenter may resume without a bypass
        start("erin", id, "{}").then().statusCode(200).body("status", equalTo("RUNNING"));
        assertServed(task, "experiment", v2);
    }

    /**
     * The rollback arm: the version production held before (RETIRED) may take live traffic; rolling production back
     * makes the control ROLLED_BACK, which pauses the experiment: production serves everyone, and the experiment may
     * not resume without a bypass.
     */
    @Test
    void shouldRunARollbackArmAndServeProductionOnceItsControlIsRolledBack() {
        String task = "lt-rollback-arm";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
        int v2 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 2));
        long id = create(task, new Arms(v2, v1, v2));
        start("erin", id, "{}").then().statusCode(200);
        assertServed(task, "experiment", v1);

        as("carol").contentType("application/json").body("{\"reason\":\"v2 misbehaves\"}")
                .post("/api/v1/tasks/" + task + "/rollback").then().statusCode(200);

        as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("PAUSED"));
        assertThat(audit(task, "WITHDRAWN_PAUSE")).singleElement()
                .satisfies(e -> assertThat((String) e.get("reason")).contains("version " + v2).contains("ROLLED_BACK"));
        assertServed(task, "paused", v1);
        start("erin", id, "{}").then().statusCode(409).body("detail", containsString("arm 'control' serves version "
                + v2 + ", which is ROLLED_BACK"));
    }

    /**
     * Defence in depth: a RUNNING experiment whose arm lost its review behind the application's back (SQL, with the
     * task's stamp bumped, as the README asks of such a change) is withheld: its control serves every unit, outside
     * the analysis; production, once the control may not take live traffic either.
     */
    @Test
    void shouldWithholdARunningExperimentWhoseArmLostItsReviewBehindTheApplicationsBack() throws Exception {
        String task = "lt-withheld";
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 2));
        int v3 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 3));
        long id = create(task, new Arms(v2, v3, v2));
        start("erin", id, "{}").then().statusCode(200);
        assertServed(task, "experiment", v3);

        behindTheBack(task, v3, "REJECTED");
        assertServed(task, "withheld", v2);
        behindTheBack(task, v2, "REJECTED");
        assertServed(task, "withheld", v1);
        as("erin").get("/api/v1/experiments/" + id).then().body("status", equalTo("RUNNING"));
    }

    private void behindTheBack(String task, int number, String status) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement version = c.prepareStatement("UPDATE prompt_version SET status = ? "
                     + "WHERE number = ? AND task_id = (SELECT id FROM task WHERE name = ?)");
             PreparedStatement stamp = c.prepareStatement(
                     "UPDATE task SET row_version = row_version + 1 WHERE name = ?")) {
            version.setString(1, status);
            version.setInt(2, number);
            version.setString(3, task);
            assertThat(version.executeUpdate()).isEqualTo(1);
            stamp.setString(1, task);
            assertThat(stamp.executeUpdate()).isEqualTo(1);
        }
    }

    /** Sets up the treatment's version in the given status; the control is a version that may take live traffic. */
    private static Arms arms(String task, VersionStatus status) {
        return switch (status) {
            case DRAFT -> {
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
                int t = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, 2)).then().statusCode(201)
                        .extract().path("number");
                yield new Arms(c, t, c);
            }
            case IN_REVIEW -> {
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
                yield new Arms(c, submitted(task, 2), c);
            }
            case APPROVED -> {
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
                yield new Arms(c, Api.approved(task, TestArtifacts.prompt(ENCODER, task, 2)), c);
            }
            case REJECTED -> {
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
                int t = submitted(task, 2);
                transition("bob", task, t, "reject", "{\"comment\":\"no\"}").then().statusCode(200);
                yield new Arms(c, t, c);
            }
            case RELEASED -> {
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1)); // RETIRED by the next release
                int t = Api.released(task, TestArtifacts.prompt(ENCODER, task, 2));
                yield new Arms(c, t, t);
            }
            case RETIRED -> { // the rollback arm: production before
                int t = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 2));
                yield new Arms(c, t, c);
            }
            case ROLLED_BACK -> {
                int c = Api.released(task, TestArtifacts.prompt(ENCODER, task, 1));
                int t = Api.released(task, TestArtifacts.prompt(ENCODER, task, 2));
                as("carol").contentType("application/json").body("{\"reason\":\"back\"}")
                        .post("/api/v1/tasks/" + task + "/rollback").then().statusCode(200);
                yield new Arms(c, t, c);
            }
        };
    }

    private static int submitted(String task, long seed) {
        int t = uploadPrompt("alice", task, TestArtifacts.prompt(ENCODER, task, seed)).then().statusCode(201)
                .extract().path("number");
        transition("alice", task, t, "submit", null).then().statusCode(200);
        return t;
    }

    /** Every unit goes to the treatment (weight 1) once the experiment routes live traffic. */
    private static long create(String task, Arms arms) {
        return as("erin").contentType("application/json").body(Map.of("name", task, "task", task,
                        "arms", List.of(Map.of("name", "control", "version", arms.control(), "weight", 0.0),
                                Map.of("name", "treatment", "version", arms.treatment(), "weight", 1.0))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static io.restassured.response.Response start(String user, long id, String body) {
        return as(user).contentType("application/json").body(body).post("/api/v1/experiments/" + id + "/start");
    }

    private static io.restassured.response.Response ramp(String user, long id, double ramp, String reason) {
        return as(user).contentType("application/json").body(Map.of("ramp", ramp, "reason", reason))
                .post("/api/v1/experiments/" + id + "/ramp");
    }

    private static void assertServed(String task, String routing, int version) {
        for (String unit : List.of("u1", "u2", "u3")) {
            JsonPath r = as("erin").contentType("application/json")
                    .body(Map.of("task", task, "unitId", unit, "rows", List.of(ROW)))
                    .post("/api/v1/score").then().statusCode(200).extract().jsonPath();
            assertThat(r.getString("routing")).as("routing of " + unit).isEqualTo(routing);
            assertThat(r.getInt("version.number")).as("version served to " + unit).isEqualTo(version);
        }
    }

    private static List<Map<String, Object>> audit(String task, String action) {
        return as("dave").get("/api/v1/audit?task=" + task + "&action=" + action + "&size=100").then().statusCode(200)
                .extract().jsonPath().getList("items");
    }

    private static void awaitPilot(long id) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            String state = as("erin").get("/api/v1/experiments/" + id + "/pilot").then().statusCode(200)
                    .extract().path("state");
            if (!"RUNNING".equals(state)) {
                assertThat(state).isEqualTo("DONE");
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("pilot of experiment " + id + " did not finish");
    }
}
