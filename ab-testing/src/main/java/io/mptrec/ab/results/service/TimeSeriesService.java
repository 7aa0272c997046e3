package io.mptrec.ab.results.service;

import io.mptrec.ab.experiment.Experiment;
import io.mptrec.ab.experiment.ExperimentArm;
import io.mptrec.ab.experiment.ExperimentMetric;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.results.ExperimentTimeSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.ArmPoint;
import io.mptrec.ab.results.ExperimentTimeSeries.ArmSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.DifferencePoint;
import io.mptrec.ab.results.ExperimentTimeSeries.DifferenceSeries;
import io.mptrec.ab.results.ExperimentTimeSeries.MetricSeries;
import io.mptrec.ab.statistics.ArmSummary;
import io.mptrec.ab.statistics.MetricData;
import io.mptrec.ab.statistics.SequentialTest;
import io.mptrec.registry.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An experiment's results over time, computed from the stored exposures and KPI events (nothing extra is stored).
 *
 * <p>The span from the first exposure to the latest exposure or event is cut into equal buckets; the database sums
 * per arm and bucket the exposures and, per metric, each event's change to its exposure's running total (so an
 * exposure with several events adds the square of its total, not the sum of squares of its events, exactly as
 * {@link ResultsService} sums them). An event that arrived before its exposure was stored counts from the
 * exposure's time. Prefix sums over the buckets then give, at each bucket's end, the sufficient statistics the
 * results would have had, and from them the same per-arm intervals and always-valid differences.
 */
@ApplicationScoped
public class TimeSeriesService {

    public static final int DEFAULT_BUCKETS = 50;
    public static final int MAX_BUCKETS = 200;

    private final EntityManager em;
    private final Clock clock;

