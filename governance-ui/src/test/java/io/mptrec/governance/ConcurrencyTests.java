package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.mptrec.governance.Api.as;
import static io.mptrec.governance.Api.approved;
import static io.mptrec.governance.Api.released;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 20 parallel releases and rollbacks of one task: afterwards exactly one production version, every accepted action
 * in the audit log, and every loser told why with a 409.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ConcurrencyTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final String TASK = "race";

    @Test
    void shouldKeepExactlyOneProductionUnderParallelReleasesAndRollbacks() throws Exception {
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        released(TASK, TestArtifacts.prompt(ENCODER, TASK, 61));
        released(TASK, TestArtifacts.prompt(ENCODER, TASK, 62));
        int a = approved(TASK, TestArtifacts.prompt(ENCODER, TASK, 63));
        int b = approved(TASK, TestArtifacts.prompt(ENCODER, TASK, 64));
        long auditBefore = auditTotal();

        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int kind = i % 4;
            calls.add(() -> {
                start.await();
                return switch (kind) {
                    case 0 -> Api.transition("carol", TASK, a, "release", null);
                    case 1 -> Api.transition("carol", TASK, b, "release", null);
                    default -> as("carol").contentType("application/json").body("{\"reason\":\"race " + kind + "\"}")
                            .post("/api/v1/tasks/" + TASK + "/rollback");
                };
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Response>> futures = new ArrayList<>();
        try {
            calls.forEach(c -> futures.add(pool.submit(c)));
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : futures) {
                responses.add(f.get());
            }
            long accepted = responses.stream().filter(r -> r.statusCode() == 200).count();
            for (Response r : responses) {
                assertThat(r.statusCode()).as(r.asString()).isIn(200, 409);
                if (r.statusCode() == 409) {
                    assertThat(r.contentType()).startsWith("application/problem+json");
                    assertThat((String) r.path("detail")).isNotBlank();
                }
            }
            assertThat(accepted).isGreaterThanOrEqualTo(1);

            // exactly one version RELEASED, and it is the one production points at
            List<Map<String, Object>> versions = as("erin").get("/api/v1/tasks/" + TASK + "/versions").then()
                    .statusCode(200).extract().path("$");
            List<Object> released = versions.stream().filter(v -> "RELEASED".equals(v.get("status")))
                    .map(v -> v.get("number")).toList();
            assertThat(released).hasSize(1);
            Object production = as("erin").get("/api/v1/tasks/" + TASK).then().extract().path("production");
            assertThat(production).isEqualTo(released.get(0));

            // every accepted action moved production once, with its audit entries; losers left nothing behind
            List<Map<String, Object>> moves = as("dave")
                    .get("/api/v1/audit?task=" + TASK + "&action=MOVE_LABEL&size=500").then().extract().path("items");
            long movesDuringRace = moves.stream().filter(m -> ((Number) m.get("id")).longValue() > 0)
                    .filter(m -> "carol".equals(m.get("actor"))).count() - 2;  // two releases in the set-up
            assertThat(movesDuringRace).isEqualTo(accepted);
            // each accepted action wrote 3 entries (old version out, new version in, pointer move)
            assertThat(auditTotal() - auditBefore).isEqualTo(3 * accepted);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long auditTotal() {
        return ((Number) as("dave").get("/api/v1/audit?size=1").then().extract().path("total")).longValue();
    }
}
