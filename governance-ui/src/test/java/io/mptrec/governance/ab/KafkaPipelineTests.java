package io.mptrec.governance.ab;

import io.mptrec.ab.analysis.Observations;
import io.mptrec.ab.events.AggregateStore;
import io.mptrec.ab.events.EventCodec;
import io.mptrec.ab.events.EventRecord;
import io.mptrec.ab.events.ScoreBins;
import io.mptrec.ab.events.EventRecord.ExposureRecord;
import io.mptrec.ab.events.EventRecord.KpiRecord;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.results.service.ResultsService;
import io.mptrec.ab.results.service.UnitStatisticsReader;
import io.mptrec.ab.serving.RequestIds;
import io.mptrec.ab.statistics.ModelMetrics;
import io.mptrec.governance.Api;
import io.mptrec.governance.TestArtifacts;
import io.mptrec.governance.events.KafkaProfile;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.mptrec.governance.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

/**
 * The event pipeline on a real broker: {@code /score} and {@code /api/v1/events/kpi} publish to Kafka, the
 * application's aggregator folds the topic into per-unit sums in PostgreSQL, and results read the sums. The per-unit
 * test of the direct path runs unchanged on this path (inherited: every figure recomputed from what the API answered,
 * the time series' last point equal to the results), and the results from the aggregates equal those from the raw
 * tables on the same traffic. Then the edges of the pipeline: an event before its exposure, a retried KPI batch,
 * records that can never be applied, and a batch whose offsets moved meanwhile.
 */
@QuarkusTest
@TestProfile(KafkaProfile.class)
class KafkaPipelineTests extends PerUnitResultsTests {

    @Inject
    UnitStatisticsReader reader;

    @Inject
    AggregateStore store;

    @ConfigProperty(name = "mptrec.ab.events.kafka.bootstrap-servers")
    String brokers;

    @ConfigProperty(name = "mptrec.ab.events.kafka.topic")
    String topic;

    @ConfigProperty(name = "mptrec.ab.events.kafka.dead-letter-topic")
    String deadLetterTopic;

    /** The client bug of the inherited test arrives the way exposures do here: through the topic. */
    @Override
    protected void exposureInOtherArm(long experiment, String unit, String arm) throws SQLException {
        long[] ids = taskAndVersion(experiment, arm);
        publish(new ExposureRecord("moved-" + unit, ids[0], experiment, arm, unit, ids[1], Instant.now(), 1, 0.5, 0.5,
                0.5));
        eventLog.awaitReadable();
    }

    @Test
    void shouldReadFromTheAggregatesWhatTheTablesHoldOnTheSameTraffic() {
        long id = experiment("kafka-same", "kafka-same");
        Random random = new Random(7);
        List<Map<String, Object>> kpi = new ArrayList<>();
        List<Map<String, Object>> refunds = new ArrayList<>();
        java.util.Set<String> drawn = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            String unit = "u-" + random.nextInt(80);
            drawn.add(unit);
            String request = as("erin").contentType("application/json").body(Map.of("task", "kafka-same",
                            "unitId", unit, "rows", List.of(Map.of("age", String.valueOf(18 + random.nextInt(60)),
                                    "sex", random.nextBoolean() ? "f" : "m"))))
                    .post("/api/v1/score").then().statusCode(200).extract().path("requestId");
            if (random.nextDouble() < 0.3) {
                kpi.add(Map.of("eventId", request + ":purchase", "requestId", request, "metric", "purchase",
                        "value", 1));
                if (random.nextDouble() < 0.2) {
                    // refunded later: the request's total and its outcome go back to 0
                    refunds.add(Map.of("eventId", request + ":refund", "requestId", request, "metric", "purchase",
                            "value", -1));
                }
            }
            kpi.add(Map.of("eventId", request + ":spend", "requestId", request, "metric", "spend",
                    "value", Math.round(random.nextDouble() * 1000) / 8.0));
            if (random.nextDouble() < 0.5) {
                kpi.add(Map.of("eventId", request + ":click", "requestId", request, "metric", "click", "value", 1));
            }
        }
        kpi.add(Map.of("eventId", "orphan:click", "requestId", "never-scored", "metric", "click", "value", 1));
        assertThat(refunds).isNotEmpty();
        kpi.addAll(refunds); // in the last batch, after the purchases were applied
        for (int from = 0; from < kpi.size(); from += 250) {
            List<Map<String, Object>> batch = kpi.subList(from, Math.min(kpi.size(), from + 250));
            as("erin").contentType("application/json").body(Map.of("events", batch)).post("/api/v1/events/kpi")
                    .then().statusCode(200).body("stored", equalTo(batch.size()));
        }
        eventLog.awaitReadable();
        // pre-period covariates for two units in three, of spend and purchase: CUPED's sums on both paths
        List<Map<String, Object>> covariates = new ArrayList<>();
        for (String unit : new java.util.TreeSet<>(drawn)) {
            if (unit.hashCode() % 3 != 0) {
                for (String metric : List.of("spend", "purchase")) {
                    covariates.add(Map.of("unitId", unit, "metric", metric, "value", random.nextInt(800) / 8.0));
                }
            }
        }
        as("erin").contentType("application/json").body(Map.of("covariates", covariates))
                .post("/api/v1/experiments/" + id + "/covariates").then().statusCode(200);

