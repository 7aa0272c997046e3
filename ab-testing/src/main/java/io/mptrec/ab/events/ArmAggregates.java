package io.mptrec.ab.events;

import io.mptrec.ab.kpi.KpiValues;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

import static io.mptrec.ab.events.ScoreBins.bin;
import static io.mptrec.ab.events.ScoreBins.lossChangeIfPositive;
import static io.mptrec.ab.events.ScoreBins.lossIfNegative;

/**
 * The per-arm sums the results read on the Kafka path (V10), kept by the aggregator in the transaction that changes
 * the per-unit sums they are made of, and rebuilt from those. A unit adds to its arm's sums (1 unit, N, N^2 and per
 * metric Y > 0, Y, Y^2, YN) while it is seen in that arm only, and to its experiment's mixed units once it is seen in
 * more: so a batch takes away every touched unit's contribution before the batch and adds the one after. The
 * contributions are computed by the same SQL terms here and in the rebuild, in NUMERIC, so that what is added and
 * later taken away cancels exactly.
 *
 * <p>Online model quality is kept per exposure in bins of its first candidate's score ({@link ScoreBins}): exposures
 * and loss terms per bin, and per metric the exposures whose request's total of the metric is > 0 (a total summed in
 * event order, so that the same events always give the same sign).
 */
final class ArmAggregates {

    /** One unit of an experiment. */
    record Unit(long experimentId, String unitId) implements Comparable<Unit> {
        @Override
        public int compareTo(Unit o) {
            int c = Long.compare(experimentId, o.experimentId);
            return c != 0 ? c : unitId.compareTo(o.unitId);
        }
    }

    /** A unit's per-unit sums: exposures by arm, and by arm its metric totals. */
    static final class UnitState {
        final Map<String, Long> exposures = new TreeMap<>();
        final Map<String, Map<String, Double>> totals = new TreeMap<>();

        UnitState copy() {
            UnitState c = new UnitState();
            c.exposures.putAll(exposures);
            totals.forEach((arm, byMetric) -> c.totals.put(arm, new TreeMap<>(byMetric)));
            return c;
        }
    }

    /** An exposure of an experiment whose outcome for a metric turned positive (sign 1) or back (sign -1). */
    record OutcomeChange(long experimentId, String arm, String metric, double score, int sign) {
    }

    /** A new exposure of an experiment, for its score bin. */
    record ScoredExposure(long experimentId, String arm, double score) {
    }

