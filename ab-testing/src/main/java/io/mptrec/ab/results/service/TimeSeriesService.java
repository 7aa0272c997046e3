package io.mptrec.ab.results.service;

import io.mptrec.ab.analysis.ExperimentAnalysis;
import io.mptrec.ab.analysis.ExperimentDesign;
import io.mptrec.ab.analysis.UnitTotals;
import io.mptrec.ab.events.EventLogs;
import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.ab.results.ExperimentTimeSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.ArmPoint;
import io.mptrec.ab.results.ExperimentTimeSeries.ArmSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.DifferencePoint;
import io.mptrec.ab.results.ExperimentTimeSeries.DifferenceSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.MetricSeries;
import io.mptrec.ab.statistics.ArmSummary;
import io.mptrec.ab.statistics.MetricData;
import io.mptrec.ab.statistics.SequentialTest;
import io.mptrec.kernel.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.mptrec.ab.results.service.NativeRows.dec;
import static io.mptrec.ab.results.service.NativeRows.lng;
import static io.mptrec.ab.results.service.NativeRows.rows;

/**
 * An experiment's results over time, computed from the stored exposures and KPI events (nothing extra is stored),
 * per unit as the results are ({@link io.mptrec.ab.analysis.ExperimentAnalysis}).
 *
 * <p>The span from the first exposure to the latest exposure or event is cut into equal buckets. Per unit, its
 * exposures and its KPI events of a metric form one stream of changes to the unit's (N, Y): an exposure adds 1 to
 * N, an event its value to Y, at the exposure's time (an event at its arrival, or at its exposure's time when it
 * arrived earlier). The database sums per arm and bucket each change's effect on the per-unit sums
 * ({@link UnitTotals}: a new unit, Y^2 - Y_before^2, N^2 - N_before^2, YN - (YN)_before, a total turning positive),
 * so a unit with several exposures and events adds the square of its total, exactly as the results sum them. Prefix
 * sums over the buckets then give, at each bucket's end, the sufficient statistics the results would have had, and
 * from them the same per-arm intervals and always-valid differences. Units seen in more than one arm are left out,
 * as in the results.
 *
 * <p>With the Kafka transport the same sums come from the per-minute changes the aggregator keeps
 * ({@code arm_minute_aggregate}, {@code arm_metric_minute_aggregate}): the span is cut at whole minutes, and a change
 * is dated by the latest record of the batch that made it, so a record that arrived late counts at its arrival
 * against the unit's sums then. The running sums end at the results' all the same.
 */
@ApplicationScoped
public class TimeSeriesService {

    public static final int DEFAULT_BUCKETS = 50;
    public static final int MAX_BUCKETS = 200;

    private final EntityManager em;
    private final Clock clock;
    private final EventLogs eventLogs;

    public TimeSeriesService(EntityManager em, Clock clock, EventLogs eventLogs) {
        this.em = em;
        this.clock = clock;
        this.eventLogs = eventLogs;
    }

