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
 * The per-arm sums the results read on the Kafka path (V10, V11), kept by the aggregator in the transaction that
 * changes the per-unit sums they are made of, and rebuilt from those. A unit adds to its arm's sums (1 unit, N, N^2 and
 * per metric Y > 0, Y, Y^2, YN) while it is seen in that arm only, and to its experiment's mixed units once it is seen
 * in more: so a batch takes away every touched unit's contribution before the batch and adds the one after. The
 * contributions are computed by the same SQL terms here and in the rebuild, in NUMERIC, so that what is added and later
 * taken away cancels exactly.
 *
 * <p>Online model quality is kept per exposure in bins of its first candidate's score ({@link ScoreBins}): exposures
 * and loss terms per bin, and per metric the exposures whose request's total of the metric is > 0 (the totals stored
 * per request and metric in {@code request_outcome}, so that a batch reads one row per request, not its events). The
 * same changes also go to the minute of the unit's latest record in the batch, for the time series (V11).
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
    private static final String ADD_ARMS = addArms("arm_aggregate", false);
    private static final String ADD_ARM_MINUTES = addArms("arm_minute_aggregate", true);
    private static final String ADD_METRICS = addMetrics("arm_metric_aggregate", false);
    private static final String ADD_METRIC_MINUTES = addMetrics("arm_metric_minute_aggregate", true);
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

    private ArmAggregates() {
    }

    /**
     * Adds per-unit contribution rows (experiment e, arm a, sign s, exposures n, minute t) to the per-arm sums, or to
     * the per-minute ones.
     */
    private static String addArms(String table, boolean perMinute) {
        String key = perMinute ? "e, a, t" : "e, a";
        return "INSERT INTO " + table + " (experiment_id, arm, " + (perMinute ? "epoch_minute, " : "")
                + "units, sum_n, sum_n2) SELECT " + key + ", " + ARM_TERMS + " FROM unnest(?::bigint[], "
                + "?::varchar[], ?::int[], ?::bigint[], ?::bigint[]) AS x(e, a, s, n, t) GROUP BY " + key
                + " ORDER BY " + key + " ON CONFLICT (experiment_id, arm" + (perMinute ? ", epoch_minute" : "")
                + ") DO UPDATE SET " + added(table, "units", "sum_n", "sum_n2");
    }

    /** The same with a metric m and the unit's total y of it per row. */
    private static String addMetrics(String table, boolean perMinute) {
        String key = perMinute ? "e, a, m, t" : "e, a, m";
        return "INSERT INTO " + table + " (experiment_id, arm, metric, " + (perMinute ? "epoch_minute, " : "")
                + "positives, sum_y, sum_y2, sum_yn) SELECT " + key + ", " + METRIC_TERMS + " FROM unnest("
                + "?::bigint[], ?::varchar[], ?::varchar[], ?::int[], ?::bigint[], ?::float8[], ?::bigint[]) "
                + "AS x(e, a, m, s, n, y, t) GROUP BY " + key + " ORDER BY " + key + " ON CONFLICT (experiment_id, "
                + (perMinute ? "metric, arm, epoch_minute" : "arm, metric") + ") DO UPDATE SET "
                + added(table, "positives", "sum_y", "sum_y2", "sum_yn");
    }

    private static String added(String table, String... columns) {
        StringBuilder set = new StringBuilder();
        for (String column : columns) {
            set.append(set.isEmpty() ? "" : ", ").append(column).append(" = ").append(table).append('.')
                    .append(column).append(" + EXCLUDED.").append(column);
        }
        return set.toString();
    }

    /**
     * Locks the experiments' rows (creating them the first time), in id order: one aggregator at a time changes an
     * experiment's sums. Every partition changes the per-arm rows, and a unit's contribution depends on all of its
     * rows, which sit in one partition only for requests whose ids carry the unit's key
     * ({@link io.mptrec.ab.serving.RequestIds}; ids from before that format are keyed by themselves).
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

    /**
     * Adds to the per-arm sums each unit's contribution after the batch less its contribution before, and the same
     * to the minute the unit changed in ({@code minutes}: that of the latest record the batch applied to it).
     */
    static void addChanges(Connection c, Map<Unit, UnitState> before, Map<Unit, UnitState> after,
                           Map<Unit, Long> minutes) throws SQLException {
        Contributions changes = new Contributions();
        for (Map.Entry<Unit, UnitState> unit : after.entrySet()) {
            long minute = minutes.get(unit.getKey());
            changes.add(unit.getKey().experimentId(), before.get(unit.getKey()), -1, minute);
            changes.add(unit.getKey().experimentId(), unit.getValue(), 1, minute);
        }
        changes.write(c);
    }

    /** The score bins' changes: new exposures, and outcomes that turned positive or back. */
    static void addScores(Connection c, List<ScoredExposure> exposures, List<OutcomeChange> outcomes)
            throws SQLException {
        if (!exposures.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(ADD_BINS)) {
                bindColumns(c, s, exposures.stream().map(e -> new Object[] {e.experimentId(), e.arm(), e.score()})
                        .toList(), "int8", "varchar", "float8");
                s.executeUpdate();
            }
        }
        if (!outcomes.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(ADD_METRIC_BINS)) {
                bindColumns(c, s, outcomes.stream().map(o -> new Object[] {o.experimentId(), o.arm(), o.metric(),
                        o.score(), o.sign()}).toList(), "int8", "varchar", "varchar", "float8", "int4");
                s.executeUpdate();
            }
        }
    }

    /** Recomputes every per-arm sum and score bin from the per-unit sums and the raw rows (the rebuild). */
    static void rebuild(Statement s) throws SQLException {
        s.execute("SET LOCAL work_mem = '256MB'"); // the sorts below over every exposure and event, in memory
        for (String table : List.of("score_bin_metric_aggregate", "score_bin_aggregate", "arm_metric_aggregate",
                "arm_aggregate", "arm_metric_minute_aggregate", "arm_minute_aggregate", "experiment_aggregate",
                "request_outcome")) {
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
        rebuildMinutes(s, singleArm);
        s.executeUpdate("INSERT INTO score_bin_aggregate (experiment_id, arm, bin, exposures, sum_loss_if_negative) "
                + "SELECT experiment_id, arm, " + bin("score_first") + ", COUNT(*), SUM("
                + lossIfNegative("score_first") + ") FROM exposure WHERE experiment_id IS NOT NULL GROUP BY 1, 2, 3");
        s.executeUpdate("INSERT INTO request_outcome (request_id, metric, total) SELECT k.request_id, k.metric, "
                + "SUM(k.metric_value ORDER BY k.id) FROM kpi_event k JOIN exposure e ON e.request_id = k.request_id "
                + "WHERE e.experiment_id IS NOT NULL AND " + KpiValues.withinBoundSql("k.metric_value")
                + " GROUP BY 1, 2");
        s.executeUpdate("INSERT INTO score_bin_metric_aggregate (experiment_id, arm, metric, bin, positives, "
                + "sum_loss_change_if_positive) SELECT e.experiment_id, e.arm, o.metric, " + bin("e.score_first")
                + ", COUNT(*), SUM(" + lossChangeIfPositive("e.score_first") + ") FROM exposure e "
                + "JOIN request_outcome o ON o.request_id = e.request_id WHERE e.experiment_id IS NOT NULL "
                + "AND o.total > 0 GROUP BY 1, 2, 3, 4");
    }

    /**
     * The per-minute sums from the raw rows, as the direct path's time series counts them: per unit (and metric) its
     * running N and Y at the end of each minute in which it changed (exposures at their scoring, events at their
     * arrival or their exposure's scoring, whichever is later); each such minute takes away the unit's contribution
     * at the end of its previous one (pn, py) and adds the one at its end (sn, sy).
     */
    private static void rebuildMinutes(Statement s, String singleArm) throws SQLException {
        String single = " AND (x.experiment_id, x.unit_id) IN (" + singleArm + ")";
        String exposures = "SELECT x.experiment_id AS e, x.unit_id AS u, x.arm AS a, " + minute("x.scored_at")
                + " AS t, COUNT(*) AS dn FROM exposure x WHERE x.experiment_id IS NOT NULL" + single
                + " GROUP BY 1, 2, 3, 4";
        String running = " OVER (PARTITION BY e, u, m ORDER BY t)";
        String contributions = "SELECT e, a, m, t, SUM(dn)" + running + " AS sn, SUM(dy)" + running + " AS sy, "
                + "COALESCE(SUM(dn)" + running.replace("ORDER BY t", "ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING "
                + "AND 1 PRECEDING") + ", 0) AS pn, COALESCE(SUM(dy)" + running.replace("ORDER BY t", "ORDER BY t "
                + "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING") + ", 0.0) AS py FROM c";
        String signed = "(SELECT e, a, m, t, 1 AS s, sn AS n, sy AS y FROM r UNION ALL "
                + "SELECT e, a, m, t, -1, pn, py FROM r WHERE pn > 0) x";
        s.executeUpdate("WITH c AS (SELECT e, u, a, '' AS m, t, dn, CAST(0 AS DOUBLE PRECISION) AS dy FROM ("
                + exposures + ") ex), r AS (" + contributions + ") INSERT INTO arm_minute_aggregate (experiment_id, "
                + "arm, epoch_minute, units, sum_n, sum_n2) SELECT e, a, t, " + ARM_TERMS + " FROM " + signed
                + " GROUP BY e, a, t");
        // per metric a unit has events of: its exposures and those events, per minute
        String events = "SELECT x.experiment_id AS e, x.unit_id AS u, x.arm AS a, k.metric AS m, "
                + minute("GREATEST(k.received_at, x.scored_at)") + " AS t, SUM(k.metric_value) AS dy FROM kpi_event k "
                + "JOIN exposure x ON x.request_id = k.request_id WHERE x.experiment_id IS NOT NULL AND "
                + KpiValues.withinBoundSql("k.metric_value") + single + " GROUP BY 1, 2, 3, 4, 5";
        s.executeUpdate("WITH ex AS (" + exposures + "), ev AS (" + events + "), c AS (SELECT e, u, a, m, t, "
                + "SUM(dn) AS dn, SUM(dy) AS dy FROM (SELECT ex.e, ex.u, ex.a, um.m, ex.t, ex.dn, "
                + "CAST(0 AS DOUBLE PRECISION) AS dy FROM ex JOIN (SELECT DISTINCT e, u, m FROM ev) um "
                + "ON um.e = ex.e AND um.u = ex.u UNION ALL SELECT e, u, a, m, t, 0, dy FROM ev) z "
                + "GROUP BY 1, 2, 3, 4, 5), r AS (" + contributions + ") INSERT INTO arm_metric_minute_aggregate "
                + "(experiment_id, arm, metric, epoch_minute, positives, sum_y, sum_y2, sum_yn) SELECT e, a, m, t, "
                + METRIC_TERMS + " FROM " + signed + " GROUP BY e, a, m, t");
    }

    private static String minute(String timestamp) {
        return "CAST(FLOOR(EXTRACT(EPOCH FROM " + timestamp + ") / 60) AS BIGINT)";
    }

    /** Per-unit contributions with their signs, as the columns of the two upserts and the mixed counts. */
    private static final class Contributions {
        final List<Object[]> arms = new ArrayList<>();
        final List<Object[]> metrics = new ArrayList<>();
        final Map<Long, Long> mixed = new TreeMap<>();

        void add(long experimentId, UnitState state, int sign, long minute) {
            if (state.exposures.isEmpty()) {
                return;
            }
            if (state.exposures.size() > 1) {
                mixed.merge(experimentId, (long) sign, Long::sum);
                return;
            }
            Map.Entry<String, Long> arm = state.exposures.entrySet().iterator().next();
            arms.add(new Object[] {experimentId, arm.getKey(), sign, arm.getValue(), minute});
            state.totals.getOrDefault(arm.getKey(), Map.of()).forEach((metric, y) ->
                    metrics.add(new Object[] {experimentId, arm.getKey(), metric, sign, arm.getValue(), y, minute}));
        }

        void write(Connection c) throws SQLException {
            for (String sql : arms.isEmpty() ? List.<String>of() : List.of(ADD_ARMS, ADD_ARM_MINUTES)) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    bindColumns(c, s, arms, "int8", "varchar", "int4", "int8", "int8");
                    s.executeUpdate();
                }
            }
            for (String sql : metrics.isEmpty() ? List.<String>of() : List.of(ADD_METRICS, ADD_METRIC_MINUTES)) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    bindColumns(c, s, metrics, "int8", "varchar", "varchar", "int4", "int8", "float8", "int8");
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
