package io.mptrec.ab.results.service;

import io.mptrec.ab.analysis.ExperimentDesign;
import io.mptrec.ab.analysis.Observations;
import io.mptrec.ab.analysis.Observations.ArmObservations;
import io.mptrec.ab.analysis.UnitTotals;
import io.mptrec.ab.config.AbConfig;
import io.mptrec.ab.events.EventLogs;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.kpi.KpiValues;
import io.mptrec.ab.statistics.Cuped;
import io.mptrec.ab.statistics.ModelMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.mptrec.ab.results.service.NativeRows.dbl;
import static io.mptrec.ab.results.service.NativeRows.dec;
import static io.mptrec.ab.results.service.NativeRows.lng;
import static io.mptrec.ab.results.service.NativeRows.rows;

/**
 * Reads an experiment's per-unit sufficient statistics from the exposures and KPI events and the covariates, in a few
 * aggregate queries (the same SQL on H2 and PostgreSQL); or, with the Kafka transport, the same statistics from the
 * per-arm sums the aggregator keeps ({@link Source#AGGREGATES}), whose cost does not grow with units or events.
 *
 * <p>Per unit: its arm, its exposures N, and per metric its total Y = the sum of the values of the KPI events joined
 * to any of its exposures by request id. A unit exposed in more than one arm is counted apart and left out. KPI
 * values and covariates beyond {@link KpiValues#MAX_ABS} in magnitude (refused at the edge; only rows written behind
 * the API's back can hold them) are left out too, so that no square can overflow.
 */
@ApplicationScoped
public class UnitStatisticsReader {


    /**
     * Where the statistics come from: the exposure and KPI tables, unit by unit (the direct path), or the per-arm sums
     * and score bins the Kafka path's aggregator keeps ({@code ArmAggregates}: as many rows as arms x metrics, plus the
     * units that have a covariate, whatever the number of units and events).
     */
    public enum Source {
        TABLES, AGGREGATES
    }

    /** One row per unit of experiment ?1 in the tables: unit_id, arm, arms (distinct), n (exposures). */
    private static final String UNITS = "SELECT unit_id, MIN(arm) AS arm, COUNT(DISTINCT arm) AS arms, COUNT(*) AS n "
            + "FROM exposure WHERE experiment_id = ?1 GROUP BY unit_id";

    /** One row per unit in one arm: unit_id, arm, n, y (its total of metric ?2), from the tables. */
    private static final String UNIT_TOTALS = "SELECT e.unit_id AS unit_id, MIN(e.arm) AS arm, COUNT(*) AS n, "
            + "COALESCE(SUM(k.v), 0.0) AS y FROM exposure e LEFT JOIN (SELECT request_id, SUM(metric_value) AS v "
            + "FROM kpi_event WHERE metric = ?2 AND " + KpiValues.withinBoundSql("metric_value") + " AND request_id IN "
            + "(SELECT request_id FROM exposure WHERE experiment_id = ?1) GROUP BY request_id) k "
            + "ON k.request_id = e.request_id WHERE e.experiment_id = ?1 GROUP BY e.unit_id "
            + "HAVING COUNT(DISTINCT e.arm) = 1";

    /** The same rows from the per-unit aggregates, for the units that have a covariate of metric ?2 only. */
    private static final String COVARIATE_UNIT_TOTALS = "SELECT a.unit_id AS unit_id, MIN(a.arm) AS arm, "
            + "COALESCE(SUM(m.total), 0.0) AS y FROM unit_aggregate a LEFT JOIN unit_metric_aggregate m "
            + "ON m.experiment_id = a.experiment_id AND m.unit_id = a.unit_id AND m.arm = a.arm AND m.metric = ?2 "
            + "WHERE a.experiment_id = ?1 AND a.unit_id IN (SELECT unit_id FROM experiment_covariate "
            + "WHERE experiment_id = ?1 AND metric = ?2) GROUP BY a.unit_id HAVING COUNT(DISTINCT a.arm) = 1";

    private final EntityManager em;
    private final AbConfig config;
    private final EventLogs eventLogs;

    public UnitStatisticsReader(EntityManager em, AbConfig config, EventLogs eventLogs) {
        this.em = em;
        this.config = config;
        this.eventLogs = eventLogs;
    }

