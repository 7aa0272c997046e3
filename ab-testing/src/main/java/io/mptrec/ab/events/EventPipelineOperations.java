package io.mptrec.ab.events;

import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.config.AbConfig.Events.Transport;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.kernel.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operator does with the Kafka path: read where it stands, rebuild the sums from the raw rows, replay the
 * topic from an offset. Refused (409) on the direct path, where results read the tables and nothing is aggregated.
 */
@ApplicationScoped
public class EventPipelineOperations {

    /** One partition: the next offset the aggregators apply, the topic's end and first offsets, the time applied. */
    public record PartitionStatus(int partition, Long nextOffset, long endOffset, long firstOffset, Long lag,
                                  Instant appliedUntil) {
    }

    /**
     * @param lag    records published and not yet applied, over all partitions
     * @param asOf   every record published before this time is applied (null while unknown)
     */
    public record Status(String transport, String topic, String group, Long lag, Instant asOf,
                         List<PartitionStatus> partitions) {
    }

    /** What a rebuild or replay did. */
    public record Outcome(String operation, long unitRows, long metricRows, Map<Integer, Long> offsets) {
    }

    static final int REBUILD_SECONDS = 3600;

    private final AbConfig.Events config;
    private final DataSource dataSource;
    private final EventTopics topics;
    private final AggregateProgress progress;

    public EventPipelineOperations(AbConfig config, DataSource dataSource, EventTopics topics,
                                   AggregateProgress progress) {
        this.config = config.events();
        this.dataSource = dataSource;
        this.topics = topics;
        this.progress = progress;
    }

    public Status status() {
        if (config.transport() != Transport.KAFKA) {
            return new Status(config.transport().name(), null, null, null, null, List.of());
        }
        String topic = config.kafka().topic();
        String group = config.aggregator().group();
        Map<Integer, Long> ends = topics.endOffsets();
        Map<Integer, Long> firsts = topics.firstOffsets();
        Map<Integer, AggregateProgress.Stored> stored = progress.stored(topic, group);
        List<PartitionStatus> partitions = new ArrayList<>();
        long lag = 0;
        for (Map.Entry<Integer, Long> end : new TreeMap<>(ends).entrySet()) {
            AggregateProgress.Stored row = stored.get(end.getKey());
            Long next = row == null ? null : row.nextOffset();
            long behind = Math.max(0, end.getValue() - (next == null ? firsts.getOrDefault(end.getKey(), 0L) : next));
            lag += behind;
            partitions.add(new PartitionStatus(end.getKey(), next, end.getValue(), firsts.getOrDefault(end.getKey(), 0L),
                    behind, row == null ? null : row.appliedUntil()));
        }
        return new Status(config.transport().name(), topic, group, lag, progress.asOf(), partitions);
    }

    /**
     * Recomputes every sum from the raw exposure and KPI rows, in one transaction that holds the aggregators off
     * (their next batch waits, then adds on top): for sums that a bug or a hand-made change left wrong.
     */
    public Outcome rebuildFromRows() {
        requireKafka();
        // minutes for tens of millions of rows, not the default transaction's 60 s
        return QuarkusTransaction.requiringNew().timeout(REBUILD_SECONDS).call(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("LOCK TABLE event_offset, unit_aggregate, unit_metric_aggregate, experiment_aggregate, "
                        + "arm_aggregate, arm_metric_aggregate, score_bin_aggregate, score_bin_metric_aggregate, "
                        + "arm_minute_aggregate, arm_metric_minute_aggregate, request_outcome IN EXCLUSIVE MODE");
                s.executeUpdate("DELETE FROM unit_metric_aggregate");
                s.executeUpdate("DELETE FROM unit_aggregate");
                long units = s.executeUpdate("INSERT INTO unit_aggregate (experiment_id, unit_id, arm, exposures) "
                        + "SELECT experiment_id, unit_id, arm, COUNT(*) FROM exposure WHERE experiment_id IS NOT NULL "
                        + "GROUP BY experiment_id, unit_id, arm");
                long metrics = s.executeUpdate("INSERT INTO unit_metric_aggregate (experiment_id, unit_id, arm, "
                        + "metric, total) SELECT e.experiment_id, e.unit_id, e.arm, k.metric, SUM(k.metric_value) "
                        + "FROM exposure e JOIN kpi_event k ON k.request_id = e.request_id "
                        + "WHERE e.experiment_id IS NOT NULL AND " + KpiValues.withinBoundSql("k.metric_value")
                        + " GROUP BY e.experiment_id, e.unit_id, e.arm, k.metric");
                ArmAggregates.rebuild(s);
                return new Outcome("rebuild-from-rows", units, metrics, Map.of());
            }
        });
    }

    /**
     * Moves every partition's stored offset back to {@code fromOffset} (a partition already before it stays): the
     * aggregators apply the records from there again, and those whose rows are stored add nothing. Refused when the
     * topic no longer holds that offset in some partition (its retention removed it) or the offset is negative.
     */
    public Outcome replayFrom(long fromOffset) {
        // the request first: a bad one is refused the same way whatever state the pipeline is in
        if (fromOffset < 0) {
            throw ApiException.badRequest("invalid-input", "fromOffset must be 0 or more, got " + fromOffset,
                    "fromOffset");
        }
        requireKafka();
        Map<Integer, Long> firsts = topics.firstOffsets();
        for (Map.Entry<Integer, Long> first : firsts.entrySet()) {
            if (first.getValue() > fromOffset) {
                throw ApiException.conflict("offset-gone", "partition " + first.getKey() + " of "
                        + config.kafka().topic() + " starts at offset " + first.getValue() + " (retention removed the "
                        + "rest): a replay from " + fromOffset + " would miss records; rebuild from the rows instead");
            }
        }
        String topic = config.kafka().topic();
        String group = config.aggregator().group();
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<Integer, Long> moved = new TreeMap<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "UPDATE event_offset SET next_offset = ? WHERE consumer_group = ? AND topic = ? "
                            + "AND partition_id = ? AND next_offset > ?")) {
                for (int partition : firsts.keySet()) {
                    s.setLong(1, fromOffset);
                    s.setString(2, group);
                    s.setString(3, topic);
                    s.setInt(4, partition);
                    s.setLong(5, fromOffset);
                    if (s.executeUpdate() == 1) {
                        moved.put(partition, fromOffset);
                    }
                }
            }
            return new Outcome("replay", 0, 0, moved);
        });
    }

    private void requireKafka() {
        if (config.transport() != Transport.KAFKA) {
            throw ApiException.conflict("no-aggregates", "exposures and events go straight to the database "
                    + "(mptrec.ab.events.transport=database): results read the tables, there is nothing to rebuild "
                    + "or replay");
        }
    }
}
