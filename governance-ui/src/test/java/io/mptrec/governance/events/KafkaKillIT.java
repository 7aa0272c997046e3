package io.mptrec.governance.events;

import io.mptrec.governance.Api;
import io.mptrec.governance.PackagedApp;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 on the Kafka path, with the packaged PostgreSQL build: two application replicas (A serves only, B serves and
 * aggregates) and a second aggregator (C, a process started only for that) on one broker and one database. Two
 * clients score units and post their KPI events through A and B; A is killed with SIGKILL mid-stream, then C, while
 * the clients go on through B. Then: every acknowledged KPI event is stored (0 lost), and the per-unit aggregates
 * equal what the raw rows they were folded from give (0 counted twice, 0 missed), unit by unit.
 */
class KafkaKillIT {

    static final String TASK = "kafka-kill";
    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final int BATCHES_PER_PHASE = 15;


    @Test
    void shouldLoseNoAcknowledgedEventAndCountNoneTwiceWhenAReplicaAndAnAggregatorAreKilled() throws Exception {
        assertThat(KafkaApps.JAR).as("the PostgreSQL build (mvn verify)").exists();
        PostgresResource postgres = new PostgresResource();
        KafkaResource kafka = new KafkaResource();
        Map<String, String> db = postgres.start();
        List<Process> processes = new ArrayList<>();
        try {
            Map<String, String> broker = kafka.start();
            Path logs = Files.createDirectories(Path.of("target", "kafka-kill-logs"));
            int[] ports = {PackagedApp.freePort(), PackagedApp.freePort(), PackagedApp.freePort()};
            Process a = KafkaApps.start(ports[0], db, broker, true, false, "512m", logs.resolve("replica-a.log"));
            processes.add(a);
            Process b = KafkaApps.start(ports[1], db, broker, true, true, "512m", logs.resolve("replica-b.log"));
            processes.add(b);
            Process c = KafkaApps.start(ports[2], db, broker, true, true, "512m", logs.resolve("aggregator-c.log"));
            processes.add(c);
            for (int port : ports) {
                PackagedApp.awaitReady(port, Duration.ofSeconds(180), logs, processes);
            }
            long experiment = experimentThrough(ports[1]);

            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            AtomicInteger acks = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean replicaAKilled = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(2);
            for (int t = 0; t < 2; t++) {
                int client = t;
                clients.submit(() -> {
                    Random random = new Random(client);
                    int sequence = 0;
                    while (!stop.get()) {
                        int port = client == 0 && !replicaAKilled.get() ? ports[0] : ports[1];
                        try {
                            List<String> events = new ArrayList<>();
                            StringBuilder body = new StringBuilder("{\"events\":[");
                            for (int i = 0; i < 5; i++) {
                                String request = KafkaApps.score(port, TASK, "unit-" + random.nextInt(40));
                                String event = request + ":click";
                                body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(event)
                                        .append("\",\"requestId\":\"").append(request)
                                        .append("\",\"metric\":\"click\",\"value\":").append(1 + random.nextInt(3))
                                        .append('}');
                                events.add(event);
                            }
                            HttpResponse<String> r = KafkaApps.post(port, "/api/v1/events/kpi", body.append("]}").toString());
                            if (r.statusCode() == 200) {
                                acknowledged.addAll(events);
                                acks.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException | IllegalStateException e) {
                            // the replica was killed mid-request: not acknowledged, not counted
                        }
                        sequence++;
                    }
                    return sequence;
                });
            }
            awaitAcks(acks, BATCHES_PER_PHASE);
            replicaAKilled.set(true);
            a.destroyForcibly(); // SIGKILL: no shutdown hook, the producer's buffer is lost
            awaitAcks(acks, 2 * BATCHES_PER_PHASE);
            c.destroyForcibly(); // SIGKILL of an aggregator, likely inside a transaction
            awaitAcks(acks, 3 * BATCHES_PER_PHASE);
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            System.out.printf("kafka kill -9: %d batches acknowledged (%d events)%n", acks.get(), acknowledged.size());

            KafkaApps.awaitApplied(broker, db, Duration.ofSeconds(120));
            try (Connection connection = KafkaApps.connect(db)) {
                List<String> missing = missing(connection, List.copyOf(acknowledged));
                assertThat(missing).as("acknowledged KPI events not stored").isEmpty();
                Map<String, String> fromRows = perUnit(connection, experiment, ""
                        + "SELECT e.unit_id, e.arm, COUNT(*), COALESCE(SUM(k.v), 0) FROM exposure e LEFT JOIN "
                        + "(SELECT request_id, SUM(metric_value) AS v FROM kpi_event WHERE metric = 'click' "
                        + "GROUP BY request_id) k ON k.request_id = e.request_id WHERE e.experiment_id = ? "
                        + "GROUP BY e.unit_id, e.arm");
                Map<String, String> fromAggregates = perUnit(connection, experiment, ""
                        + "SELECT a.unit_id, a.arm, a.exposures, COALESCE(m.total, 0) FROM unit_aggregate a "
                        + "LEFT JOIN unit_metric_aggregate m ON m.experiment_id = a.experiment_id "
                        + "AND m.unit_id = a.unit_id AND m.arm = a.arm AND m.metric = 'click' "
                        + "WHERE a.experiment_id = ?");
                assertThat(fromRows).as("units with exposures").hasSizeGreaterThan(10);
                assertThat(fromAggregates).as("per unit and arm: exposures, clicks").isEqualTo(fromRows);

                // the per-arm sums two aggregators kept under kills are those of the per-unit sums, and the time
                // series' per-minute changes add up to them
                String units = "(SELECT a.unit_id, MIN(a.arm) AS arm, SUM(a.exposures) AS n, COALESCE(SUM(m.total), 0) "
                        + "AS y FROM unit_aggregate a LEFT JOIN unit_metric_aggregate m ON m.experiment_id = "
                        + "a.experiment_id AND m.unit_id = a.unit_id AND m.arm = a.arm AND m.metric = 'click' "
                        + "WHERE a.experiment_id = ? GROUP BY a.unit_id HAVING COUNT(DISTINCT a.arm) = 1) u";
                Map<String, String> armsFromUnits = perArm(connection, experiment, "SELECT arm, COUNT(*), SUM(n), "
                        + "SUM(n * n), SUM(CASE WHEN y > 0 THEN 1 ELSE 0 END), SUM(y), SUM(y * y), SUM(y * n) FROM "
                        + units + " GROUP BY arm");
                Map<String, String> arms = perArm(connection, experiment, "SELECT a.arm, a.units, a.sum_n, a.sum_n2, "
                        + "m.positives, m.sum_y, m.sum_y2, m.sum_yn FROM arm_aggregate a JOIN arm_metric_aggregate m "
                        + "ON m.experiment_id = a.experiment_id AND m.arm = a.arm AND m.metric = 'click' "
                        + "WHERE a.experiment_id = ? AND a.units > 0");
                Map<String, String> minutes = perArm(connection, experiment, "SELECT a.arm, a.units, a.n, a.n2, "
                        + "m.positives, m.y, m.y2, m.yn FROM (SELECT arm, SUM(units) AS units, SUM(sum_n) AS n, "
                        + "SUM(sum_n2) AS n2 FROM arm_minute_aggregate WHERE experiment_id = ? GROUP BY arm) a "
                        + "JOIN (SELECT arm, SUM(positives) AS positives, SUM(sum_y) AS y, SUM(sum_y2) AS y2, "
                        + "SUM(sum_yn) AS yn FROM arm_metric_minute_aggregate WHERE experiment_id = "
                        + experiment + " AND metric = 'click' GROUP BY arm) m ON m.arm = a.arm WHERE a.units > 0");
                assertThat(arms).as("per arm: units, N, N^2, clicks > 0, Y, Y^2, YN").isEqualTo(armsFromUnits)
                        .hasSize(2);
                assertThat(minutes).as("the minutes' changes, summed").isEqualTo(arms);
            }
            assertThat(Files.readString(logs.resolve("aggregator-c.log"))).contains("aggregator started");
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor(20, TimeUnit.SECONDS);
            }
            kafka.stop();
            postgres.stop();
        }
    }