        Observations fromTables = observations(id, UnitStatisticsReader.Source.TABLES);
        Observations fromAggregates = observations(id, UnitStatisticsReader.Source.AGGREGATES);
        assertThat(fromAggregates.unitsInMoreThanOneArm()).isEqualTo(fromTables.unitsInMoreThanOneArm());
        assertThat(fromAggregates.arms()).hasSameSizeAs(fromTables.arms());
        long units = 0;
        for (int a = 0; a < fromTables.arms().size(); a++) {
            Observations.ArmObservations t = fromTables.arms().get(a);
            Observations.ArmObservations g = fromAggregates.arms().get(a);
            assertThat(g.units()).isEqualTo(t.units());
            assertThat(g.exposures()).isEqualTo(t.exposures());
            units += t.units();
            for (String metric : List.of("purchase", "spend", "click")) {
                // the values are multiples of 1/8, so every sum is exact in either order
                assertThat(g.metric(metric)).as(metric).isEqualTo(t.metric(metric));
            }
            assertThat(g.covariates()).isEqualTo(t.covariates()).containsKeys("spend", "purchase");
            assertThat(t.covariates().get("spend").withCovariate()).isPositive();
            // model quality against purchase: the same pairs and log loss; the AUC the one of the pairs binned at
            // once from the tables, off the exact one by no more than half the share of pairs tied in a bin
            assertThat(g.model().count()).isEqualTo(t.model().count());
            assertThat(g.model().positives()).isEqualTo(t.model().positives()).isPositive();
            assertThat(g.model().logLoss()).isCloseTo(t.model().logLoss(), within(1e-9));
            long[][] bins = binnedPairs(id, a == 0 ? "control" : "treatment");
            assertThat(g.model().auc()).isCloseTo(ModelMetrics.ofBins(bins[0], bins[1], 0).auc(), within(1e-12));
            double tied = 0;
            for (int b = 0; b < bins[0].length; b++) {
                tied += (double) bins[1][b] * (bins[0][b] - bins[1][b]);
            }
            double bound = 0.5 * tied / ((double) t.model().positives() * (t.model().count() - t.model().positives()));
            assertThat(Math.abs(g.model().auc() - t.model().auc())).isLessThanOrEqualTo(bound + 1e-12);
        }
        assertThat(units).isEqualTo(drawn.size());
        assertThat(fromTables.arms().get(0).metric("spend").units()).isPositive();

