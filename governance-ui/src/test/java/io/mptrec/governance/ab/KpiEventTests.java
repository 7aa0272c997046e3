package io.mptrec.governance.ab;

import io.mptrec.ab.config.AbConfig;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** KPI ingestion: idempotent by event id under parallel posts with duplicates, validated per field, body limited. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class KpiEventTests {

    @Inject
    DataSource dataSource;

    @Inject
    AbConfig config;

    @TestHTTPResource("/")
    URL base;

    @Test
    void shouldCountEachEventOnceUnderParallelPostsWithDuplicates() throws Exception {
        int threads = 8;
        int batchesPerThread = 10;
        int batchSize = 200;
        int distinctIds = 4_000; // 16,000 events posted over 4,000 ids: every id is posted about 4 times
        Random random = new Random(5);
        List<List<Map<String, Object>>> batches = new ArrayList<>();
        Set<String> posted = new HashSet<>();
        for (int b = 0; b < threads * batchesPerThread; b++) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                String id = "par-" + random.nextInt(distinctIds);
                posted.add(id);
                events.add(Map.of("eventId", id, "requestId", "req-" + id, "metric", "click", "value", 1));
            }
            batches.add(events);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<JsonPath>> acks = new ArrayList<>();
        try {
            for (List<Map<String, Object>> events : batches) {
                Callable<JsonPath> post = () -> {
                    start.await();
                    return as("erin").contentType("application/json").body(Map.of("events", events))
                            .post("/api/v1/events/kpi").then().statusCode(200).extract().jsonPath();
                };
                acks.add(pool.submit(post));
            }
            start.countDown();
            long stored = 0;
            long received = 0;
            for (Future<JsonPath> f : acks) {
                JsonPath ack = f.get();
                stored += ack.getLong("stored");
                received += ack.getLong("received");
                assertThat(ack.getLong("stored") + ack.getLong("duplicates")).isEqualTo(ack.getLong("received"));
            }
            assertThat(received).isEqualTo((long) threads * batchesPerThread * batchSize);
            assertThat(stored).as("acknowledged as stored exactly once each").isEqualTo(posted.size());
            assertThat(count("par-%")).isEqualTo(posted.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldStoreADuplicateWithinOneBatchOnce() throws Exception {
        Map<String, Object> e = Map.of("eventId", "dup-1", "requestId", "r1", "metric", "conversion", "value", 1);
        as("erin").contentType("application/json").body(Map.of("events", List.of(e, e, e)))
                .post("/api/v1/events/kpi").then().statusCode(200)
                .body("received", equalTo(3)).body("stored", equalTo(1)).body("duplicates", equalTo(2));
        as("admin").contentType("application/json").body(Map.of("events", List.of(e)))
                .post("/api/v1/events/kpi").then().statusCode(200).body("stored", equalTo(0));
        assertThat(count("dup-1")).isEqualTo(1);
    }

    /**
     * An event id already stored keeps its first event: a resend with another value is a duplicate, answered 200 and
     * stored nowhere, and the API's documentation says so (a client reading only the OpenAPI document must learn it).
     */
    @Test
    void shouldKeepTheFirstValueOfAnEventIdResentWithAnotherAndDocumentIt() throws Exception {
        as("erin").contentType("application/json").body(Map.of("events", List.of(Map.of("eventId", "resent-1",
                        "requestId", "r1", "metric", "revenue", "value", 10))))
                .post("/api/v1/events/kpi").then().statusCode(200).body("stored", equalTo(1));
        as("erin").contentType("application/json").body(Map.of("events", List.of(Map.of("eventId", "resent-1",
                        "requestId", "r1", "metric", "revenue", "value", 25))))
                .post("/api/v1/events/kpi").then().statusCode(200)
                .body("received", equalTo(1)).body("stored", equalTo(0)).body("duplicates", equalTo(1));
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT metric_value FROM kpi_event WHERE event_id = ?")) {
            s.setString(1, "resent-1");
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getDouble(1)).isEqualTo(10.0);
                assertThat(r.next()).isFalse();
            }
        }

        JsonPath openApi = as("erin").get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        String description = openApi.getString("paths.'/api/v1/events/kpi'.post.description");
        assertThat(description).as("the operation's description")
                .contains("keeps the first event stored under it")
                .contains("another value")
                .contains("new eventId");
    }

    @Test
    void shouldRefuseInvalidEventsNamingTheField() {
        as("erin").contentType("application/json").body(Map.of("events", List.of(
                        Map.of("eventId", "ok-1", "requestId", "r", "metric", "click", "value", 1),
                        Map.of("eventId", "ok-2", "requestId", "r", "metric", "Not A Metric", "value", 1))))
                .post("/api/v1/events/kpi").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("events[1].metric"));
        as("erin").contentType("application/json").body(Map.of("events", List.of(
                        Map.of("requestId", "r", "metric", "click", "value", 1))))
                .post("/api/v1/events/kpi").then().statusCode(400).body("field", equalTo("events[0].eventId"));
        as("erin").contentType("application/json").body(Map.of("events", List.of()))
                .post("/api/v1/events/kpi").then().statusCode(400).body("field", equalTo("events"));
        as("dave").contentType("application/json").body(Map.of("events", List.of()))
                .post("/api/v1/events/kpi").then().statusCode(403);
    }

    /**
     * A batch's body is held to mptrec.ab.batches.max-body-bytes to the byte: refused with a 413 problem before it is
     * parsed when its length is declared, as soon as the limit is passed when it is chunked; nothing of it is stored.
     */
    @Test
    void shouldHoldTheBatchLimitToTheByteOnEitherPath() throws Exception {
        int limit = Math.toIntExact(config.batches().maxBodyBytes());
        byte[] atLimit = batch("body-limit-at", " ".repeat(limit - batch("body-limit-at", "").length));
        assertThat(atLimit).hasSize(limit);
        as("erin").contentType("application/json").body(atLimit).post("/api/v1/events/kpi").then().statusCode(200)
                .body("stored", equalTo(1));

        byte[] declared = batch("body-limit-declared", " ".repeat(limit + 1 - batch("body-limit-declared", "").length));
        as("erin").contentType("application/json").body(declared).post("/api/v1/events/kpi").then().statusCode(413)
                .contentType("application/problem+json").body("field", equalTo("body"));
        byte[] chunked = batch("body-limit-chunked", " ".repeat(limit + 1 - batch("body-limit-chunked", "").length));
        String streamed = RawHttp.send(base, RawHttp.chunked("/api/v1/events/kpi", chunked), false);
        assertThat(streamed).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("\"field\":\"body\"");
        assertThat(count("body-limit-%")).as("only the batch within the limit stored").isEqualTo(1);

        // the covariates' batches are held to the same limit, before their experiment is looked up
        byte[] covariates = ("{\"covariates\":[" + " ".repeat(limit) + "]}").getBytes(StandardCharsets.UTF_8);
        as("erin").contentType("application/json").body(covariates).post("/api/v1/experiments/1/covariates").then()
                .statusCode(413).contentType("application/problem+json").body("field", equalTo("body"));
    }

    /** A batch of one event, with {@code padding} (white space) inside the object. */
    private static byte[] batch(String eventId, String padding) {
        return ("{\"events\":[{\"eventId\":\"" + eventId + "\",\"requestId\":\"r\",\"metric\":\"click\"," + padding
                + "\"value\":1}]}").getBytes(StandardCharsets.UTF_8);
    }

    private long count(String pattern) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM kpi_event WHERE event_id LIKE ?")) {
            s.setString(1, pattern);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