    private static final String ARM_TERMS = "SUM(s), SUM(s * CAST(n AS NUMERIC)), "
            + "SUM(s * CAST(n AS NUMERIC) * CAST(n AS NUMERIC))";
    private static final String METRIC_TERMS = "SUM(s * CASE WHEN y > 0 THEN 1 ELSE 0 END), "
            + "SUM(s * CAST(y AS NUMERIC)), SUM(s * CAST(y AS NUMERIC) * CAST(y AS NUMERIC)), "
            + "SUM(s * CAST(y AS NUMERIC) * CAST(n AS NUMERIC))";
    private static final String ADD_ARMS = "INSERT INTO arm_aggregate (experiment_id, arm, units, sum_n, sum_n2) "
            + "SELECT e, a, " + ARM_TERMS + " FROM unnest(?::bigint[], ?::varchar[], ?::int[], ?::bigint[]) "
            + "AS t(e, a, s, n) GROUP BY e, a ORDER BY e, a ON CONFLICT (experiment_id, arm) DO UPDATE SET "
            + "units = arm_aggregate.units + EXCLUDED.units, sum_n = arm_aggregate.sum_n + EXCLUDED.sum_n, "
            + "sum_n2 = arm_aggregate.sum_n2 + EXCLUDED.sum_n2";
    private static final String ADD_METRICS = "INSERT INTO arm_metric_aggregate (experiment_id, arm, metric, "
            + "positives, sum_y, sum_y2, sum_yn) SELECT e, a, m, " + METRIC_TERMS + " FROM unnest(?::bigint[], "
            + "?::varchar[], ?::varchar[], ?::int[], ?::bigint[], ?::float8[]) AS t(e, a, m, s, n, y) "
            + "GROUP BY e, a, m ORDER BY e, a, m ON CONFLICT (experiment_id, arm, metric) DO UPDATE SET "
            + "positives = arm_metric_aggregate.positives + EXCLUDED.positives, "
            + "sum_y = arm_metric_aggregate.sum_y + EXCLUDED.sum_y, "
            + "sum_y2 = arm_metric_aggregate.sum_y2 + EXCLUDED.sum_y2, "
            + "sum_yn = arm_metric_aggregate.sum_yn + EXCLUDED.sum_yn";
    private static final String ADD_MIXED = "UPDATE experiment_aggregate SET mixed_units = mixed_units + ? "
            + "WHERE experiment_id = ?";
    private static final String ADD_BINS = "INSERT INTO score_bin_aggregate (experiment_id, arm, bin, exposures, "
            + "sum_loss_if_negative) SELECT e, a, " + bin("p") + ", COUNT(*), SUM(" + lossIfNegative("p") + ") "
            + "FROM unnest(?::bigint[], ?::varchar[], ?::float8[]) AS t(e, a, p) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 "
            + "ON CONFLICT (experiment_id, arm, bin) DO UPDATE SET "
            + "exposures = score_bin_aggregate.exposures + EXCLUDED.exposures, sum_loss_if_negative = "
            + "score_bin_aggregate.sum_loss_if_negative + EXCLUDED.sum_loss_if_negative";
    private static final String ADD_METRIC_BINS = "INSERT INTO score_bin_metric_aggregate (experiment_id, arm, metric, "
            + "bin, positives, sum_loss_change_if_positive) SELECT e, a, m, " + bin("p") + ", SUM(s), SUM(s * "
            + lossChangeIfPositive("p") + ") FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::float8[], "
            + "?::int[]) AS t(e, a, m, p, s) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
            + "ON CONFLICT (experiment_id, arm, metric, bin) DO UPDATE SET "
            + "positives = score_bin_metric_aggregate.positives + EXCLUDED.positives, sum_loss_change_if_positive = "
            + "score_bin_metric_aggregate.sum_loss_change_if_positive + EXCLUDED.sum_loss_change_if_positive";
    /** A request's total of a metric, summed in event order: the sign of the same events is always the same. */
    static final String REQUEST_TOTAL = "SUM(metric_value ORDER BY id)";

    private ArmAggregates() {
    }

