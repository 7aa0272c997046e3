package io.mptrec.governance.events;

import io.mptrec.governance.Api;
import io.mptrec.governance.PackagedApp;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.restassured.RestAssured;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 on the Kafka path, with the packaged PostgreSQL build: two application replicas (A serves only, B serves and
 * aggregates) and a second aggregator (C, a process started only for that) on one broker and one database. Two
 * clients score units and post their KPI events through A and B; A is killed with SIGKILL mid-stream, then C, while
 * the clients go on through B. Then: every acknowledged KPI event is stored (0 lost), and the per-unit aggregates
 * equal what the raw rows they were folded from give (0 counted twice, 0 missed), unit by unit.
 */
class KafkaKillIT {

    static final Path JAR = Path.of("target", "quarkus-app-postgresql", "quarkus-run.jar");
    static final String TASK = "kafka-kill";
    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([^\"]+)\"");
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("erin:erin".getBytes(StandardCharsets.UTF_8));
    static final int BATCHES_PER_PHASE = 15;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldLoseNoAcknowledgedEventAndCountNoneTwiceWhenAReplicaAndAnAggregatorAreKilled() throws Exception {
        assertThat(JAR).as("the PostgreSQL build (mvn verify)").exists();
        PostgresResource postgres = new PostgresResource();
        KafkaResource kafka = new KafkaResource();
        Map<String, String> db = postgres.start();
        List<Process> processes = new ArrayList<>();
        try {
            Map<String, String> broker = kafka.start();
            Path logs = Files.createDirectories(Path.of("target", "kafka-kill-logs"));
            int[] ports = {PackagedApp.freePort(), PackagedApp.freePort(), PackagedApp.freePort()};
            Process a = start(ports[0], db, broker, false, logs.resolve("replica-a.log"));
            processes.add(a);
            Process b = start(ports[1], db, broker, true, logs.resolve("replica-b.log"));
            processes.add(b);
            Process c = start(ports[2], db, broker, true, logs.resolve("aggregator-c.log"));
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
                                String request = score(port, "unit-" + random.nextInt(40));
                                String event = request + ":click";
                                body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(event)
                                        .append("\",\"requestId\":\"").append(request)
                                        .append("\",\"metric\":\"click\",\"value\":").append(1 + random.nextInt(3))
                                        .append('}');
                                events.add(event);
                            }
                            HttpResponse<String> r = post(port, "/api/v1/events/kpi", body.append("]}").toString());
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

            awaitApplied(broker.get(KafkaResource.BOOTSTRAP), db);
            try (Connection connection = connect(db)) {
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

    /** Waits until the aggregators' offsets in the database reach the topic's end, partition by partition. */
    private static void awaitApplied(String brokers, Map<String, String> db) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            IntStream.range(0, 4).forEach(p -> latest.put(new TopicPartition("mptrec.ab-events", p), OffsetSpec.latest()));
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, o) -> ends.put(tp.partition(), o.offset()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            Map<Integer, Long> applied = new HashMap<>();
            while (System.nanoTime() < deadline) {
                applied.clear();
                try (Connection c = connect(db); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT partition_id, next_offset FROM event_offset")) {
                    while (r.next()) {
                        applied.put(r.getInt(1), r.getLong(2));
                    }
                }
                if (ends.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("the surviving aggregator did not apply the topic: ends " + ends + ", applied "
                    + applied);
        }
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

    /** unit|arm -> "exposures clicks" from the query (experiment as its parameter). */
    private static Map<String, String> perUnit(Connection c, long experiment, String sql) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, experiment);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getString(1) + "|" + r.getString(2), r.getLong(3) + " " + r.getDouble(4));
                }
            }
        }
        return rows;
    }

    private static Connection connect(Map<String, String> db) throws SQLException {
        return DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.get("quarkus.datasource.username"), "");
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

    private String score(int port, String unit) throws IOException, InterruptedException {
        HttpResponse<String> r = post(port, "/api/v1/score", "{\"task\":\"" + TASK + "\",\"unitId\":\"" + unit
                + "\",\"rows\":[{\"age\":\"40\",\"sex\":\"f\"}]}");
        Matcher m = REQUEST_ID.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("score answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    private HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", AUTH)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Process start(int port, Map<String, String> db, Map<String, String> broker, boolean aggregator,
                                 Path log) throws IOException {
        Files.deleteIfExists(log);
        Map<String, String> environment = Map.of("MPTREC_DB_URL", db.get("quarkus.datasource.jdbc.url"),
                "MPTREC_DB_USER", db.get("quarkus.datasource.username"), "MPTREC_DB_PASSWORD", "");
        return PackagedApp.start(JAR, Path.of("."), port, environment, log, List.of("-Xmx512m",
                "-Dmptrec.ab.events.transport=kafka",
                "-Dmptrec.ab.events.kafka.bootstrap-servers=" + broker.get(KafkaResource.BOOTSTRAP),
                "-Dmptrec.ab.events.kafka.partitions=" + broker.get("mptrec.ab.events.kafka.partitions"),
                "-Dmptrec.ab.events.aggregator.enabled=" + aggregator,
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                        Path.of("target", "javacpp").toAbsolutePath().toString())));
    }
}