    public TimeSeriesService(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /** Per arm: cumulative exposures and metric sums at the end of each bucket. */
    private static final class Cumulative {
        final long[] exposures;
        final double[] sum;
        final double[] sumOfSquares;
        final long[] positives;

        Cumulative(int buckets) {
            exposures = new long[buckets];
            sum = new double[buckets];
            sumOfSquares = new double[buckets];
            positives = new long[buckets];
        }
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
        Object[] span = (Object[]) em.createNativeQuery("SELECT MIN(" + epoch("scored_at") + "), MAX("
                        + epoch("scored_at") + ") FROM exposure WHERE experiment_id = ?1")
                .setParameter(1, e.id).getSingleResult();
        Instant now = clock.instant();
        if (span[0] == null) {
            List<MetricSeries> empty = e.metrics.stream().map(m -> new MetricSeries(m.name, m.kind, m.role,
                    m.direction.name(), e.arms.stream().map(a -> new ArmSeries(a.name, a.version.number, List.of())).toList(),
                    e.arms.subList(1, e.arms.size()).stream().map(a -> new DifferenceSeries(a.name, List.of())).toList()))
                    .toList();
            return new ExperimentTimeSeries(e.id, e.name, e.alpha, 0, null, null, now, empty);
        }
        double from = ((Number) span[0]).doubleValue();
        double to = ((Number) span[1]).doubleValue();
        Object lastEvent = em.createNativeQuery("SELECT MAX(" + epoch("GREATEST(k.received_at, e.scored_at)")
                        + ") FROM kpi_event k JOIN exposure e ON e.request_id = k.request_id WHERE e.experiment_id = ?1")
                .setParameter(1, e.id).getSingleResult();
        if (lastEvent != null) {
            to = Math.max(to, ((Number) lastEvent).doubleValue());
        }
        int n = to > from ? buckets : 1;
        double width = to > from ? (to - from) / n : 1.0;

        Map<String, Cumulative> exposures = new HashMap<>();
        for (ExperimentArm arm : e.arms) {
            exposures.put(arm.name, new Cumulative(n));
        }
        for (Object[] row : rows("SELECT arm, b, COUNT(*) FROM (SELECT arm, FLOOR((" + epoch("scored_at")
                + " - ?2) / ?3) AS b FROM exposure WHERE experiment_id = ?1) x GROUP BY arm, b", e.id, from, width)) {
            Cumulative c = exposures.get((String) row[0]);
            if (c != null) {
                c.exposures[bucket(row[1], n)] += ((Number) row[2]).longValue();
            }
        }
        List<Instant> at = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            at.add(i == n - 1 ? instant(to) : instant(from + width * (i + 1)));
        }
        for (Cumulative c : exposures.values()) {
            prefix(c.exposures);
        }

        double level = 1 - e.alpha;
        List<MetricSeries> metrics = new ArrayList<>();
        for (ExperimentMetric m : e.metrics) {
            Map<String, Cumulative> byArm = metricSums(e, m.name, from, width, n, exposures);
            List<ArmSeries> arms = new ArrayList<>();
            for (ExperimentArm arm : e.arms) {
                Cumulative c = byArm.get(arm.name);
                List<ArmPoint> points = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    MetricData data = data(m.kind, c, i);
                    ArmSummary s = data == null ? null : m.kind == MetricKind.PROPORTION
                            ? ArmSummary.proportion((MetricData.Proportion) data, level)
                            : ArmSummary.mean((MetricData.Mean) data, level);
                    points.add(new ArmPoint(at.get(i), c.exposures[i], s == null ? null : s.estimate(),
                            s == null ? null : s.interval().lower(), s == null ? null : s.interval().upper()));
                }
                arms.add(new ArmSeries(arm.name, arm.version.number, points));
            }
            List<DifferenceSeries> differences = new ArrayList<>();
            Cumulative control = byArm.get(e.control().name);
            for (ExperimentArm arm : e.arms.subList(1, e.arms.size())) {
                Cumulative treatment = byArm.get(arm.name);
                List<DifferencePoint> points = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    SequentialTest.Result r = ResultsService.sequential(e, data(m.kind, control, i),
                            data(m.kind, treatment, i), m.kind);
                    boolean bounded = r != null && Double.isFinite(r.interval().lower());
                    points.add(new DifferencePoint(at.get(i), r == null ? null : r.difference(),
                            bounded ? r.interval().lower() : null, bounded ? r.interval().upper() : null,
                            r == null ? 1.0 : r.pValue(), r != null && r.enoughData()));
                }
                differences.add(new DifferenceSeries(arm.name, points));
            }
            metrics.add(new MetricSeries(m.name, m.kind, m.role, m.direction.name(), arms, differences));
        }
        return new ExperimentTimeSeries(e.id, e.name, e.alpha, n, instant(from), instant(to), now, metrics);
    }

    /**
     * One metric: each event's change to its exposure's running total s (previous total p), summed per arm and bucket
     * of the event's time: sum += v, sum of squares += s^2 - p^2, positives += [s > 0] - [p > 0].
     */
    private Map<String, Cumulative> metricSums(Experiment e, String metric, double from, double width, int n,
                                               Map<String, Cumulative> exposures) {
        Map<String, Cumulative> byArm = new HashMap<>();
        for (ExperimentArm arm : e.arms) {
            Cumulative c = new Cumulative(n);
            System.arraycopy(exposures.get(arm.name).exposures, 0, c.exposures, 0, n);
            byArm.put(arm.name, c);
        }
        String running = "SUM(k.metric_value) OVER (PARTITION BY k.request_id ORDER BY k.received_at, k.id ROWS BETWEEN "
                + "UNBOUNDED PRECEDING AND ";
        for (Object[] row : rows("SELECT arm, b, SUM(v), SUM(s * s - p * p), "
                + "SUM(CASE WHEN s > 0 THEN 1 ELSE 0 END - CASE WHEN p > 0 THEN 1 ELSE 0 END) FROM ("
                + "SELECT e.arm AS arm, FLOOR((" + epoch("GREATEST(k.received_at, e.scored_at)") + " - ?3) / ?4) AS b, "
                + "k.metric_value AS v, " + running + "CURRENT ROW) AS s, COALESCE(" + running + "1 PRECEDING), 0) AS p "
                + "FROM kpi_event k JOIN exposure e ON e.request_id = k.request_id "
                + "WHERE e.experiment_id = ?1 AND k.metric = ?2) x GROUP BY arm, b", e.id, metric, from, width)) {
            Cumulative c = byArm.get((String) row[0]);
            if (c == null) {
                continue;
            }
            int b = bucket(row[1], n);
            c.sum[b] += ((Number) row[2]).doubleValue();
            c.sumOfSquares[b] += ((Number) row[3]).doubleValue();
            c.positives[b] += ((Number) row[4]).longValue();
        }
        for (Cumulative c : byArm.values()) {
            prefix(c.sum);
            prefix(c.sumOfSquares);
            prefix(c.positives);
        }
        return byArm;
    }

    /** The results' sufficient statistics at bucket i; null with too little data (as the results decide). */
    private static MetricData data(MetricKind kind, Cumulative c, int i) {
        long count = c.exposures[i];
        if (kind == MetricKind.PROPORTION) {
            return count >= 1 ? new MetricData.Proportion(count, Math.min(count, Math.max(0, c.positives[i]))) : null;
        }
        // rounding in the running differences may leave a tiny negative where every value was 0
        return count >= 2 ? new MetricData.Mean(count, c.sum[i], Math.max(0.0, c.sumOfSquares[i])) : null;
    }

    private static void requireBuckets(int buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw ApiException.badRequest("invalid-input", "buckets must be between 1 and " + MAX_BUCKETS + ", got "
                    + buckets, "buckets");
        }
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

    private static void prefix(long[] a) {
        for (int i = 1; i < a.length; i++) {
            a[i] += a[i - 1];
        }
    }

    private static void prefix(double[] a) {
        for (int i = 1; i < a.length; i++) {
            a[i] += a[i - 1];
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, Object... params) {
        var q = em.createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        return q.getResultList();
    }
}