    /**
     * Locks the experiments' rows (creating them the first time), in id order: one aggregator at a time changes an
     * experiment's sums, since a unit's contribution depends on all of its rows, which other partitions change too.
     */
    static void lock(Connection c, SortedSet<Long> experiments) throws SQLException {
        if (experiments.isEmpty()) {
            return;
        }
        Object[] ids = experiments.toArray();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO experiment_aggregate (experiment_id) "
                + "SELECT * FROM unnest(?::bigint[]) ON CONFLICT (experiment_id) DO NOTHING")) {
            s.setArray(1, c.createArrayOf("int8", ids));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT experiment_id FROM experiment_aggregate "
                + "WHERE experiment_id = ANY(?) ORDER BY experiment_id FOR UPDATE")) {
            s.setArray(1, c.createArrayOf("int8", ids));
            s.executeQuery().close();
        }
    }

    /** The units' per-unit sums as stored (an absent unit has an empty state). */
    static Map<Unit, UnitState> read(Connection c, Collection<Unit> units) throws SQLException {
        Map<Unit, UnitState> states = new HashMap<>();
        units.forEach(u -> states.put(u, new UnitState()));
        if (units.isEmpty()) {
            return states;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT x.experiment_id, x.unit_id, x.arm, x.exposures, "
                + "m.metric, m.total FROM unit_aggregate x JOIN unnest(?::bigint[], ?::varchar[]) AS t(e, u) "
                + "ON x.experiment_id = t.e AND x.unit_id = t.u LEFT JOIN unit_metric_aggregate m "
                + "ON m.experiment_id = x.experiment_id AND m.unit_id = x.unit_id AND m.arm = x.arm")) {
            s.setArray(1, c.createArrayOf("int8", units.stream().map(Unit::experimentId).toArray()));
            s.setArray(2, c.createArrayOf("varchar", units.stream().map(Unit::unitId).toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    UnitState state = states.get(new Unit(r.getLong(1), r.getString(2)));
                    state.exposures.put(r.getString(3), r.getLong(4));
                    if (r.getString(5) != null) {
                        state.totals.computeIfAbsent(r.getString(3), a -> new TreeMap<>())
                                .put(r.getString(5), r.getDouble(6));
                    }
                }
            }
        }
        return states;
    }

    /** Adds to the per-arm sums each unit's contribution after the batch less its contribution before. */
    static void addChanges(Connection c, Map<Unit, UnitState> before, Map<Unit, UnitState> after)
            throws SQLException {
        Contributions changes = new Contributions();
        for (Map.Entry<Unit, UnitState> unit : after.entrySet()) {
            changes.add(unit.getKey().experimentId(), before.get(unit.getKey()), -1);
            changes.add(unit.getKey().experimentId(), unit.getValue(), 1);
        }
        changes.write(c);
    }

    /** The score bins' changes: new exposures, and outcomes that turned positive or back. */
    static void addScores(Connection c, List<ScoredExposure> exposures, List<OutcomeChange> outcomes)
            throws SQLException {
        if (!exposures.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(ADD_BINS)) {
                s.setArray(1, c.createArrayOf("int8", exposures.stream().map(ScoredExposure::experimentId).toArray()));
                s.setArray(2, c.createArrayOf("varchar", exposures.stream().map(ScoredExposure::arm).toArray()));
                s.setArray(3, c.createArrayOf("float8", exposures.stream().map(ScoredExposure::score).toArray()));
                s.executeUpdate();
            }
        }
        if (!outcomes.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(ADD_METRIC_BINS)) {
                s.setArray(1, c.createArrayOf("int8", outcomes.stream().map(OutcomeChange::experimentId).toArray()));
                s.setArray(2, c.createArrayOf("varchar", outcomes.stream().map(OutcomeChange::arm).toArray()));
                s.setArray(3, c.createArrayOf("varchar", outcomes.stream().map(OutcomeChange::metric).toArray()));
                s.setArray(4, c.createArrayOf("float8", outcomes.stream().map(OutcomeChange::score).toArray()));
                s.setArray(5, c.createArrayOf("int4", outcomes.stream().map(OutcomeChange::sign).toArray()));
                s.executeUpdate();
            }
        }
    }

    /** Recomputes every per-arm sum and score bin from the per-unit sums and the raw rows (the rebuild). */
    static void rebuild(Statement s) throws SQLException {
        for (String table : List.of("score_bin_metric_aggregate", "score_bin_aggregate", "arm_metric_aggregate",
                "arm_aggregate", "experiment_aggregate")) {
            s.executeUpdate("DELETE FROM " + table);
        }
        String singleArm = "SELECT experiment_id, unit_id FROM unit_aggregate GROUP BY experiment_id, unit_id "
                + "HAVING COUNT(*) = 1";
        s.executeUpdate("INSERT INTO experiment_aggregate (experiment_id, mixed_units) SELECT experiment_id, "
                + "SUM(CASE WHEN arms > 1 THEN 1 ELSE 0 END) FROM (SELECT experiment_id, COUNT(*) AS arms "
                + "FROM unit_aggregate GROUP BY experiment_id, unit_id) u GROUP BY experiment_id");
        s.executeUpdate("INSERT INTO arm_aggregate (experiment_id, arm, units, sum_n, sum_n2) SELECT e, a, "
                + ARM_TERMS + " FROM (SELECT x.experiment_id AS e, x.arm AS a, 1 AS s, x.exposures AS n "
                + "FROM unit_aggregate x WHERE (x.experiment_id, x.unit_id) IN (" + singleArm + ")) t GROUP BY e, a");
        s.executeUpdate("INSERT INTO arm_metric_aggregate (experiment_id, arm, metric, positives, sum_y, sum_y2, "
                + "sum_yn) SELECT e, a, m, " + METRIC_TERMS + " FROM (SELECT x.experiment_id AS e, x.arm AS a, "
                + "m.metric AS m, 1 AS s, x.exposures AS n, m.total AS y FROM unit_aggregate x "
                + "JOIN unit_metric_aggregate m ON m.experiment_id = x.experiment_id AND m.unit_id = x.unit_id "
                + "AND m.arm = x.arm WHERE (x.experiment_id, x.unit_id) IN (" + singleArm + ")) t GROUP BY e, a, m");
        s.executeUpdate("INSERT INTO score_bin_aggregate (experiment_id, arm, bin, exposures, sum_loss_if_negative) "
                + "SELECT experiment_id, arm, " + bin("score_first") + ", COUNT(*), SUM("
                + lossIfNegative("score_first") + ") FROM exposure WHERE experiment_id IS NOT NULL GROUP BY 1, 2, 3");
        s.executeUpdate("INSERT INTO score_bin_metric_aggregate (experiment_id, arm, metric, bin, positives, "
                + "sum_loss_change_if_positive) SELECT e.experiment_id, e.arm, k.metric, " + bin("e.score_first")
                + ", COUNT(*), SUM(" + lossChangeIfPositive("e.score_first") + ") FROM exposure e JOIN ("
                + "SELECT request_id, metric FROM kpi_event WHERE " + inRange() + " GROUP BY request_id, metric "
                + "HAVING " + REQUEST_TOTAL + " > 0) k ON k.request_id = e.request_id "
                + "WHERE e.experiment_id IS NOT NULL GROUP BY 1, 2, 3, 4");
    }

    /** KPI values that enter a statistic (beyond the accepted bound only rows written behind the API's back). */
    static String inRange() {
        return "ABS(metric_value) <= " + KpiValues.MAX_ABS;
    }

    /** Per-unit contributions with their signs, as the columns of the two upserts and the mixed counts. */
    private static final class Contributions {
        final List<Object[]> arms = new ArrayList<>();
        final List<Object[]> metrics = new ArrayList<>();
        final Map<Long, Long> mixed = new TreeMap<>();

        void add(long experimentId, UnitState state, int sign) {
            if (state.exposures.isEmpty()) {
                return;
            }
            if (state.exposures.size() > 1) {
                mixed.merge(experimentId, (long) sign, Long::sum);
                return;
            }
            Map.Entry<String, Long> arm = state.exposures.entrySet().iterator().next();
            arms.add(new Object[] {experimentId, arm.getKey(), sign, arm.getValue()});
            state.totals.getOrDefault(arm.getKey(), Map.of()).forEach((metric, y) ->
                    metrics.add(new Object[] {experimentId, arm.getKey(), metric, sign, arm.getValue(), y}));
        }

        void write(Connection c) throws SQLException {
            if (!arms.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(ADD_ARMS)) {
                    bindColumns(c, s, arms, "int8", "varchar", "int4", "int8");
                    s.executeUpdate();
                }
            }
            if (!metrics.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(ADD_METRICS)) {
                    bindColumns(c, s, metrics, "int8", "varchar", "varchar", "int4", "int8", "float8");
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement(ADD_MIXED)) {
                for (Map.Entry<Long, Long> m : mixed.entrySet()) {
                    if (m.getValue() != 0) {
                        s.setLong(1, m.getValue());
                        s.setLong(2, m.getKey());
                        s.executeUpdate();
                    }
                }
            }
        }
    }

    /** Binds the rows' columns as arrays, one parameter per column. */
    static void bindColumns(Connection c, PreparedStatement s, List<Object[]> rows, String... types)
            throws SQLException {
        for (int col = 0; col < types.length; col++) {
            Object[] column = new Object[rows.size()];
            for (int i = 0; i < column.length; i++) {
                column[i] = rows.get(i)[col];
            }
            s.setArray(col + 1, c.createArrayOf(types[col], column));
        }
    }
}
