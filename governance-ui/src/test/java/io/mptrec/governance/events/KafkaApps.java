package io.mptrec.governance.events;

import io.mptrec.governance.PackagedApp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged PostgreSQL build on one database and one broker, as the event pipeline's failsafe tests start it, and
 * what they ask of it: score, post, and wait until the aggregators have applied the whole topic.
 */
final class KafkaApps {

    static final Path JAR = Path.of("target", "quarkus-app-postgresql", "quarkus-run.jar");
    static final String TOPIC = "mptrec.ab-events";
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([^\"]+)\"");
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            "erin:erin".getBytes(StandardCharsets.UTF_8));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private KafkaApps() {
    }

    /** The build on {@code port}: with {@code kafka} it publishes to the broker and runs an aggregator if asked. */
    static Process start(int port, Map<String, String> db, Map<String, String> broker, boolean kafka,
                         boolean aggregator, String heap, Path log) throws IOException {
        Files.deleteIfExists(log);
        Map<String, String> environment = Map.of("MPTREC_DB_URL", db.get("quarkus.datasource.jdbc.url"),
                "MPTREC_DB_USER", db.get("quarkus.datasource.username"), "MPTREC_DB_PASSWORD", "");
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap, "-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir",
                Path.of("target", "javacpp").toAbsolutePath().toString())));
        if (kafka) {
            options.addAll(List.of("-Dmptrec.ab.events.transport=kafka",
                    "-Dmptrec.ab.events.kafka.bootstrap-servers=" + broker.get(KafkaResource.BOOTSTRAP),
                    "-Dmptrec.ab.events.kafka.partitions=" + broker.get("mptrec.ab.events.kafka.partitions"),
                    "-Dmptrec.ab.events.aggregator.enabled=" + aggregator));
        }
        return PackagedApp.start(JAR, Path.of("."), port, environment, log, options);
    }

    /** Scores one row for {@code unit} as erin; the request id. */
    static String score(int port, String task, String unit) throws IOException, InterruptedException {
        HttpResponse<String> r = post(port, "/api/v1/score", "{\"task\":\"" + task + "\",\"unitId\":\"" + unit
                + "\",\"rows\":[{\"age\":\"40\",\"sex\":\"f\"}]}");
        Matcher m = REQUEST_ID.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("score answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    /** POSTs as admin; waits up to an hour, the rebuild's transaction timeout. */
    static HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(60)).header("Authorization", AUTH)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(10)).header("Authorization", AUTH).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Connection connect(Map<String, String> db) throws SQLException {
        return DriverManager.getConnection(db.get("quarkus.datasource.jdbc.url"),
                db.get("quarkus.datasource.username"), "");
    }

    /** Waits until the offsets in the database reach the topic's end in every partition; fails after the timeout. */
    static void awaitApplied(Map<String, String> broker, Map<String, String> db, Duration timeout) throws Exception {
        int partitions = Integer.parseInt(broker.get("mptrec.ab.events.kafka.partitions"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.get(KafkaResource.BOOTSTRAP)))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, o) -> ends.put(tp.partition(), o.offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
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
                Thread.sleep(50);
            }
            throw new AssertionError("the aggregators did not apply the topic within " + timeout + ": ends " + ends
                    + ", applied " + applied);
        }
    }
}