    private static void awaitAcks(AtomicInteger acks, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acks.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(acks.get()).as("acknowledged batches").isGreaterThanOrEqualTo(atLeast);
    }

    private static List<String> missing(Connection c, List<String> eventIds) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT e.id FROM unnest(?::varchar[]) AS e(id) "
                + "WHERE NOT EXISTS (SELECT 1 FROM kpi_event k WHERE k.event_id = e.id)")) {
            s.setArray(1, c.createArrayOf("varchar", eventIds.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    missing.add(r.getString(1));
                }
            }
        }
        return missing;
    }

    /** unit|arm -> "exposures clicks" (as doubles) from the query (experiment as its parameter). */
    private static Map<String, String> perUnit(Connection c, long experiment, String sql) throws SQLException {
        return keyed(c, experiment, sql, 2);
    }

    /** arm -> its columns as doubles, from the query (experiment as its parameter). */
    private static Map<String, String> perArm(Connection c, long experiment, String sql) throws SQLException {
        return keyed(c, experiment, sql, 1);
    }

    /** The first {@code keys} columns joined by '|' -> the other columns as doubles. */
    private static Map<String, String> keyed(Connection c, long experiment, String sql, int keys)
            throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, experiment);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    StringBuilder key = new StringBuilder(r.getString(1));
                    for (int i = 2; i <= keys; i++) {
                        key.append('|').append(r.getString(i));
                    }
                    StringBuilder values = new StringBuilder();
                    for (int i = keys + 1; i <= r.getMetaData().getColumnCount(); i++) {
                        values.append(' ').append(r.getDouble(i));
                    }
                    rows.put(key.toString(), values.toString());
                }
            }
        }
        return rows;
    }

    /** A released control, an approved treatment and a running experiment on them, through replica B. */
    private static long experimentThrough(int port) {
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = port;
        try {
            Api.uploadEncoder(ENCODER).then().statusCode(201);
            Api.released(TASK, TestArtifacts.prompt(ENCODER, TASK, 901));
            Api.approved(TASK, TestArtifacts.prompt(ENCODER, TASK, 902));
            long id = Api.experiment(TASK, "kafka-kill", 1, 2);
            Api.as("erin").contentType("application/json").body(Map.of("reason", "kill -9 test"))
                    .post("/api/v1/experiments/" + id + "/start").then().statusCode(200);
            return id;
        } finally {
            RestAssured.reset();
        }
    }
}
