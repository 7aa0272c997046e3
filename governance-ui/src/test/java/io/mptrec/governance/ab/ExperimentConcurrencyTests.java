package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Losers of concurrent experiment changes get 409 problem+json, never 500: starts of two experiments of one task fired
 * at once (exactly one wins), and a pause racing a release of the same task. A loser fails inside its change, not in
 * the transaction manager at commit, which logged each expected 409 as a warning with a stack trace: the transaction
 * manager logs no warning here. On PostgreSQL; {@link ExperimentConcurrencyH2Tests} runs the same on H2.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ExperimentConcurrencyTests {

    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    private final List<LogRecord> transactionWarnings = new CopyOnWriteArrayList<>();
    private final Handler transactionLog = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                transactionWarnings.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void watchTheTransactionManager() {
        Logger.getLogger("com.arjuna").addHandler(transactionLog);
    }

    @AfterEach
    void noTransactionWarnings() {
        Logger.getLogger("com.arjuna").removeHandler(transactionLog);
        assertThat(transactionWarnings).extracting(LogRecord::getMessage).isEmpty();
    }

    @Test
    void shouldLetExactlyOneOfConcurrentStartsWinAndAnswer409ToTheOthers() throws Exception {
        String task = "race-start";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 181));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 182));
        for (int round = 0; round < 5; round++) {
            long a = Api.experiment(task, "race-start-a" + round, v1, v2);
            long b = Api.experiment(task, "race-start-b" + round, v1, v2);
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long id = i % 2 == 0 ? a : b;
                calls.add(() -> as("erin").contentType("application/json").body("{}")
                        .post("/api/v1/experiments/" + id + "/start"));
            }
            List<Response> responses = race(calls);
            assertEvery200Or409(responses);
            assertThat(responses.stream().filter(r -> r.statusCode() == 200).count())
                    .as("round " + round + ": exactly one start wins").isEqualTo(1);
            List<String> statuses = List.of(Api.experimentStatus(a), Api.experimentStatus(b));
            assertThat(statuses).containsExactlyInAnyOrder("RUNNING", "DRAFT");
            long winner = Api.experimentStatus(a).equals("RUNNING") ? a : b;
            as("erin").contentType("application/json").body("{\"reason\":\"next round\"}")
                    .post("/api/v1/experiments/" + winner + "/stop").then().statusCode(200);
        }
    }

    @Test
    void shouldAnswer409ToTheLoserOfAPauseRacingARelease() throws Exception {
        String task = "race-pause";
        assertThat(Api.uploadEncoder(ENCODER).statusCode()).isIn(200, 201);
        int v1 = Api.released(task, TestArtifacts.prompt(ENCODER, task, 191));
        int v2 = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 192));
        long id = Api.experiment(task, "race-pause-ab", v1, v2);
        int conflicts = 0;
        for (int round = 0; round < 6; round++) {
            as("erin").contentType("application/json").body("{}").post("/api/v1/experiments/" + id + "/start")
                    .then().statusCode(200);
            int next = Api.approved(task, TestArtifacts.prompt(ENCODER, task, 200 + round));
            List<Callable<Response>> calls = List.of(
                    () -> as("erin").contentType("application/json").body("{\"reason\":\"race\"}")
                            .post("/api/v1/experiments/" + id + "/pause"),
                    () -> Api.transition("carol", task, next, "release", null));
            List<Response> responses = race(calls);
            assertEvery200Or409(responses);
            conflicts += (int) responses.stream().filter(r -> r.statusCode() == 409).count();
            if (Api.experimentStatus(id).equals("RUNNING")) {
                as("erin").contentType("application/json").body("{\"reason\":\"tidy\"}")
                        .post("/api/v1/experiments/" + id + "/pause").then().statusCode(200);
            }
        }
        // not asserted: whether a round overlapped closely enough to conflict depends on the machine
        System.out.println("pause vs release: " + conflicts + " conflicts in 6 rounds");
    }

    static List<Response> race(List<Callable<Response>> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (Callable<Response> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : futures) {
                responses.add(f.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertEvery200Or409(List<Response> responses) {
        for (Response r : responses) {
            assertThat(r.statusCode()).as(r.asString()).isIn(200, 409);
            if (r.statusCode() == 409) {
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat((String) r.path("detail")).isNotBlank();
            }
        }
    }
}
