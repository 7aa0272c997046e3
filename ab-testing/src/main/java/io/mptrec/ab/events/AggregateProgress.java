package io.mptrec.ab.events;

import io.mptrec.ab.config.AbConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How far the aggregates have got, read from the offsets the aggregator commits with them ({@code event_offset}):
 * the records still to apply, the time up to which results are complete, and a wait until everything published
 * so far is applied.
 */
@ApplicationScoped
public class AggregateProgress {

    static final long AWAIT_SECONDS = 60;

    private final DataSource dataSource;
    private final EventTopics topics;
    private final AbConfig.Events config;

    public AggregateProgress(DataSource dataSource, EventTopics topics, AbConfig config) {
        this.dataSource = dataSource;
        this.topics = topics;
        this.config = config.events();
    }

    /** One partition as the database holds it: the next offset to apply, and the time applied until (or null). */
    public record Stored(long nextOffset, Instant appliedUntil) {
    }

    /** Per partition, where the group stands (partitions it never applied are absent), in partition order. */
    public Map<Integer, Stored> stored(String topic, String group) {
        Map<Integer, Stored> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT partition_id, next_offset, applied_until FROM event_offset WHERE consumer_group = ? "
                        + "AND topic = ?")) {
            s.setString(1, group);
            s.setString(2, topic);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    OffsetDateTime until = r.getObject(3, OffsetDateTime.class);
                    rows.put(r.getInt(1), new Stored(r.getLong(2), until == null ? null : until.toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the aggregator's offsets: " + e.getMessage(), e);
        }
        return rows;
    }

    /** Per partition, the next offset the group will apply (partitions it never applied are absent). */
    public Map<Integer, Long> applied(String topic, String group) {
        Map<Integer, Long> next = new HashMap<>();
        stored(topic, group).forEach((partition, row) -> next.put(partition, row.nextOffset()));
        return next;
    }

    /** Records published and not yet applied, over all partitions. */
    public long lag() {
        Map<Integer, Long> applied = applied(config.kafka().topic(), config.aggregator().group());
        long lag = 0;
        for (Map.Entry<Integer, Long> end : topics.endOffsets().entrySet()) {
            lag += Math.max(0, end.getValue() - applied.getOrDefault(end.getKey(), 0L));
        }
        return lag;
    }

    /**
     * The time before which every record published is in the aggregates: the oldest of the partitions'
     * {@code applied_until}; null while a partition has none yet, or when the brokers cannot say how many there are.
     */
    public Instant asOf() {
        int partitions;
        try {
            partitions = topics.endOffsets().size();
        } catch (IllegalStateException brokersAway) {
            return null;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(applied_until), MIN(applied_until) FROM event_offset WHERE consumer_group = ? "
                        + "AND topic = ?")) {
            s.setString(1, config.aggregator().group());
            s.setString(2, config.kafka().topic());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(1) < partitions) {
                    return null;
                }
                return r.getObject(2, OffsetDateTime.class).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the aggregator's offsets: " + e.getMessage(), e);
        }
    }

    /** Returns once the group has applied every record the topic held when called; fails after 60 s. */
    public void awaitApplied(String topic, String group) {
        Map<Integer, Long> ends = topics.endOffsets();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (true) {
            Map<Integer, Long> applied = applied(topic, group);
            boolean done = ends.entrySet().stream()
                    .allMatch(end -> end.getValue() == 0 || applied.getOrDefault(end.getKey(), 0L) >= end.getValue());
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the aggregator (group " + group + ") has not applied " + topic
                        + " up to " + ends + " within " + AWAIT_SECONDS + " s (applied: " + applied
                        + "); is one running (mptrec.ab.events.aggregator.enabled=true)?");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