    /**
     * @param outcomeMetric the PROPORTION metric online model quality is measured against; null for none
     */
    public Observations read(ExperimentDesign design, String outcomeMetric) {
        return read(design, outcomeMetric, eventLogs.readsAggregates() ? Source.AGGREGATES : Source.TABLES);
    }

    /** The observations from the given source (tests compare the two on the same traffic). */
    public Observations read(ExperimentDesign design, String outcomeMetric, Source source) {
        Map<String, long[]> unitsByArm = new HashMap<>();
        long inMoreThanOneArm = 0;
        Map<String, Map<String, UnitTotals>> totals = new HashMap<>();
        Map<String, Map<String, Cuped.PartialCovariateData>> covariates = new HashMap<>();
        if (source == Source.TABLES) {
            for (Object[] r : rows(em, "SELECT CASE WHEN u.arms > 1 THEN NULL ELSE u.arm END, COUNT(*), SUM(u.n) "
                    + "FROM (" + UNITS + ") u GROUP BY CASE WHEN u.arms > 1 THEN NULL ELSE u.arm END", design.id())) {
                if (r[0] == null) {
                    inMoreThanOneArm = lng(r[1]);
                } else {
                    unitsByArm.put((String) r[0], new long[] {lng(r[1]), lng(r[2])});
                }
            }
            for (ExperimentDesign.Metric m : design.metrics()) {
                readMetric(design.id(), m, totals, covariates);
            }
        } else {
            // an experiment's row appears with its first batch
            List<?> mixed = em.createNativeQuery("SELECT mixed_units FROM experiment_aggregate "
                    + "WHERE experiment_id = ?1").setParameter(1, design.id()).getResultList();
            inMoreThanOneArm = mixed.isEmpty() ? 0 : lng(mixed.get(0));
            for (Object[] r : rows(em, "SELECT arm, units, CAST(sum_n AS DOUBLE PRECISION) FROM arm_aggregate "
                    + "WHERE experiment_id = ?1 AND units > 0", design.id())) {
                unitsByArm.put((String) r[0], new long[] {lng(r[1]), Math.round(dbl(r[2]))});
            }
            for (ExperimentDesign.Metric m : design.metrics()) {
                readAggregatedMetric(design.id(), m, totals, covariates);
            }
        }
        List<ArmObservations> arms = new ArrayList<>();
        for (ExperimentDesign.Arm arm : design.arms()) {
            long[] units = unitsByArm.getOrDefault(arm.name(), new long[2]);
            ModelMetrics model = outcomeMetric == null ? null : source == Source.TABLES
                    ? modelMetrics(design.id(), arm.name(), outcomeMetric)
                    : binnedModelMetrics(design.id(), arm.name(), outcomeMetric);
            arms.add(new ArmObservations(units[0], units[1], totals.getOrDefault(arm.name(), Map.of()),
                    covariates.getOrDefault(arm.name(), Map.of()), model));
        }
        return new Observations(arms, inMoreThanOneArm);
    }

    /**
     * One metric: per arm the per-unit totals and, joined by unit, CUPED's sums (the covariate X with the unit's
     * total and with its 0/1 indicator; the analysis takes the one its kind reads), all exact ({@link #EXACT}).
     */
    private void readMetric(long experimentId, ExperimentDesign.Metric m, Map<String, Map<String, UnitTotals>> totals,
                            Map<String, Map<String, Cuped.PartialCovariateData>> covariates) {
        List<Object[]> arms = rows(em, "SELECT u.arm, COUNT(*), SUM(u.ey), SUM(u.ey * u.ey), "
                + "SUM(CASE WHEN u.y > 0 THEN 1 ELSE 0 END), SUM(u.n), SUM(u.n * u.n), SUM(u.ey * u.n), "
                + covariateSums(m) + " FROM (" + exact(UNIT_TOTALS) + ") u LEFT JOIN experiment_covariate c "
                + "ON c.experiment_id = ?1 AND c.metric = ?2 AND c.unit_id = u.unit_id AND "
                + KpiValues.withinBoundSql("c.covariate_value") + " GROUP BY u.arm", experimentId, m.name());
        put(m, arms, r -> UnitTotals.ofExactSums(m.kind(), lng(r[1]), dec(r[2]), dec(r[3]), lng(r[4]), dec(r[5]),
                dec(r[6]), dec(r[7])), 8, totals, covariates);
    }

