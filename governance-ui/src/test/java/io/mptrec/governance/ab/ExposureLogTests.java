package io.mptrec.governance.ab;

import io.mptrec.ab.serving.service.ExposureWriter;
import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The exposure log is written behind the response: under parallel scoring every scored request ends up stored
 * exactly once, with its version and score summary, once the writer has caught up.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ExposureLogTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    @Inject
    ExposureWriter writer;

    @Inject
    DataSource dataSource;

    @Test
    void shouldStoreEveryScoredRequestOnceWhenTheWriterCatchesUp() throws Exception {
        String task = "exposed";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        Api.released(task, TestArtifacts.prompt(ENCODER, task, 131));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Map<String, Object>>> responses = new ArrayList<>();
        try {
            for (int i = 0; i < 120; i++) {
                String unit = "unit-" + i;
                responses.add(pool.submit(() -> as("erin").contentType("application/json")
                        .body(Map.of("task", task, "unitId", unit, "rows",
                                List.of(Map.of("age", "40", "sex", "f"), Map.of("age", "61", "sex", "m"))))
                        .post("/api/v1/score").then().statusCode(200).extract().jsonPath().getMap("")));
            }
            Map<String, Map<String, Object>> byRequest = new HashMap<>();
            for (Future<Map<String, Object>> f : responses) {
                Map<String, Object> r = f.get();
                byRequest.put((String) r.get("requestId"), r);
            }
            writer.awaitStored();
            assertThat(writer.backlog()).isZero();

            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT e.request_id, e.unit_id, v.number, e.candidates, e.score_first, e.score_max, e.arm "
                            + "FROM exposure e JOIN prompt_version v ON v.id = e.prompt_version_id "
                            + "JOIN task t ON t.id = e.task_id WHERE t.name = ?")) {
                s.setString(1, task);
                int rows = 0;
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows++;
                        Map<String, Object> response = byRequest.get(r.getString(1));
                        assertThat(response).as("exposure of a request that was answered").isNotNull();
                        @SuppressWarnings("unchecked")
                        List<Float> scores = (List<Float>) response.get("scores");
                        assertThat(r.getInt(3)).isEqualTo(1);
                        assertThat(r.getInt(4)).isEqualTo(2);
                        assertThat(r.getDouble(5)).isEqualTo(scores.get(0), offset(1e-6));
                        assertThat(r.getDouble(6)).isEqualTo(Math.max(scores.get(0), scores.get(1)),
                                offset(1e-6));
                        assertThat(r.getString(7)).as("no experiment: no arm").isNull();
                    }
                }
                assertThat(rows).as("one exposure per answered request").isEqualTo(120);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
