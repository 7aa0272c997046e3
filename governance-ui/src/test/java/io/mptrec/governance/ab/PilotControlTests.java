package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PostgresResource;
import io.mptrec.ab.pilot.service.PilotService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Pilots do not hold each other up and can always be ended: each runs on its own thread, a paced one may take a day
 * at most, one is cancelled by {@code DELETE .../pilot} or by its experiment's stop, and a fifth at once is refused.
 * (A pilot of 1e-300 rows a second used to occupy the one pilot thread for good, and every later pilot waited behind
 * it until a restart.)
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class PilotControlTests {

    static final String TASK = "pilotincome";
    /** Rows a second of a pilot that would take minutes: long enough to be running whenever the test looks. */
    static final double SLOW = 2;

    static boolean prepared;

    /** Once per class, in an instance method: RestAssured knows the application's port only from then on. */
    @BeforeEach
    void versions() {
        if (prepared) {
            return;
        }
        prepared = true;
        assertThat(Api.uploadEncoder(CensusArtifacts.encoder()).statusCode()).isIn(200, 201);
        assertThat(Api.released(TASK, CensusArtifacts.income(TASK, 1))).isEqualTo(1);
        assertThat(Api.approved(TASK, CensusArtifacts.income(TASK, 2))).isEqualTo(2);
    }

    @Test
    void shouldRefuseARateThatWouldTakeMoreThanADayAndStartNothing() {
        long id = draft("slow-rates");
        for (Object rate : List.of(1e-300, 0.001, -1, "1")) {
            pilot(id, 100, rate).then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo("ratePerSecond"));
        }
        as("erin").contentType("application/json").body(Map.of("rows", 10, "label", "income\u0001"))
                .post("/api/v1/experiments/" + id + "/pilot").then().statusCode(400).body("field", equalTo("label"))
                .body("detail", org.hamcrest.Matchers.not(containsString("\u0001")));
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then().statusCode(404);
        pilot(id, 100, 0.002).then().statusCode(202); // 100 rows in 50,000 s: within a day
        as("erin").delete("/api/v1/experiments/" + id + "/pilot").then().statusCode(200);
        assertThat(settled(id)).isEqualTo("CANCELLED");
    }

    @Test
    void shouldRunAnotherPilotBesideASlowOneAndCancelTheSlowOne() throws Exception {
        long slow = draft("slow-one");
        long quick = draft("quick-one");
        pilot(slow, 1000, SLOW).then().statusCode(202).body("state", equalTo("RUNNING"));
        pilot(quick, 20, 0).then().statusCode(202);

        assertThat(settled(quick)).as("the quick pilot ends while the slow one runs").isEqualTo("DONE");
        as("erin").get("/api/v1/experiments/" + quick + "/pilot").then().body("scored", equalTo(20));
        as("erin").get("/api/v1/experiments/" + slow + "/pilot").then().body("state", equalTo("RUNNING"));

        as("bob").delete("/api/v1/experiments/" + slow + "/pilot").then().statusCode(403);
        as("erin").delete("/api/v1/experiments/" + slow + "/pilot").then().statusCode(200);
        assertThat(settled(slow)).isEqualTo("CANCELLED");
        as("erin").get("/api/v1/experiments/" + slow + "/pilot").then()
                .body("error", equalTo("cancelled by erin"));
        int scored = as("erin").get("/api/v1/experiments/" + slow + "/pilot").then().extract().path("scored");
        assertThat(scored).isLessThan(1000);
        as("erin").delete("/api/v1/experiments/" + slow + "/pilot").then().statusCode(409)
                .body("type", containsString("pilot-ended"));
        Thread.sleep(1500);
        as("erin").get("/api/v1/experiments/" + slow + "/pilot").then().body("scored", equalTo(scored));
        as("dave").get("/api/v1/audit?task=" + TASK + "&action=PILOT_CANCEL").then().statusCode(200)
                .body("items[0].actor", equalTo("erin"));
    }

    /** Eight cancels of one pilot sent at once: one cancels it and is audited, the others are refused with a 409. */
    @Test
    void shouldCancelAPilotOnceWhenCancelsArriveTogether() throws Exception {
        long id = draft("cancelled-together");
        pilot(id, 1000, SLOW).then().statusCode(202);
        int before = as("dave").get("/api/v1/audit?task=" + TASK + "&action=PILOT_CANCEL").then().statusCode(200)
                .extract().path("total");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return as("erin").delete("/api/v1/experiments/" + id + "/pilot").statusCode();
                }));
            }
            go.countDown();
            List<Integer> codes = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                codes.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(codes).containsOnly(200, 409).filteredOn(c -> c == 200).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(settled(id)).isEqualTo("CANCELLED");
        as("dave").get("/api/v1/audit?task=" + TASK + "&action=PILOT_CANCEL").then().body("total",
                equalTo(before + 1));
    }

    /** Past the first look at its experiment (once a second): a paced pilot of a pilotable experiment runs to the end. */
    @Test
    void shouldRunAPacedPilotOfSeveralSecondsToTheEnd() {
        long id = draft("paced");
        pilot(id, 30, 10.0).then().statusCode(202);
        assertThat(settled(id)).isEqualTo("DONE");
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then().body("scored", equalTo(30))
                .body("error", equalTo(null));
    }

    @Test
    void shouldEndAPilotWhenItsExperimentIsStopped() {
        long id = draft("stopped-under-it");
        pilot(id, 1000, SLOW).then().statusCode(202);
        as("erin").contentType("application/json").body("{\"reason\":\"done with it\"}")
                .post("/api/v1/experiments/" + id + "/stop").then().statusCode(200);
        assertThat(settled(id)).isEqualTo("CANCELLED");
        as("erin").get("/api/v1/experiments/" + id + "/pilot").then()
                .body("error", equalTo("experiment " + id + " is STOPPED"));
    }

    @Test
    void shouldRefuseOnePilotMoreThanMayRunAtOnce() {
        List<Long> running = new ArrayList<>();
        try {
            for (int i = 0; i < PilotService.MAX_RUNNING; i++) {
                long id = draft("busy-" + i);
                pilot(id, 1000, SLOW).then().statusCode(202);
                running.add(id);
            }
            long oneMore = draft("one-more");
            pilot(oneMore, 10, 0).then().statusCode(409).body("type", containsString("pilots-busy"));
            as("erin").get("/api/v1/experiments/" + oneMore + "/pilot").then().statusCode(404);
        } finally {
            running.forEach(id -> as("erin").delete("/api/v1/experiments/" + id + "/pilot"));
        }
        running.forEach(id -> assertThat(settled(id)).isEqualTo("CANCELLED"));
    }

    private static long draft(String name) {
        return as("erin").contentType("application/json").body(Map.of("name", name, "task", TASK,
                        "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                Map.of("name", "treatment", "version", 2, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static Response pilot(long id, int rows, Object rate) {
        return as("erin").contentType("application/json")
                .body(Map.of("rows", rows, "ratePerSecond", rate, "seed", 7, "label", "income"))
                .post("/api/v1/experiments/" + id + "/pilot");
    }

    /** The pilot's state once it is no longer RUNNING (at most 60 s; a cancelled one ends within about a second). */
    private static String settled(long id) {
        String state = "RUNNING";
        for (int i = 0; i < 300 && "RUNNING".equals(state); i++) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            state = as("erin").get("/api/v1/experiments/" + id + "/pilot").then().statusCode(200).extract().path("state");
        }
        return state;
    }
}
