package io.mptrec.governance;

import io.mptrec.model.artifact.ArtifactBundle;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the packaged application (a PostgreSQL build, see the {@code two-instances} profile in the pom) on
 * different ports against ONE PostgreSQL database (from {@link PostgresResource}). A release or rollback through one
 * instance is served and reported by the other within {@link #STALENESS_BOUND}; conflicting operations sent to both at
 * the same moment leave exactly one production version and a complete audit log.
 */
@Tag("two-instances")  // runs in the pom's own failsafe execution against the PostgreSQL build, never in the default one
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {

    /**
     * How long after a release or rollback commits another instance may still serve or report the old version. Today
     * zero: every request reads the production pointer from the database (ab-testing README, "Serving: which version
     * answers"; governance-ui README, "Several instances"), so the first request sent after the commit returned must
     * see the new version. A cache of the serving resolution must state its own bound there and here.
     */
    static final Duration STALENESS_BOUND = Duration.ZERO;
    static final String TASK = "twin";
    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);

    static final PostgresResource POSTGRES = new PostgresResource();
    static final List<Process> PROCESSES = new ArrayList<>();
    static Path logs;
    static RequestSpecification one;
    static RequestSpecification two;
    static int seed = 400;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        Path app = Path.of(System.getProperty("mptrec.two-instances.app", "target/quarkus-app-postgresql"));
        assertThat(app.resolve("quarkus-run.jar")).as("the PostgreSQL build (mvn verify, profile two-instances)").exists();
        Map<String, String> db = POSTGRES.start();
        logs = Files.createDirectories(Path.of("target", "two-instances-logs"));
        int[] ports = {PackagedApp.freePort(), PackagedApp.freePort()};
        // both start at once on the empty database: Flyway's lock lets one migrate while the other waits
        for (int i = 0; i < 2; i++) {
            Path log = logs.resolve("instance-" + (i + 1) + ".log");
            Files.deleteIfExists(log);
            PROCESSES.add(start(app.resolve("quarkus-run.jar"), ports[i], db, log));
        }
        for (int port : ports) {
            PackagedApp.awaitReady(port, Duration.ofSeconds(180), logs, PROCESSES);
        }
        one = spec(ports[0]);
        two = spec(ports[1]);
    }

    @AfterAll
    static void stopBoth() throws InterruptedException {
        for (Process p : PROCESSES) {
            p.destroy();
        }
        for (Process p : PROCESSES) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        POSTGRES.stop();
    }

    @Test
    @Order(1)
    void shouldServeAndReportAReleaseAndARollbackMadeThroughTheOtherInstance() {
        as(one, "alice").contentType("application/zip").body(ENCODER.toZip()).post("/api/v1/encoders")
                .then().statusCode(201);
        int v1 = approved(one);
        int v2 = approved(two);
        release(one, v1).then().statusCode(200);
        assertSeenWithinBound(two, v1);

        release(one, v2).then().statusCode(200);
        assertSeenWithinBound(two, v2);
        assertSeenWithinBound(one, v2);

        rollback(one, "worse in the pilot").then().statusCode(200);
        assertSeenWithinBound(two, v1);

        // and the other way round
        int v3 = approved(one);
        release(two, v3).then().statusCode(200);
        assertSeenWithinBound(one, v3);
        assertInvariants();
    }

    /**
     * Rounds of two conflicting operations sent to the two instances at the same moment: two releases of different
     * versions, a rollback against a release. Each accepted one moved production once with its 3 audit entries (old
     * version out, new version in, pointer move); each refused one is a 409 problem+json and left nothing behind.
     */
    @Test
    @Order(2)
    void shouldKeepOneProductionAndACompleteAuditUnderConflictingOperationsOnBothInstances() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 6; round++) {
                int a = approved(one);
                int b = approved(two);
                long auditBefore = auditTotal(one);
                String reason = "race " + round;
                List<Callable<Response>> pair = round % 2 == 0
                        ? List.of(() -> release(one, a), () -> release(two, b))
                        : List.of(() -> rollback(one, reason), () -> release(two, b));
                List<Response> responses = race(pool, pair);
                long accepted = responses.stream().filter(r -> r.statusCode() == 200).count();
                for (Response r : responses) {
                    assertThat(r.statusCode()).as(r.asString()).isIn(200, 409);
                    if (r.statusCode() == 409) {
                        assertThat(r.contentType()).startsWith("application/problem+json");
                        assertThat((String) r.path("detail")).isNotBlank();
                    }
                }
                assertThat(accepted).as("round %d: at least one of the two goes through", round).isPositive();
                assertThat(auditTotal(two) - auditBefore).as("round %d: audit entries", round).isEqualTo(3 * accepted);
                int production = assertInvariants();
                assertSeenWithinBound(one, production);
                assertSeenWithinBound(two, production);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two approvers approve one version at the same moment, one per instance: one approval, one 409. */
    @Test
    @Order(3)
    void shouldRecordOneApprovalWhenTwoApproversRaceOnTwoInstances() throws Exception {
        int n = uploaded(one);
        transition(one, "alice", n, "submit", "{}").then().statusCode(200);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Response> responses = race(pool, List.of(
                    () -> transition(one, "bob", n, "approve", "{\"comment\":\"from one\"}"),
                    () -> transition(two, "pat", n, "approve", "{\"comment\":\"from two\"}")));
            assertThat(responses).extracting(Response::statusCode).containsExactlyInAnyOrder(200, 409);
            Response refused = responses.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
            assertThat(refused.contentType()).startsWith("application/problem+json");
        } finally {
            pool.shutdownNow();
        }
        as(two, "dave").get("/api/v1/tasks/" + TASK + "/versions/" + n).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("APPROVED"))
                .body("approvals.size()", org.hamcrest.Matchers.equalTo(1));
        List<Map<String, Object>> approvals = as(one, "dave")
                .get("/api/v1/audit?task=" + TASK + "&action=APPROVE&size=500").then().statusCode(200).extract().path("items");
        assertThat(approvals.stream().filter(e -> Integer.valueOf(n).equals(e.get("version")))).hasSize(1);
    }

    /**
     * Two experiments of one task started at the same moment, one per instance: one starts, the other gets a 409
     * problem+json (it lost on the task's serving stamp at commit, or found the other one active), never a 500.
     */
    @Test
    @Order(4)
    void shouldStartOneOfTwoExperimentsStartedAtOnceOnTwoInstances() throws Exception {
        int production = assertInvariants();
        int treatment = approved(one);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                long a = experiment(one, "twin-race-" + round + "-a", production, treatment);
                long b = experiment(two, "twin-race-" + round + "-b", production, treatment);
                List<Response> responses = race(pool, List.of(
                        () -> as(one, "erin").contentType("application/json").body("{}")
                                .post("/api/v1/experiments/" + a + "/start"),
                        () -> as(two, "erin").contentType("application/json").body("{}")
                                .post("/api/v1/experiments/" + b + "/start")));
                assertThat(responses).extracting(Response::statusCode).as("round %d", round)
                        .containsExactlyInAnyOrder(200, 409);
                Response refused = responses.stream().filter(r -> r.statusCode() == 409).findFirst().orElseThrow();
                assertThat(refused.contentType()).startsWith("application/problem+json");
                long winner = responses.get(0).statusCode() == 200 ? a : b;
                as(two, "erin").contentType("application/json").body("{}")
                        .post("/api/v1/experiments/" + winner + "/stop").then().statusCode(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long experiment(RequestSpecification instance, String name, int control, int treatment) {
        return ((Number) as(instance, "erin").contentType("application/json").body(Map.of("name", name, "task", TASK,
                        "arms", List.of(Map.of("name", "control", "version", control, "weight", 0.5),
                                Map.of("name", "treatment", "version", treatment, "weight", 0.5))))
                .post("/api/v1/experiments").then().statusCode(201).extract().path("id")).longValue();
    }

    /** Exactly one RELEASED version, production points at it, and both instances say so. Returns its number. */
    private static int assertInvariants() {
        List<Map<String, Object>> versions = as(one, "erin").get("/api/v1/tasks/" + TASK + "/versions").then()
                .statusCode(200).extract().path("$");
        List<Integer> released = versions.stream().filter(v -> "RELEASED".equals(v.get("status")))
                .map(v -> (Integer) v.get("number")).toList();
        assertThat(released).as("RELEASED versions").hasSize(1);
        for (RequestSpecification instance : List.of(one, two)) {
            assertThat((Integer) as(instance, "erin").get("/api/v1/tasks/" + TASK).then().statusCode(200)
                    .extract().path("production")).isEqualTo(released.get(0));
        }
        return released.get(0);
    }

    /**
     * The registry's production version and the version POST /api/v1/score answers with, polled on {@code instance}
     * until they show {@code version} or {@link #STALENESS_BOUND} has passed (at least one request each).
     */
    private static void assertSeenWithinBound(RequestSpecification instance, int version) {
        awaitWithinBound("registry production version", version,
                () -> as(instance, "erin").get("/api/v1/tasks/" + TASK).then().statusCode(200).extract().path("production"));
        awaitWithinBound("served version", version, () -> as(instance, "erin").contentType("application/json")
                .body(Map.of("task", TASK, "unitId", "u-" + version, "rows", List.of(Map.of("age", "40", "sex", "f"))))
                .post("/api/v1/score").then().statusCode(200).extract().path("version.number"));
    }

    private static void awaitWithinBound(String what, int expected, Supplier<Object> observe) {
        long deadline = System.nanoTime() + STALENESS_BOUND.toNanos();
        Object seen;
        do {
            seen = observe.get();
            if (Integer.valueOf(expected).equals(seen)) {
                return;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + ": expected " + expected + " within " + STALENESS_BOUND + " of the commit, saw " + seen);
    }

    private static List<Response> race(ExecutorService pool, List<Callable<Response>> calls) throws Exception {
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        for (Callable<Response> call : calls) {
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return call.call();
            }));
        }
        ready.await();
        go.countDown();
        List<Response> responses = new ArrayList<>();
        for (Future<Response> f : futures) {
            responses.add(f.get(60, TimeUnit.SECONDS));
        }
        return responses;
    }

    /** Uploads a new version through {@code instance} (alice), submits and approves it (bob); returns its number. */
    private static int approved(RequestSpecification instance) {
        int n = uploaded(instance);
        transition(instance, "alice", n, "submit", "{}").then().statusCode(200);
        transition(instance, "bob", n, "approve", "{\"comment\":\"ok\"}").then().statusCode(200);
        return n;
    }

    private static int uploaded(RequestSpecification instance) {
        return as(instance, "alice").contentType("application/zip").body(TestArtifacts.prompt(ENCODER, TASK, seed++).toZip())
                .post("/api/v1/tasks/" + TASK + "/versions").then().statusCode(201).extract().path("number");
    }

    private static Response release(RequestSpecification instance, int n) {
        return transition(instance, "carol", n, "release", "{}");
    }

    private static Response rollback(RequestSpecification instance, String reason) {
        return as(instance, "carol").contentType("application/json").body(Map.of("reason", reason))
                .post("/api/v1/tasks/" + TASK + "/rollback");
    }

    private static Response transition(RequestSpecification instance, String user, int n, String action, String body) {
        return as(instance, user).contentType("application/json").body(body)
                .post("/api/v1/tasks/" + TASK + "/versions/" + n + "/" + action);
    }

    private static long auditTotal(RequestSpecification instance) {
        return ((Number) as(instance, "dave").get("/api/v1/audit?size=1").then().statusCode(200).extract().path("total"))
                .longValue();
    }

    private static RequestSpecification as(RequestSpecification instance, String user) {
        return RestAssured.given().spec(instance).auth().preemptive().basic(user, user);
    }

    private static RequestSpecification spec(int port) {
        return new RequestSpecBuilder().setBaseUri("http://127.0.0.1").setPort(port).build();
    }

    private static Process start(Path jar, int port, Map<String, String> db, Path log) throws IOException {
        // the PostgreSQL build reads its database from these (its "postgresql" profile in application.properties)
        Map<String, String> environment = Map.of("MPTREC_DB_URL", db.get("quarkus.datasource.jdbc.url"),
                "MPTREC_DB_USER", db.get("quarkus.datasource.username"), "MPTREC_DB_PASSWORD", "");
        return PackagedApp.start(jar, Path.of("."), port, environment, log, List.of("-Xmx512m",
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                        Path.of("target", "javacpp").toAbsolutePath().toString())));
    }
}