    /**
     * One metric from the per-arm sums: an arm's units and N sums with the metric's sums over the units that have
     * events of it (the others have Y = 0), and CUPED's sums from the units that have a covariate; in one statement,
     * so that all of them come from one snapshot while the aggregator goes on.
     */
    private void readAggregatedMetric(long experimentId, ExperimentDesign.Metric m,
                                      Map<String, Map<String, UnitTotals>> totals,
                                      Map<String, Map<String, Cuped.PartialCovariateData>> covariates) {
        List<Object[]> arms = rows(em, "SELECT a.arm, a.units, a.sum_n, a.sum_n2, m.positives, m.sum_y, m.sum_y2, "
                + "m.sum_yn, cv.* FROM arm_aggregate a LEFT JOIN arm_metric_aggregate m "
                + "ON m.experiment_id = a.experiment_id AND m.arm = a.arm AND m.metric = ?2 LEFT JOIN (SELECT u.arm "
                + "AS covariate_arm, " + covariateSums(m) + " FROM (" + exact(COVARIATE_UNIT_TOTALS) + ") u JOIN "
                + "experiment_covariate c ON c.experiment_id = ?1 AND c.metric = ?2 AND c.unit_id = u.unit_id AND "
                + KpiValues.withinBoundSql("c.covariate_value") + " GROUP BY u.arm) cv ON cv.covariate_arm = a.arm "
                + "WHERE a.experiment_id = ?1 AND a.units > 0", experimentId, m.name());
        put(m, arms, r -> UnitTotals.ofExactSums(m.kind(), lng(r[1]), dec(r[5]), dec(r[6]), lng(r[4]), dec(r[2]),
                dec(r[3]), dec(r[7])), 9, totals, covariates);
    }

    /**
     * A unit's total as an exact decimal: PostgreSQL keeps a double's 15 significant digits, H2 its binary value to
     * 20 places; either way the sums of the values so rounded, and of their squares, are exact, and each arm's are
     * then taken less a shift near its own mean before they are rounded ({@link UnitTotals#ofExactSums}).
     */
    static final String EXACT = "NUMERIC(40, 20)";

    /** Per-unit rows (column y) with ey, y as an exact decimal. */
    private static String exact(String unitRows) {
        return "SELECT s.*, CAST(s.y AS " + EXACT + ") AS ey FROM (" + unitRows + ") s";
    }

    /**
     * CUPED's sums over units u (columns y, ey, unit_id) joined to their covariates c, exact: how many have one, and
     * the sums of X, X^2, X Y and Y over them, Y the unit's total or, for a proportion, its 0/1 indicator.
     */
    private static String covariateSums(ExperimentDesign.Metric m) {
        String y = m.kind() == MetricKind.PROPORTION ? "CASE WHEN u.y > 0 THEN 1 ELSE 0 END" : "u.ey";
        String x = "CAST(c.covariate_value AS " + EXACT + ")";
        return "COUNT(c.covariate_value), COALESCE(SUM(" + x + "), 0), COALESCE(SUM(" + x + " * " + x + "), 0), "
                + "COALESCE(SUM(" + x + " * " + y + "), 0), "
                + "COALESCE(SUM(CASE WHEN c.covariate_value IS NULL THEN 0 ELSE " + y + " END), 0)";
    }

    /**
     * Every arm's totals of the metric, and CUPED's data from them and the covariate sums (columns {@code from} to
     * {@code from + 4}) where an arm has two units: Y less the arm's shift, X less one shift for every arm (the
     * covariate was measured before the experiment: no arm moves it), taken off the exact sums.
     */
    private static void put(ExperimentDesign.Metric m, List<Object[]> arms, Function<Object[], UnitTotals> toTotals,
                            int from, Map<String, Map<String, UnitTotals>> totals,
                            Map<String, Map<String, Cuped.PartialCovariateData>> covariates) {
        BigDecimal withCovariate = BigDecimal.ZERO;
        BigDecimal sumX = BigDecimal.ZERO;
        for (Object[] r : arms) {
            withCovariate = withCovariate.add(dec(r[from]));
            sumX = sumX.add(dec(r[from + 1]));
        }
        double shiftX = UnitTotals.shiftNear(sumX, withCovariate);
        for (Object[] r : arms) {
            UnitTotals t = toTotals.apply(r);
            String arm = (String) r[0];
            totals.computeIfAbsent(arm, a -> new HashMap<>()).put(m.name(), t);
            if (t.units() >= 2) {
                boolean proportion = m.kind() == MetricKind.PROPORTION;
                covariates.computeIfAbsent(arm, a -> new HashMap<>()).put(m.name(), covariateData(t, proportion,
                        shiftX, Arrays.copyOfRange(r, from, from + 5)));
            }
        }
    }

