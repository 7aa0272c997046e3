package io.mptrec.governance.events;

import io.mptrec.governance.Api;
import io.mptrec.governance.PackagedApp;
import io.mptrec.governance.PostgresResource;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.model.artifact.ArtifactBundle;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event pipeline's benchmark, in one run on one machine (report in {@code target/event-pipeline-report.md}):
 * KPI events/s straight into PostgreSQL against through Kafka into the aggregates, then the results' latency for an
 * experiment of 10 million exposures and 20 million events (generated in the database), read from the tables
 * (today's path) and from the aggregates. Two packaged PostgreSQL builds on one database and one broker: D with the
 * database transport, K with Kafka and an aggregator. Runs only with {@code -Dmptrec.benchmark=true}.
 */
class EventPipelineBenchmarkIT {

    static final String TASK = "bench-events";
    static final ArtifactBundle ENCODER = TestArtifacts.encoder(1);
    static final int SECONDS = Integer.getInteger("mptrec.benchmark.seconds", 10);
    static final int CLIENTS = Integer.getInteger("mptrec.benchmark.clients", 4);
    static final long EXPOSURES = Long.getLong("mptrec.benchmark.exposures", 10_000_000L);
    static final long UNITS = Long.getLong("mptrec.benchmark.units", 100_000L);
    static final int BATCH = 500;

    final StringBuilder report = new StringBuilder();

    @Test
    void shouldMeasureIngestionAndResultsOnBothPaths() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("mptrec.benchmark"), "benchmark runs only with -Dmptrec.benchmark=true");
        assertThat(KafkaApps.JAR).as("the PostgreSQL build (mvn verify)").exists();
        PostgresResource postgres = new PostgresResource();
        KafkaResource kafka = new KafkaResource();
        Map<String, String> db = postgres.start();
        List<Process> processes = new ArrayList<>();
        try {
            Map<String, String> broker = kafka.start();
            Path logs = Files.createDirectories(Path.of("target", "event-pipeline-bench"));
            int direct = PackagedApp.freePort();
            int viaKafka = PackagedApp.freePort();
            processes.add(KafkaApps.start(direct, db, broker, false, false, "1g", logs.resolve("direct.log")));
            processes.add(KafkaApps.start(viaKafka, db, broker, true, true, "1g", logs.resolve("kafka.log")));
            for (int port : new int[] {direct, viaKafka}) {
                PackagedApp.awaitReady(port, Duration.ofSeconds(180), logs, processes);
            }
            line("# Event pipeline benchmark, " + Instant.now());
            line("");
            line(String.format(Locale.ROOT, "%d cores, load average before: %s; %d clients, batches of %d, %d s per "
                    + "phase; PostgreSQL, one Kafka broker (KRaft), both on this machine.",
                    Runtime.getRuntime().availableProcessors(), PackagedApp.loadAverage(), CLIENTS, BATCH, SECONDS));
            line("");
            long experiment = experimentThrough(direct, "bench-ingest", TASK);
            ingestion("database (direct)", direct, broker, db, false);
            ingestion("Kafka into aggregates", viaKafka, broker, db, true);
            results(direct, viaKafka, db);
            line("");
            line("load average after: " + PackagedApp.loadAverage());
            assertThat(experiment).isPositive();
        } finally {
            for (Process p : processes) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            kafka.stop();
            postgres.stop();
            Files.writeString(Path.of("target", "event-pipeline-report.md"), report);
            System.out.println(report);
        }
    }

    /** KPI batches for SECONDS from CLIENTS clients, each event joined to a request scored through this instance. */
    private void ingestion(String name, int port, Map<String, String> broker, Map<String, String> db,
                           boolean throughKafka) throws Exception {
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            requests.add(KafkaApps.score(port, TASK, "ingest-" + (i % 200)));
        }
        AtomicLong events = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                long sequence = 0;
                while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < BATCH; i++) {
                        String request = requests.get((int) ((sequence * BATCH + i) % requests.size()));
                        body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(name.charAt(0)).append(client)
                                .append('-').append(sequence).append('-').append(i).append("\",\"requestId\":\"")
                                .append(request).append("\",\"metric\":\"click\",\"value\":1}");
                    }
                    sequence++;
                    HttpResponse<String> r = KafkaApps.post(port, "/api/v1/events/kpi", body.append("]}").toString());
                    if (r.statusCode() == 200) {
                        events.addAndGet(BATCH);
                    } else {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        pool.shutdown();
        double acknowledgedSeconds = (System.nanoTime() - start) / 1e9;
        String line = String.format(Locale.ROOT, "- **%s**: %,d KPI events acknowledged in %.1f s = **%,.0f events/s**, "
                + "%d failed batches", name, events.get(), acknowledgedSeconds, events.get() / acknowledgedSeconds,
                failed.get());
        if (throughKafka) {
            KafkaApps.awaitApplied(broker, db, Duration.ofMinutes(10));
            double appliedSeconds = (System.nanoTime() - start) / 1e9;
            line += String.format(Locale.ROOT, "; all applied to the aggregates %.1f s after the first send = "
                    + "**%,.0f events/s into aggregates**", appliedSeconds, events.get() / appliedSeconds);
        }
        line(line + " (load average " + PackagedApp.loadAverage() + ")");
    }

    /** Generates EXPOSURES exposures over UNITS units and two events per exposure, then times results on both paths. */
    private void results(int direct, int viaKafka, Map<String, String> db) throws Exception {
        long experiment = experimentThrough(direct, "bench-results", TASK + "-results");
        line("");
        long started = System.nanoTime();
        try (Connection c = KafkaApps.connect(db); Statement s = c.createStatement()) {
            long task = 0;
            long[] version = new long[2]; // control, treatment
            try (ResultSet r = s.executeQuery("SELECT e.task_id, a.prompt_version_id FROM experiment e JOIN "
                    + "experiment_arm a ON a.experiment_id = e.id WHERE e.id = " + experiment + " ORDER BY a.position")) {
                for (int i = 0; r.next(); i++) {
                    task = r.getLong(1);
                    version[i] = r.getLong(2);
                }
            }
            String control = "g % " + UNITS + " % 2 = 0";
            s.execute("SET max_parallel_workers_per_gather = 2");
            s.executeUpdate("INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, prompt_version_id, "
                    + "scored_at, candidates, score_first, score_mean, score_max) SELECT 'big-' || g, " + task + ", "
                    + experiment + ", CASE WHEN " + control + " THEN 'control' ELSE 'treatment' END, "
                    + "'unit-' || (g % " + UNITS + "), CASE WHEN " + control + " THEN " + version[0] + " ELSE "
                    + version[1] + " END, now() - make_interval(secs => g / 1000.0), 1, "
                    + "(g % 1000) / 1000.0, 0.5, 0.5 FROM generate_series(1, " + EXPOSURES + ") g");
            double exposuresSeconds = (System.nanoTime() - started) / 1e9;
            s.executeUpdate("INSERT INTO kpi_event (event_id, request_id, metric, metric_value, received_at) "
                    + "SELECT 'big-' || g || ':' || m, 'big-' || g, m, CASE WHEN m = 'spend' THEN g % 13 "
                    + "ELSE CASE WHEN g % 7 = 0 THEN 1 ELSE 0 END END, now() FROM generate_series(1, " + EXPOSURES
                    + ") g CROSS JOIN (VALUES ('click'), ('spend')) AS metrics(m)");
            s.execute("ANALYZE exposure");
            s.execute("ANALYZE kpi_event");
            line(String.format(Locale.ROOT, "Results of an experiment of %,d exposures over %,d units and %,d events "
                    + "(generated in the database: exposures %.0f s, events and ANALYZE %.0f s more).", EXPOSURES,
                    UNITS, 2 * EXPOSURES, exposuresSeconds, (System.nanoTime() - started) / 1e9 - exposuresSeconds));
        }
        long rebuild = System.nanoTime();
        HttpResponse<String> rebuilt = KafkaApps.post(viaKafka, "/api/v1/events/pipeline/rebuild", "{}");
        assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
        line(String.format(Locale.ROOT, "- the aggregates rebuilt from those rows (`POST /api/v1/events/pipeline/"
                + "rebuild`): %.1f s, %s", (System.nanoTime() - rebuild) / 1e9, rebuilt.body()));
        List<String> failures = new ArrayList<>();
        List<String> aggregateFailures = new ArrayList<>();
        double[] tables = time(direct, experiment, "/results", 2, failures);
        double[] aggregates = time(viaKafka, experiment, "/results", 10, aggregateFailures);
        assertThat(aggregateFailures).as("results from the aggregates").isEmpty();
        line(String.format(Locale.ROOT, "- `GET /results` from the tables (today's path, D): median %.0f ms, all %s%s",
                median(tables), Arrays.toString(Arrays.stream(tables).mapToLong(Math::round).toArray()),
                failures.isEmpty() ? "" : "; failed: " + failures));
        line(String.format(Locale.ROOT, "- `GET /results` from the aggregates (K): median **%.0f ms**, all %s "
                        + "(target: under 200 ms)", median(aggregates),
                Arrays.toString(Arrays.stream(aggregates).mapToLong(Math::round).toArray())));
        line(String.format(Locale.ROOT, "- ratio tables / aggregates: %.1fx", median(tables) / median(aggregates)));
        List<String> seriesFailures = new ArrayList<>();
        double[] seriesFromTables = time(direct, experiment, "/results/timeseries", 1, seriesFailures);
        double[] series = time(viaKafka, experiment, "/results/timeseries", 10, aggregateFailures);
        assertThat(aggregateFailures).as("time series from the aggregates").isEmpty();
        line(String.format(Locale.ROOT, "- `GET /results/timeseries` (50 buckets): from the tables %.0f ms%s; from the "
                        + "aggregates median **%.0f ms**, all %s", seriesFromTables[0],
                seriesFailures.isEmpty() ? "" : " (failed: " + seriesFailures + ")", median(series),
                Arrays.toString(Arrays.stream(series).mapToLong(Math::round).toArray())));
        // what the aggregates' results read: rows per arm and metric, and score bins, not units or events
        try (Connection c = KafkaApps.connect(db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT COUNT(*) FROM arm_aggregate WHERE experiment_id = "
                     + experiment + "), (SELECT COUNT(*) FROM arm_metric_aggregate WHERE experiment_id = " + experiment
                     + "), (SELECT COUNT(*) FROM score_bin_aggregate WHERE experiment_id = " + experiment
                     + "), (SELECT COUNT(*) FROM arm_minute_aggregate WHERE experiment_id = " + experiment + ")")) {
            r.next();
            line(String.format(Locale.ROOT, "- rows the aggregates' results read: %d arm, %d arm x metric, %d score "
                    + "bin rows (and those of the outcome metric); the time series: %d arm x minute rows and as many "
                    + "per metric", r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)));
        }
    }

    /**
     * Times the experiment's results (or its time series) {@code times} times; a failed request is timed too and named
     * in {@code failures}.
     */
    private double[] time(int port, long experiment, String what, int times, List<String> failures) throws Exception {
        double[] ms = new double[times];
        for (int i = 0; i < times; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = KafkaApps.get(port, "/api/v1/experiments/" + experiment + what);
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                failures.add(String.format(Locale.ROOT, "%d after %.0f ms", r.statusCode(), ms[i]));
            } else {
                assertThat(r.body()).contains("\"units\":" + UNITS / 2);
            }
        }
        return ms;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * A running two-arm experiment on its own task (success metric click, a PROPORTION, so that results include
     * online model quality; guardrail spend) through this instance.
     */
    private static long experimentThrough(int port, String name, String task) {
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = port;
        try {
            Api.uploadEncoder(ENCODER);
            Api.released(task, TestArtifacts.prompt(ENCODER, task, 801));
            Api.approved(task, TestArtifacts.prompt(ENCODER, task, 802));
            long id = Api.as("erin").contentType("application/json").body(Map.of("name", name, "task", task,
                            "arms", List.of(Map.of("name", "control", "version", 1, "weight", 0.5),
                                    Map.of("name", "treatment", "version", 2, "weight", 0.5)),
                            "successMetrics", List.of(Map.of("name", "click", "kind", "PROPORTION",
                                    "direction", "HIGHER_IS_BETTER")),
                            "guardrails", List.of(Map.of("name", "spend", "kind", "MEAN",
                                    "direction", "HIGHER_IS_BETTER", "margin", 0.5, "marginType", "RELATIVE"))))
                    .post("/api/v1/experiments").then().statusCode(201).extract().jsonPath().getLong("id");
            Api.as("erin").contentType("application/json").body(Map.of("reason", "benchmark"))
                    .post("/api/v1/experiments/" + id + "/start").then().statusCode(200);
            return id;
        } finally {
            RestAssured.reset();
        }
    }

    private void line(String s) {
        report.append(s).append('\n');
    }
}
