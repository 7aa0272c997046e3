package io.mptrec.governance.ab;

import io.micrometer.core.instrument.MeterRegistry;
import io.mptrec.ab.serving.service.ExposureWriter;
import io.mptrec.governance.Api;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The hostile-input answers on the shipped default database, H2 (HostileInputTests and ExperimentConcurrencyTests
 * prove them on PostgreSQL): a NUL that H2 could store is refused as on PostgreSQL, a value beyond the limit too; a row
 * H2 refuses (a unit id longer than its column) is dead-lettered without blocking the writer; concurrent starts settle
 * as one 200 and 409s.
 */
@QuarkusTest
@TestProfile(HostileInputH2Tests.H2Memory.class)
class HostileInputH2Tests {

    /** An in-memory H2 database of its own, without the PostgreSQL test resource. */
    public static class H2Memory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.db-kind", "h2",
                    "quarkus.datasource.username", "sa",
                    "quarkus.datasource.jdbc.url", "jdbc:h2:mem:hostile;DB_CLOSE_DELAY=-1");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @Inject
    DataSource dataSource;

    @Inject
    ExposureWriter writer;

    @Inject
    MeterRegistry meters;

    @Test
    void shouldRefuseWhatPostgresqlCannotStoreOnH2Too() throws Exception {
        String task = "h2-hostile";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 211));
        as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "nul\u0000unit",
                        "rows", List.of(Map.of("age", "40")))).post("/api/v1/score").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("unitId"));
        as("erin").contentType("application/json").body(Map.of("events", List.of(
                        Map.of("eventId", "h2-big", "requestId", "r", "metric", "spend", "value", 1e155))))
                .post("/api/v1/events/kpi").then().statusCode(400).body("field", equalTo("events[0].value"));
        as("erin").contentType("application/json").body(Map.of("events", List.of(
                        Map.of("eventId", "h2-nul\u0000", "requestId", "r", "metric", "spend", "value", 1))))
                .post("/api/v1/events/kpi").then().statusCode(400).body("field", equalTo("events[0].eventId"));

        // a row H2 refuses on its own (22001, longer than unit_id's 200), handed straight to the writer
        as("erin").contentType("application/json").body(Map.of("task", task, "unitId", "warm",
                "rows", List.of(Map.of("age", "40")))).post("/api/v1/score").then().statusCode(200);
        writer.awaitStored();
        long taskId = count("SELECT id FROM task WHERE name = '" + task + "'");
        long versionId = count("SELECT id FROM prompt_version WHERE task_id = " + taskId);
        double before = meters.find(ExposureWriter.DEAD_LETTERS).tag("kept", "table").counter().count();
        String bad = "h2-bad-" + UUID.randomUUID();
        writer.write(HostileInputTests.exposure(bad, taskId, versionId, "u".repeat(201)));
        for (int i = 0; i < 10; i++) {
            writer.write(HostileInputTests.exposure("h2-good-" + i, taskId, versionId, "unit-" + i));
        }
        writer.awaitStored();
        assertThat(count("SELECT COUNT(*) FROM exposure WHERE request_id LIKE 'h2-good-%'")).isEqualTo(10);
        assertThat(count("SELECT COUNT(*) FROM exposure_dead_letter WHERE request_id = '" + bad + "' "
                + "AND sql_state LIKE '22%'")).isEqualTo(1);
        assertThat(meters.find(ExposureWriter.DEAD_LETTERS).tag("kept", "table").counter().count() - before)
                .isEqualTo(1.0);
    }

    @Test
    void shouldLetExactlyOneOfConcurrentStartsWinOnH2() throws Exception {
        String task = "h2-race";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 221));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 222));
        for (int round = 0; round < 3; round++) {
            long a = Api.experiment(task, "h2-race-a" + round, v1, v2);
            long b = Api.experiment(task, "h2-race-b" + round, v1, v2);
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long id = i % 2 == 0 ? a : b;
                calls.add(() -> as("erin").contentType("application/json").body("{}")
                        .post("/api/v1/experiments/" + id + "/start"));
            }
            List<Response> responses = ExperimentConcurrencyTests.race(calls);
            ExperimentConcurrencyTests.assertEvery200Or409(responses);
            assertThat(responses.stream().filter(r -> r.statusCode() == 200).count()).isEqualTo(1);
            long winner = Api.experimentStatus(a).equals("RUNNING") ? a : b;
            as("erin").contentType("application/json").body("{\"reason\":\"next round\"}")
                    .post("/api/v1/experiments/" + winner + "/stop").then().statusCode(200);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