    /** CUPED's data of one arm from its exact covariate sums (n, X, X^2, XY, Y), X and Y less their shifts. */
    private static Cuped.PartialCovariateData covariateData(UnitTotals t, boolean proportion, double shiftX,
                                                            Object[] sums) {
        long n = lng(sums[0]);
        double shiftY = proportion ? 0 : t.shift();
        BigDecimal count = BigDecimal.valueOf(n);
        BigDecimal cx = new BigDecimal(shiftX);
        BigDecimal cy = new BigDecimal(shiftY);
        BigDecimal x = dec(sums[1]);
        BigDecimal y = dec(sums[4]);
        BigDecimal sumX = x.subtract(count.multiply(cx));
        BigDecimal sumXSquares = dec(sums[2]).subtract(cx.multiply(x).multiply(BigDecimal.valueOf(2)))
                .add(count.multiply(cx).multiply(cx));
        BigDecimal sumXY = dec(sums[3]).subtract(cy.multiply(x)).subtract(cx.multiply(y))
                .add(count.multiply(cx).multiply(cy));
        BigDecimal sumYWithCovariate = y.subtract(count.multiply(cy));
        return new Cuped.PartialCovariateData(t.units(), proportion ? t.positives() : t.sumY(),
                proportion ? t.positives() : t.sumYSquares(), n, sumX.doubleValue(), sumXSquares.doubleValue(),
                sumXY.doubleValue(), sumYWithCovariate.doubleValue(), shiftY, shiftX);
    }

    /** Per scored exposure from the score bins: all of the arm's exposures, the AUC within a bin's ties. */
    private ModelMetrics binnedModelMetrics(long experimentId, String arm, String metric) {
        List<Object[]> bins = rows(em, "SELECT b.exposures, COALESCE(m.positives, 0), CAST(b.sum_loss_if_negative "
                + "+ COALESCE(m.sum_loss_change_if_positive, 0) AS DOUBLE PRECISION) FROM score_bin_aggregate b "
                + "LEFT JOIN score_bin_metric_aggregate m ON m.experiment_id = b.experiment_id AND m.arm = b.arm "
                + "AND m.bin = b.bin AND m.metric = ?3 WHERE b.experiment_id = ?1 AND b.arm = ?2 ORDER BY b.bin",
                experimentId, arm, metric);
        long[] pairs = new long[bins.size()];
        long[] positives = new long[bins.size()];
        double loss = 0;
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = lng(bins.get(i)[0]);
            positives[i] = lng(bins.get(i)[1]);
            loss += dbl(bins.get(i)[2]);
        }
        return ModelMetrics.ofBins(pairs, positives, loss);
    }


    /** Per scored exposure (not per unit): the latest pairs of first-candidate score and outcome. */
    private ModelMetrics modelMetrics(long experimentId, String arm, String metric) {
        @SuppressWarnings("unchecked")
        // newest first through the index (experiment_id, arm, id), each outcome looked up by its request: the cost
        // grows with the pairs read, not with the experiment's exposures and events
        List<Object[]> rows = em.createNativeQuery("SELECT e.score_first, CASE WHEN (SELECT SUM(k.metric_value) "
                        + "FROM kpi_event k WHERE k.request_id = e.request_id AND k.metric = ?2 AND "
                        + KpiValues.withinBoundSql("k.metric_value") + ") > 0 THEN 1 ELSE 0 END FROM exposure e "
                        + "WHERE e.experiment_id = ?1 AND e.arm = ?3 ORDER BY e.id DESC")
                .setParameter(1, experimentId).setParameter(2, metric).setParameter(3, arm)
                .setMaxResults(config.results().maxModelPairs()).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        double[] scores = new double[rows.size()];
        int[] outcomes = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            scores[i] = dbl(rows.get(i)[0]);
            outcomes[i] = (int) lng(rows.get(i)[1]);
        }
        return ModelMetrics.of(scores, outcomes);
    }
}
