package io.mptrec.governance.ab;

import io.mptrec.governance.Api;
import io.mptrec.governance.PackagedApp;

import io.mptrec.governance.PostgresResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 durability of acknowledged KPI events, on both packaged builds: the H2 one as shipped (embedded file, shipped
 * default URL, fresh working directory) and the PostgreSQL one ({@code target/quarkus-app-postgresql}, on a fresh
 * database from {@link PostgresResource}). Two clients post batches, the process is killed with SIGKILL mid-stream,
 * restarted on the same database, and every acknowledged batch is posted again: each of its events must come back as
 * a duplicate (it was stored before the ack). Run by failsafe after {@code package}.
 */
class KpiDurabilityIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final Path POSTGRESQL_JAR = Path.of("target", "quarkus-app-postgresql", "quarkus-run.jar");
    static final Pattern STORED = Pattern.compile("\"stored\":(\\d+)");
    static final Pattern DUPLICATES = Pattern.compile("\"duplicates\":(\\d+)");
    static final String AUTH = Api.basic("erin");

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldKeepEveryAcknowledgedEventAcrossKillMinus9OnTheShippedH2() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "kill9-");
        killAndReplay(JAR, dir, Map.of());
    }

    @Test
    void shouldKeepEveryAcknowledgedEventAcrossKillMinus9OnPostgreSQL() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "kill9-pg-");
        PostgresResource postgres = new PostgresResource();
        Map<String, String> database = postgres.start();
        try {
            killAndReplay(POSTGRESQL_JAR, dir, Map.of("MPTREC_DB_URL", database.get("quarkus.datasource.jdbc.url"),
                    "MPTREC_DB_USER", database.get("quarkus.datasource.username")));
            assertThat(Files.readString(dir.resolve("app.log"))).as("the PostgreSQL build ran on PostgreSQL")
                    .contains("jdbc:postgresql:").doesNotContain("jdbc:h2:");
        } finally {
            postgres.stop();
        }
    }

    private void killAndReplay(Path jar, Path dir, Map<String, String> environment) throws Exception {
        assertThat(jar).as("packaged application (run mvn verify)").exists();
        int port = PackagedApp.freePort();
        Process app = start(jar, dir, port, environment);
        List<String> acknowledged = new ArrayList<>();
        try {
            awaitReady(port, dir, app);
            ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sequence = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(2);
            for (int t = 0; t < 2; t++) {
                clients.submit(() -> {
                    while (!stop.get()) {
                        String body = batch(sequence.getAndIncrement());
                        try {
                            HttpResponse<String> r = post(port, body);
                            if (r.statusCode() == 200) {
                                acked.add(body);
                            }
                        } catch (IOException | InterruptedException e) {
                            return; // killed mid-request: not acknowledged, not counted
                        }
                    }
                });
            }
            // kill while the clients are posting, once enough batches were acknowledged to prove something (on a
            // loaded machine a fixed wait may see too few)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.size() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500);
            app.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no flush
            app.waitFor(10, TimeUnit.SECONDS);
            stop.set(true);
            clients.shutdown();
            clients.awaitTermination(10, TimeUnit.SECONDS);
            acknowledged.addAll(acked);
        } finally {
            app.destroyForcibly();
        }
        assertThat(acknowledged).as("batches acknowledged before the kill").hasSizeGreaterThan(5);
        System.out.printf("kill -9 after %d acknowledged batches (%d events)%n", acknowledged.size(), 100 * acknowledged.size());

        Process restarted = start(jar, dir, port, environment);
        try {
            awaitReady(port, dir, restarted);
            for (String body : acknowledged) {
                HttpResponse<String> r = post(port, body);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(number(STORED, r.body())).as("an acknowledged event was lost: " + r.body()).isZero();
                assertThat(number(DUPLICATES, r.body())).isEqualTo(100);
            }
        } finally {
            restarted.destroy();
            restarted.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String batch(int n) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 100; i++) {
            b.append(i == 0 ? "" : ",").append("{\"eventId\":\"k9-").append(n).append('-').append(i)
                    .append("\",\"requestId\":\"r-").append(n).append("\",\"metric\":\"click\",\"value\":1}");
        }
        return b.append("]}").toString();
    }

    private HttpResponse<String> post(int port, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events/kpi"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", AUTH)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Process start(Path jar, Path dir, int port, Map<String, String> environment) throws IOException {
        // H2: the shipped default database URL, relative to the working directory
        return PackagedApp.start(jar, dir, port, environment, dir.resolve("app.log"), List.of());
    }

    private static void awaitReady(int port, Path dir, Process app) throws InterruptedException {
        PackagedApp.awaitReady(port, Duration.ofSeconds(120), dir.resolve("app.log"), List.of(app));
    }

    private static long number(Pattern p, String body) {
        Matcher m = p.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return Long.parseLong(m.group(1));
    }

}
