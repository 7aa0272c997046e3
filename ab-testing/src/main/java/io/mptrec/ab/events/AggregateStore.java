package io.mptrec.ab.events;

import io.mptrec.ab.events.EventRecord.ExposureRecord;
import io.mptrec.ab.events.EventRecord.KpiRecord;
import io.mptrec.ab.kpi.KpiValues;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Applies records of the event topic to the database in one transaction per batch (PostgreSQL): the raw exposure and
 * KPI rows (the audit trail; the time series reads them), the per-unit sums they change, the per-arm sums and score
 * bins the results read ({@link ArmAggregates}), and the partitions' offsets, moved with a compare-and-set from the
 * offset the aggregator started from. Hence the effect is exactly once: a batch whose offsets moved meanwhile (another
 * aggregator took the partition over) changes nothing, and a batch applied twice cannot be, since its offsets no longer
 * match. Rows already stored (a replay) add nothing: only newly inserted exposures and events change the sums.
 *
 * <p>An event before its exposure (the client was quick, or the exposure sat in a producer's buffer) is stored and
 * counted when its exposure arrives: a new exposure adds the events already stored for its request.
 */
@ApplicationScoped
public class AggregateStore {

    /**
     * One partition's share of a batch: records at offsets [from, next), {@code from} as read from the database.
     *
     * @param appliedUntil the partition's records before this time are applied with this batch (the last record's
     *                     time, or the poll's when nothing was left); null leaves the stored time
     */
    public record PartitionBatch(int partition, long from, long next, Instant appliedUntil,
                                 List<EventRecord> records) {
    }

    /** The partition's offset in the database is no longer the one the batch started from: nothing was applied. */
    public static final class StaleOffset extends RuntimeException {
        StaleOffset(int partition, long expected) {
            super("partition " + partition + " is no longer at offset " + expected + " in the database");
        }
    }

    private static final String CLAIM = "INSERT INTO event_offset (consumer_group, topic, partition_id, next_offset) "
            + "VALUES (?, ?, ?, 0) ON CONFLICT (consumer_group, topic, partition_id) DO NOTHING";
    private static final String READ = "SELECT next_offset FROM event_offset WHERE consumer_group = ? AND topic = ? "
            + "AND partition_id = ?";
    private static final String MOVE = "UPDATE event_offset SET next_offset = ?, applied_until = COALESCE(?, "
            + "applied_until) WHERE consumer_group = ? AND topic = ? AND partition_id = ? AND next_offset = ?";
    private static final String IDLE = "UPDATE event_offset SET applied_until = ? WHERE consumer_group = ? "
            + "AND topic = ? AND partition_id = ? AND next_offset = ?";
    private static final String EXPOSURES = "INSERT INTO exposure (request_id, task_id, experiment_id, arm, unit_id, "
            + "prompt_version_id, scored_at, candidates, score_first, score_mean, score_max) SELECT * FROM unnest("
            + "?::varchar[], ?::bigint[], ?::bigint[], ?::varchar[], ?::varchar[], ?::bigint[], "
            + "?::text[]::timestamptz[], ?::int[], ?::float8[], ?::float8[], ?::float8[]) "
            + "ON CONFLICT (request_id) DO NOTHING RETURNING request_id, experiment_id, arm, unit_id, score_first, "
            + "scored_at";
    private static final String STORED_EVENTS = "SELECT request_id, metric, SUM(metric_value), MAX(received_at) "
            + "FROM kpi_event WHERE request_id = ANY(?) AND " + KpiValues.withinBoundSql("metric_value")
            + " GROUP BY request_id, metric";
    private static final String OUTCOMES = "SELECT request_id, metric, total FROM request_outcome "
            + "WHERE request_id = ANY(?)";
    private static final String SET_OUTCOMES = "INSERT INTO request_outcome (request_id, metric, total) "
            + "SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::float8[]) ON CONFLICT (request_id, metric) "
            + "DO UPDATE SET total = EXCLUDED.total";
    private static final String EVENTS = "INSERT INTO kpi_event (event_id, request_id, metric, metric_value, "
            + "received_at) SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::float8[], "
            + "?::text[]::timestamptz[]) ON CONFLICT (event_id) DO NOTHING "
            + "RETURNING request_id, metric, metric_value, event_id, received_at";
    private static final String EXPOSED = "SELECT request_id, experiment_id, arm, unit_id, score_first, scored_at "
            + "FROM exposure "
            + "WHERE request_id = ANY(?) AND experiment_id IS NOT NULL";
    private static final String ADD_EXPOSURES = "INSERT INTO unit_aggregate (experiment_id, unit_id, arm, exposures) "
            + "SELECT * FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::bigint[]) "
            + "ON CONFLICT (experiment_id, unit_id, arm) DO UPDATE SET exposures = unit_aggregate.exposures "
            + "+ EXCLUDED.exposures RETURNING experiment_id, unit_id, arm, exposures";
    private static final String ADD_TOTALS = "INSERT INTO unit_metric_aggregate (experiment_id, unit_id, arm, metric, "
            + "total) SELECT * FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::float8[]) "
            + "ON CONFLICT (experiment_id, unit_id, arm, metric) DO UPDATE SET total = unit_metric_aggregate.total "
            + "+ EXCLUDED.total RETURNING experiment_id, unit_id, arm, metric, total";

    /** Where a request's exposure counts: its experiment, unit and arm. */
    private record Slot(long experimentId, String unitId, String arm) implements Comparable<Slot> {
        ArmAggregates.Unit unit() {
            return new ArmAggregates.Unit(experimentId, unitId);
        }

        @Override
        public int compareTo(Slot o) {
            int c = Long.compare(experimentId, o.experimentId);
            c = c != 0 ? c : unitId.compareTo(o.unitId);
            return c != 0 ? c : arm.compareTo(o.arm);
        }
    }

    /** A request's exposure in an experiment: where it counts and its first candidate's score. */
    private record Exposed(Slot slot, double score, Instant scoredAt, boolean newInBatch) {
    }

    private record MetricSlot(Slot slot, String metric) implements Comparable<MetricSlot> {
        @Override
        public int compareTo(MetricSlot o) {
            int c = slot.compareTo(o.slot);
            return c != 0 ? c : metric.compareTo(o.metric);
        }
    }

    private final DataSource dataSource;

    public AggregateStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Refuses to go on, saying who needs it, unless the database is PostgreSQL (the SQL here is PostgreSQL's). */
    static void requirePostgresql(DataSource dataSource, String who) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!product.toLowerCase().contains("postgres")) {
                throw new IllegalStateException(who + " needs PostgreSQL; this database is " + product
                        + " (the embedded H2 run keeps the default mptrec.ab.events.transport=database)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database: " + e.getMessage(), e);
        }
    }

    /** The partition's next offset for the group, creating its row at 0 the first time. */
    public long claim(String group, String topic, int partition) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement s = c.prepareStatement(CLAIM)) {
                    s.setString(1, group);
                    s.setString(2, topic);
                    s.setInt(3, partition);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(READ)) {
                    s.setString(1, group);
                    s.setString(2, topic);
                    s.setInt(3, partition);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        return r.getLong(1);
                    }
                }
            }
        });
    }

    /**
     * Stamps partitions that had nothing left to apply at {@code at}, if they are still at the given offsets; returns
     * those that are not (another member, or a replay, moved them: the caller seeks again).
     */
    public List<Integer> idle(String group, String topic, Map<Integer, Long> nextByPartition, Instant at) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Integer> moved = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(IDLE)) {
                for (Map.Entry<Integer, Long> p : nextByPartition.entrySet()) {
                    s.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                    s.setString(2, group);
                    s.setString(3, topic);
                    s.setInt(4, p.getKey());
                    s.setLong(5, p.getValue());
                    if (s.executeUpdate() != 1) {
                        moved.add(p.getKey());
                    }
                }
            }
            return moved;
        });
    }

    /** Applies the batches in one transaction, or nothing ({@link StaleOffset}, or the database's error). */
    public void apply(String group, String topic, List<PartitionBatch> batches) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection()) {
                apply(c, group, topic, batches);
            } catch (SQLException e) {
                throw new AggregateStoreException(e);
            }
        });
    }

    private void apply(Connection c, String group, String topic, List<PartitionBatch> batches) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(MOVE)) {
            for (PartitionBatch b : batches) {
                s.setLong(1, b.next());
                if (b.appliedUntil() == null) {
                    s.setNull(2, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    s.setObject(2, OffsetDateTime.ofInstant(b.appliedUntil(), ZoneOffset.UTC));
                }
                s.setString(3, group);
                s.setString(4, topic);
                s.setInt(5, b.partition());
                s.setLong(6, b.from());
                if (s.executeUpdate() != 1) {
                    throw new StaleOffset(b.partition(), b.from());
                }
            }
        }
        List<ExposureRecord> exposures = new ArrayList<>();
        Map<String, KpiRecord> events = new TreeMap<>(); // by event id, the first kept (as the direct path does)
        for (PartitionBatch b : batches) {
            for (EventRecord r : b.records()) {
                if (r instanceof ExposureRecord e) {
                    exposures.add(e);
                } else if (r instanceof KpiRecord k) {
                    events.putIfAbsent(k.eventId(), k);
                }
            }
        }
        Map<Slot, Long> addExposures = new TreeMap<>();
        Map<MetricSlot, Double> addTotals = new TreeMap<>();
        Map<String, Exposed> touched = new HashMap<>(); // requests whose outcomes may change, by id
        Map<String, Map<String, Double>> requestAdds = new TreeMap<>(); // what the batch adds to their totals
        Map<ArmAggregates.Unit, Long> minutes = new HashMap<>(); // per unit, the minute of its latest change
        BiConsumer<Slot, Instant> changed = (slot, at) -> minutes.merge(slot.unit(),
                Math.floorDiv(at.getEpochSecond(), 60), Math::max);
        if (!exposures.isEmpty()) {
            Map<String, Exposed> newInExperiments = insertExposures(c, exposures);
            newInExperiments.values().forEach(e -> {
                addExposures.merge(e.slot(), 1L, Long::sum);
                changed.accept(e.slot(), e.scoredAt());
            });
            touched.putAll(newInExperiments);
            if (!newInExperiments.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(STORED_EVENTS)) {
                    s.setArray(1, c.createArrayOf("varchar", newInExperiments.keySet().toArray()));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            Slot slot = newInExperiments.get(r.getString(1)).slot();
                            addTotals.merge(new MetricSlot(slot, r.getString(2)), r.getDouble(3), Double::sum);
                            requestAdds.computeIfAbsent(r.getString(1), k -> new TreeMap<>())
                                    .merge(r.getString(2), r.getDouble(3), Double::sum);
                            changed.accept(slot, instant(r, 4)); // an event earlier than its exposure's arrival
                        }
                    }
                }
            }
        }
        if (!events.isEmpty()) {
            List<Object[]> inserted = insertEvents(c, events.values());
            Map<String, Exposed> exposed = exposed(c, inserted);
            for (Object[] e : inserted) {
                Exposed exposure = exposed.get((String) e[0]);
                if (exposure != null) {
                    addTotals.merge(new MetricSlot(exposure.slot(), (String) e[1]), (Double) e[2], Double::sum);
                    touched.putIfAbsent((String) e[0], exposure);
                    requestAdds.computeIfAbsent((String) e[0], k -> new TreeMap<>())
                            .merge((String) e[1], (Double) e[2], Double::sum);
                    Instant received = (Instant) e[4];
                    changed.accept(exposure.slot(), received.isAfter(exposure.scoredAt()) ? received
                            : exposure.scoredAt());
                }
            }
        }
        if (addExposures.isEmpty() && addTotals.isEmpty()) {
            return;
        }
        SortedSet<Long> experiments = new TreeSet<>();
        SortedSet<ArmAggregates.Unit> units = new TreeSet<>();
        addExposures.keySet().forEach(slot -> units.add(slot.unit()));
        addTotals.keySet().forEach(m -> units.add(m.slot().unit()));
        units.forEach(u -> experiments.add(u.experimentId()));
        ArmAggregates.lock(c, experiments);
        Map<ArmAggregates.Unit, ArmAggregates.UnitState> before = ArmAggregates.read(c, units);
        Map<ArmAggregates.Unit, ArmAggregates.UnitState> after = new HashMap<>();
        before.forEach((unit, state) -> after.put(unit, state.copy()));
        upsertExposures(c, addExposures, after);
        upsertTotals(c, addTotals, after);
        ArmAggregates.addChanges(c, before, after, minutes);
        ArmAggregates.addScores(c, touched.values().stream().filter(Exposed::newInBatch)
                .map(e -> new ArmAggregates.ScoredExposure(e.slot().experimentId(), e.slot().arm(), e.score()))
                .toList(), outcomeChanges(c, touched, requestAdds));
    }

    /**
     * The outcomes that changed: per touched request and metric, the sign of its stored total (none for an exposure new
     * in the batch) against the sign of that total plus what the batch adds, which is then stored.
     */
    private static List<ArmAggregates.OutcomeChange> outcomeChanges(Connection c, Map<String, Exposed> touched,
                                                                     Map<String, Map<String, Double>> adds)
            throws SQLException {
        List<ArmAggregates.OutcomeChange> changes = new ArrayList<>();
        // a new exposure starts from the events stored for it: a total left from before (rows restored or deleted by
        // hand) does not count
        try (PreparedStatement s = c.prepareStatement("DELETE FROM request_outcome WHERE request_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("varchar", touched.entrySet().stream()
                    .filter(e -> e.getValue().newInBatch()).map(Map.Entry::getKey).toArray()));
            s.executeUpdate();
        }
        if (adds.isEmpty()) {
            return changes;
        }
        Map<String, Double> stored = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(OUTCOMES)) {
            s.setArray(1, c.createArrayOf("varchar", adds.keySet().stream()
                    .filter(r -> !touched.get(r).newInBatch()).toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    stored.put(r.getString(1) + '\n' + r.getString(2), r.getDouble(3));
                }
            }
        }
        List<Object[]> totals = new ArrayList<>();
        adds.forEach((request, byMetric) -> byMetric.forEach((metric, add) -> {
            Exposed e = touched.get(request);
            double before = stored.getOrDefault(request + '\n' + metric, 0.0);
            double after = before + add;
            boolean positiveBefore = !e.newInBatch() && before > 0;
            if ((after > 0) != positiveBefore) {
                changes.add(new ArmAggregates.OutcomeChange(e.slot().experimentId(), e.slot().arm(), metric,
                        e.score(), after > 0 ? 1 : -1));
            }
            totals.add(new Object[] {request, metric, after});
        }));
        try (PreparedStatement s = c.prepareStatement(SET_OUTCOMES)) {
            ArmAggregates.bindColumns(c, s, totals, "varchar", "varchar", "float8");
            s.executeUpdate();
        }
        return changes;
    }

    /** Inserts the exposures; returns the new ones that belong to an experiment, by request id. */
    private Map<String, Exposed> insertExposures(Connection c, List<ExposureRecord> exposures) throws SQLException {
        int n = exposures.size();
        Object[][] columns = new Object[11][n];
        for (int i = 0; i < n; i++) {
            ExposureRecord e = exposures.get(i);
            columns[0][i] = e.requestId();
            columns[1][i] = e.taskId();
            columns[2][i] = e.experimentId();
            columns[3][i] = e.arm();
            columns[4][i] = e.unitId();
            columns[5][i] = e.promptVersionId();
            columns[6][i] = e.scoredAt().toString();
            columns[7][i] = e.candidates();
            columns[8][i] = e.scoreFirst();
            columns[9][i] = e.scoreMean();
            columns[10][i] = e.scoreMax();
        }
        String[] types = {"varchar", "int8", "int8", "varchar", "varchar", "int8", "text", "int4", "float8", "float8",
                "float8"};
        Map<String, Exposed> slots = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(EXPOSURES)) {
            for (int col = 0; col < columns.length; col++) {
                s.setArray(col + 1, c.createArrayOf(types[col], columns[col]));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long experiment = r.getLong(2);
                    if (!r.wasNull()) {
                        slots.put(r.getString(1), new Exposed(new Slot(experiment, r.getString(4), r.getString(3)),
                                r.getDouble(5), instant(r, 6), true));
                    }
                }
            }
        }
        return slots;
    }

    /** Inserts the events; returns the new ones as (request id, metric, value, event id, received at). */
    private static List<Object[]> insertEvents(Connection c, java.util.Collection<KpiRecord> events)
            throws SQLException {
        List<KpiRecord> list = List.copyOf(events);
        int n = list.size();
        Object[][] columns = new Object[5][n];
        for (int i = 0; i < n; i++) {
            KpiRecord k = list.get(i);
            columns[0][i] = k.eventId();
            columns[1][i] = k.requestId();
            columns[2][i] = k.metric();
            columns[3][i] = k.value();
            columns[4][i] = k.receivedAt().toString();
        }
        String[] types = {"varchar", "varchar", "varchar", "float8", "text"};
        List<Object[]> inserted = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(EVENTS)) {
            for (int col = 0; col < columns.length; col++) {
                s.setArray(col + 1, c.createArrayOf(types[col], columns[col]));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inserted.add(new Object[] {r.getString(1), r.getString(2), r.getDouble(3), r.getString(4),
                            instant(r, 5)});
                }
            }
        }
        return inserted;
    }

    /** The experiment slots of the events' requests, for those exposed in an experiment. */
    private static Map<String, Exposed> exposed(Connection c, List<Object[]> events) throws SQLException {
        Map<String, Exposed> slots = new HashMap<>();
        if (events.isEmpty()) {
            return slots;
        }
        try (PreparedStatement s = c.prepareStatement(EXPOSED)) {
            s.setArray(1, c.createArrayOf("varchar", events.stream().map(e -> e[0]).distinct().toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    slots.put(r.getString(1), new Exposed(new Slot(r.getLong(2), r.getString(4), r.getString(3)),
                            r.getDouble(5), instant(r, 6), false));
                }
            }
        }
        return slots;
    }

    /** Adds exposures per slot, in key order, and records the units' new counts in {@code after}. */
    private static void upsertExposures(Connection c, Map<Slot, Long> add,
                                        Map<ArmAggregates.Unit, ArmAggregates.UnitState> after) throws SQLException {
        if (add.isEmpty()) {
            return;
        }
        List<Slot> slots = List.copyOf(add.keySet());
        try (PreparedStatement s = c.prepareStatement(ADD_EXPOSURES)) {
            s.setArray(1, c.createArrayOf("int8", slots.stream().map(Slot::experimentId).toArray()));
            s.setArray(2, c.createArrayOf("varchar", slots.stream().map(Slot::unitId).toArray()));
            s.setArray(3, c.createArrayOf("varchar", slots.stream().map(Slot::arm).toArray()));
            s.setArray(4, c.createArrayOf("int8", add.values().toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    after.get(new ArmAggregates.Unit(r.getLong(1), r.getString(2))).exposures
                            .put(r.getString(3), r.getLong(4));
                }
            }
        }
    }

    /** Adds totals per metric slot, in key order, and records the units' new totals in {@code after}. */
    private static void upsertTotals(Connection c, Map<MetricSlot, Double> add,
                                     Map<ArmAggregates.Unit, ArmAggregates.UnitState> after) throws SQLException {
        if (add.isEmpty()) {
            return;
        }
        List<MetricSlot> slots = List.copyOf(add.keySet());
        try (PreparedStatement s = c.prepareStatement(ADD_TOTALS)) {
            s.setArray(1, c.createArrayOf("int8", slots.stream().map(m -> m.slot().experimentId()).toArray()));
            s.setArray(2, c.createArrayOf("varchar", slots.stream().map(m -> m.slot().unitId()).toArray()));
            s.setArray(3, c.createArrayOf("varchar", slots.stream().map(m -> m.slot().arm()).toArray()));
            s.setArray(4, c.createArrayOf("varchar", slots.stream().map(MetricSlot::metric).toArray()));
            s.setArray(5, c.createArrayOf("float8", add.values().toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    after.get(new ArmAggregates.Unit(r.getLong(1), r.getString(2))).totals
                            .computeIfAbsent(r.getString(3), a -> new TreeMap<>()).put(r.getString(4), r.getDouble(5));
                }
            }
        }
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        return r.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** The database refused or failed the batch; nothing of it was applied. */
    public static final class AggregateStoreException extends RuntimeException {
        AggregateStoreException(SQLException cause) {
            super("could not apply the batch: " + cause.getMessage(), cause);
        }
    }
}