        // the page and the API show the aggregates: the same per-arm figures
        JsonPath r = as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath();
        assertThat(r.getLong("arms[0].units") + r.getLong("arms[1].units")).isEqualTo(units);
    }

    @Test
    void shouldPublishEveryRecordOfAUnitUnderItsKeyInOnePartition() {
        long id = experiment("kafka-keys", "kafka-keys");
        Map<String, String> unitOfRequest = new java.util.HashMap<>();
        List<Map<String, Object>> kpi = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String unit = "keyed-" + (i % 4);
            String request = as("erin").contentType("application/json").body(Map.of("task", "kafka-keys",
                            "unitId", unit, "rows", List.of(Map.of("age", "30", "sex", "f"))))
                    .post("/api/v1/score").then().statusCode(200).extract().path("requestId");
            unitOfRequest.put(request, unit);
            kpi.add(Map.of("eventId", request + ":click", "requestId", request, "metric", "click", "value", 1));
            kpi.add(Map.of("eventId", request + ":spend", "requestId", request, "metric", "spend", "value", 2));
        }
        as("erin").contentType("application/json").body(Map.of("events", kpi)).post("/api/v1/events/kpi")
                .then().statusCode(200).body("stored", equalTo(kpi.size()));
        eventLog.awaitReadable();

        // the topic as published: each unit's exposures and events under the unit's key, in one partition
        Map<String, java.util.Set<String>> keysOfUnit = new java.util.TreeMap<>();
        Map<String, java.util.Set<Integer>> partitionsOfUnit = new java.util.TreeMap<>();
        Map<String, Integer> recordsOfUnit = new java.util.TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : topicFromTheStart()) {
            String unit = unitOfRequest.get(requestIdOf(r.value()));
            if (unit != null) {
                keysOfUnit.computeIfAbsent(unit, u -> new java.util.TreeSet<>()).add(r.key());
                partitionsOfUnit.computeIfAbsent(unit, u -> new java.util.TreeSet<>()).add(r.partition());
                recordsOfUnit.merge(unit, 1, Integer::sum);
            }
        }
        assertThat(recordsOfUnit).containsOnlyKeys("keyed-0", "keyed-1", "keyed-2", "keyed-3")
                .allSatisfy((unit, records) -> assertThat(records).isEqualTo(6 * 3)); // 6 exposures, 12 events
        keysOfUnit.forEach((unit, keys) -> assertThat(keys).containsExactly(RequestIds.unitKey(unit)));
        partitionsOfUnit.forEach((unit, partitions) -> assertThat(partitions).hasSize(1));
        // and the aggregates joined them: every unit with its 6 exposures and 6 clicks
        for (int u = 0; u < 4; u++) {
            assertThat(exposures(id, "keyed-" + u)).isEqualTo(6);
            assertThat(total(id, "keyed-" + u, "click")).isEqualTo(6.0);
        }
    }

    @Test
    void shouldCountAnEventBeforeItsExposureAndARetriedBatchOnce() {
        long id = experiment("kafka-early", "kafka-early");
        long[] ids = taskAndVersion(id, "control");
        // the event is published first: it waits in the table and counts when its exposure arrives
        publish(new KpiRecord("early:spend", "early-request", "spend", 2.5, Instant.now()));
        eventLog.awaitReadable();
        assertThat(total(id, "early-unit", "spend")).isNull();
        publish(new ExposureRecord("early-request", ids[0], id, "control", "early-unit", ids[1], Instant.now(), 1,
                0.5, 0.5, 0.5));
        eventLog.awaitReadable();
        assertThat(total(id, "early-unit", "spend")).isEqualTo(2.5);

        // a client retries a batch: both are acknowledged, the events count once
        List<Map<String, Object>> batch = List.of(
                Map.of("eventId", "early:spend-2", "requestId", "early-request", "metric", "spend", "value", 1.5),
                Map.of("eventId", "early:spend-2", "requestId", "early-request", "metric", "spend", "value", 1.5));
        for (int attempt = 0; attempt < 2; attempt++) {
            as("erin").contentType("application/json").body(Map.of("events", batch)).post("/api/v1/events/kpi")
                    .then().statusCode(200).body("received", equalTo(2)).body("stored", equalTo(1))
                    .body("duplicates", equalTo(1));
        }
        eventLog.awaitReadable();
        assertThat(total(id, "early-unit", "spend")).isEqualTo(4.0);
        assertThat(exposures(id, "early-unit")).isEqualTo(1);
        // a replayed exposure (the same request id) adds nothing
        publish(new ExposureRecord("early-request", ids[0], id, "control", "early-unit", ids[1], Instant.now(), 1,
                0.5, 0.5, 0.5));
        eventLog.awaitReadable();
        assertThat(exposures(id, "early-unit")).isEqualTo(1);
        assertThat(total(id, "early-unit", "spend")).isEqualTo(4.0);
    }

    @Test
    void shouldDeadLetterWhatCanNeverBeAppliedAndGoOn() {
        long id = experiment("kafka-bad", "kafka-bad");
        long[] ids = taskAndVersion(id, "control");
        publishRaw("junk-1", "not json at all".getBytes(StandardCharsets.UTF_8));
        publishRaw("junk-2", "{\"type\":\"kpi\",\"eventId\":\"x\",\"requestId\":\"r\",\"metric\":\"Bad Name\","
                .concat("\"value\":1,\"receivedAt\":\"2026-12-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
        // valid as a record, refused by the database: no such experiment (a foreign key)
        publish(new ExposureRecord("ghost-request", ids[0], 999_999L, "control", "ghost", ids[1], Instant.now(), 1,
                0.5, 0.5, 0.5));
        publish(new ExposureRecord("after-the-bad-ones", ids[0], id, "control", "good-unit", ids[1], Instant.now(), 1,
                0.5, 0.5, 0.5));
        eventLog.awaitReadable();
        assertThat(exposures(id, "good-unit")).isEqualTo(1);

        List<ConsumerRecord<String, byte[]>> letters = deadLetters(3);
        assertThat(letters).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("junk-1", "junk-2",
                "ghost-request");
        assertThat(letters).allSatisfy(l -> assertThat(l.headers().lastHeader("mptrec.reason")).isNotNull());
        String junk2 = new String(letters.stream().filter(l -> l.key().equals("junk-2")).findFirst().orElseThrow()
                .headers().lastHeader("mptrec.reason").value(), StandardCharsets.UTF_8);
        assertThat(junk2).contains("metric");
        assertThat(as("admin").get("/q/metrics").then().extract().asString())
                .containsPattern("mptrec_events_dead_letters_total(\\{[^}]*\\})? 3\\.0");
    }

    @Test
    void shouldReportWhereTheAggregatesStandAndRebuildAndReplayThem() {
        long id = experiment("kafka-ops", "kafka-ops");
        List<Map<String, Object>> kpi = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String request = as("erin").contentType("application/json").body(Map.of("task", "kafka-ops",
                            "unitId", "ops-" + i % 7, "rows", List.of(Map.of("age", "40", "sex", "f"))))
                    .post("/api/v1/score").then().statusCode(200).extract().path("requestId");
            kpi.add(Map.of("eventId", request + ":spend", "requestId", request, "metric", "spend", "value", i));
        }
        as("erin").contentType("application/json").body(Map.of("events", kpi)).post("/api/v1/events/kpi")
                .then().statusCode(200);
        eventLog.awaitReadable();
        Map<String, String> before = sums(id);
        assertThat(before).hasSize(7);
        Map<String, String> armsBefore = armSums(id);
        assertThat(armsBefore).containsKeys("arm|control", "metric|control|spend", "mixed");
        assertMinutesEndAtTheArmSums(id);

        // where it stands: every partition applied to its end, and results say how fresh they are
        JsonPath status = awaitStatusWithAsOf();
        assertThat(status.getString("transport")).isEqualTo("KAFKA");
        assertThat(status.getLong("lag")).isZero();
        assertThat(status.getList("partitions")).hasSize(4);
        for (int p = 0; p < 4; p++) {
            assertThat(status.getLong("partitions[" + p + "].nextOffset"))
                    .isEqualTo(status.getLong("partitions[" + p + "].endOffset"));
        }
        JsonPath results = as("dave").get("/api/v1/experiments/" + id + "/results").then().statusCode(200)
                .extract().jsonPath();
        assertThat(Instant.parse(results.getString("dataAsOf")))
                .isBeforeOrEqualTo(Instant.parse(results.getString("computedAt")));
        assertThat(as("admin").get("/q/metrics").then().extract().asString())
                .containsPattern("mptrec_events_lag(\\{[^}]*\\})? 0\\.0");

        // sums left wrong by hand are rebuilt from the raw rows
        update("UPDATE unit_aggregate SET exposures = exposures + 100 WHERE experiment_id = " + id);
        update("DELETE FROM unit_metric_aggregate WHERE experiment_id = " + id);
        assertThat(sums(id)).isNotEqualTo(before);
        as("admin").contentType("application/json").body("{}").post("/api/v1/events/pipeline/rebuild").then()
                .statusCode(200)
                .body("operation", equalTo("rebuild-from-rows"));
        assertThat(sums(id)).isEqualTo(before);
        assertThat(armSums(id)).isEqualTo(armsBefore);
        assertMinutesEndAtTheArmSums(id);

        // rows and sums lost (a restore from an old backup, say) come back from the topic
        update("DELETE FROM unit_metric_aggregate WHERE experiment_id = " + id);
        update("DELETE FROM unit_aggregate WHERE experiment_id = " + id);
        update("DELETE FROM kpi_event WHERE request_id IN (SELECT request_id FROM exposure WHERE experiment_id = "
                + id + ")");
        update("DELETE FROM exposure WHERE experiment_id = " + id);
        for (String table : List.of("arm_aggregate", "arm_metric_aggregate", "score_bin_aggregate",
                "score_bin_metric_aggregate", "arm_minute_aggregate", "arm_metric_minute_aggregate")) {
            update("DELETE FROM " + table + " WHERE experiment_id = " + id);
        }
        as("admin").contentType("application/json").body(Map.of("fromOffset", 0))
                .post("/api/v1/events/pipeline/replay").then().statusCode(200).body("operation", equalTo("replay"));
        eventLog.awaitReadable();
        assertThat(sums(id)).isEqualTo(before);
        assertThat(armSums(id)).isEqualTo(armsBefore);
        assertMinutesEndAtTheArmSums(id);
        // and a replay of what is stored adds nothing
        as("admin").contentType("application/json").body(Map.of("fromOffset", 0))
                .post("/api/v1/events/pipeline/replay").then().statusCode(200);
        eventLog.awaitReadable();
        assertThat(sums(id)).isEqualTo(before);
        assertThat(armSums(id)).isEqualTo(armsBefore);
        assertMinutesEndAtTheArmSums(id);

        as("admin").contentType("application/json").body(Map.of("fromOffset", -1))
                .post("/api/v1/events/pipeline/replay").then().statusCode(400).body("field", equalTo("fromOffset"));
        as("dave").contentType("application/json").body("{}").post("/api/v1/events/pipeline/rebuild").then()
                .statusCode(403);
    }

    @Test
    void shouldApplyNothingWhenThePartitionsOffsetMovedMeanwhile() {
        long id = experiment("kafka-stale", "kafka-stale");
        long[] ids = taskAndVersion(id, "control");
        eventLog.awaitReadable();
        long before = countExposures();
        ExposureRecord e = new ExposureRecord("stale-request", ids[0], id, "control", "stale-unit", ids[1],
                Instant.now(), 1, 0.5, 0.5, 0.5);
        // a member that lost partition 0 still holds a batch that starts at offset -1: it must change nothing
        assertThatThrownBy(() -> store.apply("mptrec-aggregator", topic,
                List.of(new AggregateStore.PartitionBatch(0, -1, 5, null, List.of(e)))))
                .isInstanceOf(AggregateStore.StaleOffset.class);
        assertThat(countExposures()).isEqualTo(before);
        assertThat(exposures(id, "stale-unit")).isZero();
    }

    // --- helpers

    private long experiment(String task, String name) {
        return runningExperiment(task, name, name.hashCode() & 0xffff);
    }

    private Observations observations(long id, UnitStatisticsReader.Source source) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Experiment e = Experiment.findById(id);
            var design = ResultsService.design(e);
            return reader.read(design, design.outcomeMetric(), source);
        });
    }

    private void publish(EventRecord record) {
        publishRaw(record.partitionKey(), EventCodec.encode(record));
    }

    private void publishRaw(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record's request id; null for a record that is not an event (the dead-letter test publishes some). */
    private static String requestIdOf(byte[] value) {
        try {
            return EventCodec.decode(value).requestId();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Every record of the event topic so far, read by a consumer of its own from each partition's start. */
    private List<ConsumerRecord<String, byte[]>> topicFromTheStart() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("reading the topic to its end").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(int expected) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.GROUP_ID_CONFIG, "test-dead-letters",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(deadLetterTopic));
            List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (letters.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(letters::add);
            }
            return letters;
        }
    }

    private long[] taskAndVersion(long experiment, String arm) {
        return query("SELECT e.task_id, a.prompt_version_id FROM experiment e JOIN experiment_arm a "
                + "ON a.experiment_id = e.id WHERE e.id = ? AND a.name = ?", s -> {
            s.setLong(1, experiment);
            s.setString(2, arm);
        }, r -> new long[] {r.getLong(1), r.getLong(2)});
    }

    private Double total(long experiment, String unit, String metric) {
        return query("SELECT SUM(total) FROM unit_metric_aggregate WHERE experiment_id = ? AND unit_id = ? "
                + "AND metric = ?", s -> {
            s.setLong(1, experiment);
            s.setString(2, unit);
            s.setString(3, metric);
        }, r -> {
            double v = r.getDouble(1);
            return r.wasNull() ? null : v;
        });
    }

    private long exposures(long experiment, String unit) {
        return query("SELECT COALESCE(SUM(exposures), 0) FROM unit_aggregate WHERE experiment_id = ? AND unit_id = ?",
                s -> {
                    s.setLong(1, experiment);
                    s.setString(2, unit);
                }, r -> r.getLong(1));
    }

    /** unit|arm -> "exposures spend-total" of the experiment's sums. */
    private Map<String, String> sums(long experiment) {
        Map<String, String> sums = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT a.unit_id, a.arm, a.exposures, m.total FROM unit_aggregate a LEFT JOIN unit_metric_aggregate m "
                        + "ON m.experiment_id = a.experiment_id AND m.unit_id = a.unit_id AND m.arm = a.arm "
                        + "AND m.metric = 'spend' WHERE a.experiment_id = ?")) {
            s.setLong(1, experiment);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sums.put(r.getString(1) + "|" + r.getString(2), r.getLong(3) + " " + r.getObject(4));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sums;
    }

    /** The time series' per-minute changes add up to the per-arm sums the results read, for arms and metrics. */
    private void assertMinutesEndAtTheArmSums(long experiment) {
        String arms = "SELECT arm, units, sum_n, sum_n2 FROM arm_aggregate WHERE experiment_id = " + experiment;
        String armMinutes = "SELECT arm, SUM(units), SUM(sum_n), SUM(sum_n2) FROM arm_minute_aggregate "
                + "WHERE experiment_id = " + experiment + " GROUP BY arm";
        String metrics = "SELECT arm, metric, positives, sum_y, sum_y2, sum_yn FROM arm_metric_aggregate "
                + "WHERE experiment_id = " + experiment;
        String metricMinutes = "SELECT arm, metric, SUM(positives), SUM(sum_y), SUM(sum_y2), SUM(sum_yn) "
                + "FROM arm_metric_minute_aggregate WHERE experiment_id = " + experiment + " GROUP BY arm, metric";
        for (String[] pair : new String[][] {{arms, armMinutes}, {metrics, metricMinutes}}) {
            assertThat(count("SELECT COUNT(*) FROM (" + pair[0] + ") x")).isPositive();
            for (String sql : List.of("(" + pair[0] + ") EXCEPT (" + pair[1] + ")",
                    "(" + pair[1] + ") EXCEPT (" + pair[0] + ")")) {
                assertThat(count("SELECT COUNT(*) FROM (" + sql + ") x")).as(sql).isZero();
            }
        }
    }

    private long count(String sql) {
        return this.<Long>query(sql, s -> {
        }, r -> r.getLong(1));
    }

    /** An arm's (score, purchase outcome) pairs from the tables, counted per score bin: {pairs, positives}. */
    private long[][] binnedPairs(long experiment, String arm) {
        List<long[]> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT b, "
                + "COUNT(*), SUM(o) FROM (SELECT " + ScoreBins.bin("e.score_first") + " AS b, CASE WHEN (SELECT "
                + "SUM(k.metric_value) FROM kpi_event k WHERE k.request_id = e.request_id AND k.metric = 'purchase') "
                + "> 0 THEN 1 ELSE 0 END AS o FROM exposure e WHERE e.experiment_id = ? AND e.arm = ?) x GROUP BY b ORDER BY b")) {
            s.setLong(1, experiment);
            s.setString(2, arm);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new long[] {r.getLong(2), r.getLong(3)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new long[][] {rows.stream().mapToLong(r -> r[0]).toArray(),
                rows.stream().mapToLong(r -> r[1]).toArray()};
    }

    /** The experiment's per-arm sums and score bins, one entry per row, the sums as doubles in text. */
    private Map<String, String> armSums(long experiment) {
        Map<String, String> sums = new java.util.TreeMap<>();
        String where = " WHERE experiment_id = " + experiment;
        List<String> queries = List.of(
                "SELECT 'mixed', mixed_units FROM experiment_aggregate" + where,
                "SELECT 'arm|' || arm, units || ' ' || sum_n::float8 || ' ' || sum_n2::float8 "
                        + "FROM arm_aggregate" + where,
                "SELECT 'metric|' || arm || '|' || metric, positives || ' ' || sum_y::float8 || ' ' "
                        + "|| sum_y2::float8 || ' ' || sum_yn::float8 FROM arm_metric_aggregate" + where,
                "SELECT 'bin|' || arm || '|' || bin, exposures || ' ' || sum_loss_if_negative::float8 "
                        + "FROM score_bin_aggregate" + where,
                "SELECT 'bin|' || arm || '|' || metric || '|' || bin, positives || ' ' "
                        + "|| sum_loss_change_if_positive::float8 FROM score_bin_metric_aggregate" + where);
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            for (String sql : queries) {
                try (ResultSet r = s.executeQuery(sql)) {
                    while (r.next()) {
                        sums.put(r.getString(1), r.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sums;
    }

    private void update(String sql) {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pipeline's status once every partition has reported how far it got (the idle stamp, within seconds). */
    private JsonPath awaitStatusWithAsOf() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonPath status = as("dave").get("/api/v1/events/pipeline").then().statusCode(200).extract().jsonPath();
            if (status.getString("asOf") != null || System.nanoTime() > deadline) {
                assertThat(status.getString("asOf")).as("asOf").isNotNull();
                return status;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private long countExposures() {
        return query("SELECT COUNT(*) FROM exposure", s -> {
        }, r -> r.getLong(1));
    }

    interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    interface Reader<T> {
        T read(ResultSet r) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return reader.read(r);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