    /** Empty for an unknown experiment; {@code buckets} must be in [1, {@value #MAX_BUCKETS}] (400 otherwise). */
    @Transactional
    public Optional<ExperimentTimeSeries> findTimeSeriesById(long id, int buckets) {
        requireBuckets(buckets);
        return Experiment.<Experiment>findByIdOptional(id).map(e -> timeSeries(e, buckets));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ExperimentTimeSeries timeSeries(Experiment e, int buckets) {
        requireBuckets(buckets);
        ExperimentDesign design = ResultsService.design(e);
        boolean aggregates = eventLogs.readsAggregates();
        Object[] span = (Object[]) em.createNativeQuery(aggregates
                        ? "SELECT MIN(epoch_minute) * 60.0, (MAX(epoch_minute) + 1) * 60.0 FROM arm_minute_aggregate "
                        + "WHERE experiment_id = ?1"
                        : "SELECT MIN(" + epoch("scored_at") + "), MAX(" + epoch("scored_at") + ") FROM exposure "
                        + "WHERE experiment_id = ?1")
                .setParameter(1, e.id).getSingleResult();
        Instant now = clock.instant();
        if (span[0] == null) {
            List<MetricSeries> empty = design.metrics().stream().map(m -> new MetricSeries(m.name(), m.kind(),
                    m.role(), m.direction().name(),
                    design.arms().stream().map(a -> new ArmSeries(a.name(), a.version(), List.of())).toList(),
                    design.arms().subList(1, design.arms().size()).stream()
                            .map(a -> new DifferenceSeries(a.name(), List.of())).toList()))
                    .toList();
            return new ExperimentTimeSeries(e.id, e.name, e.alpha, 0, null, null, now, empty);
        }
        double from = ((Number) span[0]).doubleValue();
        double to = ((Number) span[1]).doubleValue();
        // the aggregates' span covers the events' minutes already
        Object lastEvent = aggregates ? null : em.createNativeQuery("SELECT MAX("
                        + epoch("GREATEST(k.received_at, e.scored_at)") + ") FROM kpi_event k JOIN exposure e "
                        + "ON e.request_id = k.request_id WHERE e.experiment_id = ?1")
                .setParameter(1, e.id).getSingleResult();
        if (lastEvent != null) {
            to = Math.max(to, ((Number) lastEvent).doubleValue());
        }
        int n = to > from ? buckets : 1;
        double width = to > from ? (to - from) / n : 1.0;
        List<Instant> at = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            at.add(i == n - 1 ? instant(to) : instant(from + width * (i + 1)));
        }

        double level = 1 - e.alpha;
        List<MetricSeries> metrics = new ArrayList<>();
        Map<String, Map<String, UnitTotals[]>> aggregated = aggregates ? aggregatedTotals(design, from, width, n) : null;
        for (ExperimentDesign.Metric m : design.metrics()) {
            Map<String, UnitTotals[]> byArm = aggregates ? aggregated.get(m.name())
                    : cumulativeTotals(design, m, from, width, n);
            List<ArmSeries> arms = new ArrayList<>();
            for (ExperimentDesign.Arm arm : design.arms()) {
                UnitTotals[] c = byArm.get(arm.name());
                long[] exposures = exposures(c);
                List<ArmPoint> points = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    MetricData data = c[i].toMetricData(m.kind());
                    ArmSummary s = data == null ? null : ArmSummary.of(data, level);
                    points.add(new ArmPoint(at.get(i), c[i].units(), exposures[i], s == null ? null : s.estimate(),
                            s == null ? null : s.interval().lower(), s == null ? null : s.interval().upper()));
                }
                arms.add(new ArmSeries(arm.name(), arm.version(), points));
            }
            List<DifferenceSeries> differences = new ArrayList<>();
            UnitTotals[] control = byArm.get(design.arms().get(0).name());
            for (ExperimentDesign.Arm arm : design.arms().subList(1, design.arms().size())) {
                UnitTotals[] treatment = byArm.get(arm.name());
                List<DifferencePoint> points = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    SequentialTest.Result r = ExperimentAnalysis.sequential(design,
                            control[i].toMetricData(m.kind()), treatment[i].toMetricData(m.kind()), m.kind());
                    boolean bounded = r != null && Double.isFinite(r.interval().lower());
                    points.add(new DifferencePoint(at.get(i), r == null ? null : r.difference(),
                            bounded ? r.interval().lower() : null, bounded ? r.interval().upper() : null,
                            r == null ? 1.0 : r.pValue(), r != null && r.enoughData()));
                }
                differences.add(new DifferenceSeries(arm.name(), points));
            }
            metrics.add(new MetricSeries(m.name(), m.kind(), m.role(), m.direction().name(), arms, differences));
        }
        return new ExperimentTimeSeries(e.id, e.name, e.alpha, n, instant(from), instant(to), now, metrics);
    }

    /**
     * One metric: per arm, the per-unit sums at the end of each bucket. Each row of the stream is one change to a
     * unit's running (N, Y), with its values after (sn, sy) and before (pn, py) the change; the effects on the sums are
     * added per bucket, exactly (NUMERIC: a unit's Y before its events is 0, far from a shift near the mean, so that
     * sums of squares near 1e18 come and go), accumulated, and taken less a shift as the results' sums are.
     */
    private Map<String, UnitTotals[]> cumulativeTotals(ExperimentDesign design, ExperimentDesign.Metric metric,
                                                       double from, double width, int n) {
        String singleArm = " AND e.unit_id NOT IN (SELECT unit_id FROM exposure WHERE experiment_id = ?1 "
                + "GROUP BY unit_id HAVING COUNT(DISTINCT arm) > 1)";
        String window = " OVER (PARTITION BY unit_id ORDER BY t, kind, seq ROWS BETWEEN UNBOUNDED PRECEDING AND ";
        String changes = "SELECT e.unit_id AS unit_id, e.arm AS arm, " + epoch("e.scored_at") + " AS t, 0 AS kind, "
                + "e.id AS seq, 1 AS dn, CAST(0 AS DOUBLE PRECISION) AS dy FROM exposure e "
                + "WHERE e.experiment_id = ?1" + singleArm
                + " UNION ALL SELECT e.unit_id, e.arm, " + epoch("GREATEST(k.received_at, e.scored_at)") + ", 1, k.id, "
                + "0, k.metric_value FROM kpi_event k JOIN exposure e ON e.request_id = k.request_id "
                + "WHERE e.experiment_id = ?1 AND k.metric = ?2 AND "
                + KpiValues.withinBoundSql("k.metric_value") + singleArm;
        String running = "SELECT arm, b, dn, sn, pn, CAST(sy AS " + EXACT + ") AS sy, CAST(py AS " + EXACT + ") AS py "
                + "FROM (SELECT arm, FLOOR((t - ?3) / ?4) AS b, dn, "
                + "SUM(dn)" + window + "CURRENT ROW) AS sn, COALESCE(SUM(dn)" + window + "1 PRECEDING), 0) AS pn, "
                + "SUM(dy)" + window + "CURRENT ROW) AS sy, COALESCE(SUM(dy)" + window + "1 PRECEDING), 0.0) AS py "
                + "FROM (" + changes + ") c) r";
        Map<String, ExactChange[]> byArm = exactChanges(design, n);
        for (Object[] r : rows(em, "SELECT arm, b, SUM(CASE WHEN pn = 0 THEN 1 ELSE 0 END), SUM(dn), "
                + "SUM(sn * sn - pn * pn), "
                + "SUM(CASE WHEN sy > 0 THEN 1 ELSE 0 END - CASE WHEN py > 0 THEN 1 ELSE 0 END), "
                + "SUM(sy - py), SUM(sy * sy - py * py), SUM(sy * sn - py * pn) FROM (" + running + ") x "
                + "GROUP BY arm, b", design.id(), metric.name(), from, width)) {
            add(byArm, r, n);
        }
        return totals(byArm, metric.kind());
    }

    /** A unit's running Y as an exact decimal, as the results read a unit's total. */
    private static final String EXACT = UnitStatisticsReader.EXACT;

    private static final String MINUTE_BUCKET = "FLOOR((epoch_minute * 60.0 - ?2) / ?3)";

    /**
     * Every metric from the aggregator's per-minute changes: per arm and bucket, the units' changes (units, N, N^2)
     * with each metric's (Y > 0, Y, Y^2, YN). One statement reads both tables, so that the units' and the metrics'
     * sums come from one snapshot while the aggregator goes on (a batch changes both); a batch committed after the span
     * was read falls into the first or last bucket. The changes are exact (NUMERIC) until each bucket's sums are taken
     * less a shift, as the results' are.
     */
    private Map<String, Map<String, UnitTotals[]>> aggregatedTotals(ExperimentDesign design, double from, double width,
                                                                     int n) {
        Map<String, ExactChange[]> armChanges = exactChanges(design, n);
        Map<String, Map<String, ExactChange[]>> metricChanges = new HashMap<>();
        for (ExperimentDesign.Metric m : design.metrics()) {
            metricChanges.put(m.name(), exactChanges(design, n));
        }
        for (Object[] r : rows(em, "SELECT arm, " + MINUTE_BUCKET + ", SUM(units), SUM(sum_n), SUM(sum_n2), 0, 0, 0, "
                + "0, CAST(NULL AS VARCHAR(64)) FROM arm_minute_aggregate WHERE experiment_id = ?1 GROUP BY 1, 2 "
                + "UNION ALL SELECT arm, " + MINUTE_BUCKET + ", 0, 0, 0, SUM(positives), SUM(sum_y), SUM(sum_y2), "
                + "SUM(sum_yn), metric FROM arm_metric_minute_aggregate WHERE experiment_id = ?1 GROUP BY 1, 2, 10",
                design.id(), from, width)) {
            Map<String, ExactChange[]> byArm = r[9] == null ? armChanges : metricChanges.get((String) r[9]);
            if (byArm != null) {
                add(byArm, r, n);
            }
        }
        Map<String, Map<String, UnitTotals[]>> byMetric = new HashMap<>();
        for (ExperimentDesign.Metric m : design.metrics()) {
            Map<String, ExactChange[]> byArm = metricChanges.get(m.name());
            byArm.forEach((arm, changes) -> {
                for (int i = 0; i < n; i++) {
                    changes[i] = changes[i].plus(armChanges.get(arm)[i]);
                }
            });
            byMetric.put(m.name(), totals(byArm, m.kind()));
        }
        return byMetric;
    }

    /** A change to an arm's sums as the aggregator keeps it: exact. */
    private record ExactChange(long units, BigDecimal sumN, BigDecimal sumNSquares, long positives, BigDecimal sumY,
                               BigDecimal sumYSquares, BigDecimal sumYN) {

        static final ExactChange NONE = new ExactChange(0, BigDecimal.ZERO, BigDecimal.ZERO, 0, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);

        ExactChange plus(ExactChange o) {
            return new ExactChange(units + o.units, sumN.add(o.sumN), sumNSquares.add(o.sumNSquares),
                    positives + o.positives, sumY.add(o.sumY), sumYSquares.add(o.sumYSquares), sumYN.add(o.sumYN));
        }

        UnitTotals totals(MetricKind kind) {
            return UnitTotals.ofExactSums(kind, units, sumY, sumYSquares, positives, sumN, sumNSquares, sumYN);
        }
    }

    private static Map<String, ExactChange[]> exactChanges(ExperimentDesign design, int n) {
        Map<String, ExactChange[]> byArm = new HashMap<>();
        for (ExperimentDesign.Arm arm : design.arms()) {
            ExactChange[] none = new ExactChange[n];
            Arrays.fill(none, ExactChange.NONE);
            byArm.put(arm.name(), none);
        }
        return byArm;
    }

    /**
     * Adds a row's change to its arm's bucket: the arm in column 0, the bucket in 1, then units, N, N^2, positives, Y,
     * Y^2 and YN.
     */
    private static void add(Map<String, ExactChange[]> byArm, Object[] row, int n) {
        ExactChange[] c = byArm.get((String) row[0]);
        if (c != null) {
            int b = bucket(row[1], n);
            c[b] = c[b].plus(new ExactChange(lng(row[2]), dec(row[3]), dec(row[4]), lng(row[5]), dec(row[6]),
                    dec(row[7]), dec(row[8])));
        }
    }

    /**
     * Each bucket's sums from the changes up to its end: accumulated exactly, then taken less a shift near the arm's
     * mean at that end and rounded once, as the results' are (a unit's exposure before its events adds a square far
     * from its final one, 1e18 for values near 1e9, which its events take away again: in doubles, the rounding of such
     * changes would leave nothing of a spread of a few units).
     */
    private static Map<String, UnitTotals[]> totals(Map<String, ExactChange[]> changes, MetricKind kind) {
        Map<String, UnitTotals[]> byArm = new HashMap<>();
        changes.forEach((arm, c) -> {
            UnitTotals[] totals = new UnitTotals[c.length];
            ExactChange sum = ExactChange.NONE;
            for (int i = 0; i < c.length; i++) {
                sum = sum.plus(c[i]);
                totals[i] = sum.totals(kind);
            }
            byArm.put(arm, totals);
        });
        return byArm;
    }

    private static long[] exposures(UnitTotals[] c) {
        long[] exposures = new long[c.length];
        for (int i = 0; i < c.length; i++) {
            exposures[i] = Math.round(c[i].sumN());
        }
        return exposures;
    }

    /** A number of buckets as asked (a long, so that a query's 99999999999 is refused as itself, not as 2^31 - 1). */
    public static int requireBuckets(long buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw ApiException.badRequest("invalid-input", "buckets must be between 1 and " + MAX_BUCKETS + ", got "
                    + buckets, "buckets");
        }
        return (int) buckets;
    }

    /** Seconds since the epoch as a double: the same expression on PostgreSQL and H2. */
    private static String epoch(String column) {
        return "CAST(EXTRACT(EPOCH FROM " + column + ") AS DOUBLE PRECISION)";
    }

    /** The last bucket is closed: the latest exposure or event (at exactly {@code to}) belongs to it. */
    private static int bucket(Object b, int n) {
        return (int) Math.max(0, Math.min(n - 1, ((Number) b).longValue()));
    }

    private static Instant instant(double epochSeconds) {
        long micros = Math.round(epochSeconds * 1_000_000d);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
