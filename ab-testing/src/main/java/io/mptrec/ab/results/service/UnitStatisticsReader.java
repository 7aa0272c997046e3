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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mptrec.ab.results.service.NativeRows.dbl;
import static io.mptrec.ab.results.service.NativeRows.lng;
import static io.mptrec.ab.results.service.NativeRows.rows;

/**
 * Reads an experiment's per-unit sufficient statistics from the exposures and KPI events (or, with the Kafka
 * transport, from the per-unit aggregates the aggregator keeps of them) and the covariates, in a few aggregate
 * queries whose size does not depend on the number of events (the same SQL on H2 and PostgreSQL).
 *
 * <p>Per unit: its arm, its exposures N, and per metric its total Y = the sum of the values of the KPI events joined
 * to any of its exposures by request id. A unit exposed in more than one arm is counted apart and left out. KPI
 * values and covariates beyond {@link KpiValues#MAX_ABS} in magnitude (refused at the edge; only rows written behind
 * the API's back can hold them) are left out too, so that no square can overflow.
 */
@ApplicationScoped
public class UnitStatisticsReader {

    /** The accepted bound, as an SQL literal: values beyond it never enter a statistic. */
    static final String VALUE_LIMIT = Double.toString(KpiValues.MAX_ABS);

    private static final String EVENTS_IN_RANGE = "ABS(metric_value) <= " + VALUE_LIMIT;

    /**
     * Where the per-unit rows come from: the exposure and KPI tables (the direct path), or the aggregates the Kafka
     * path keeps (the same rows, in as many rows as units, whatever the number of events).
     *
     * @param units      one row per unit of experiment ?1: unit_id, arm, arms (distinct), n (exposures)
     * @param unitTotals one row per unit in one arm: unit_id, arm, n, y (its total of metric ?2)
     */
    public record Source(String units, String unitTotals) {
    }

    public static final Source TABLES = new Source(
            "SELECT unit_id, MIN(arm) AS arm, COUNT(DISTINCT arm) AS arms, COUNT(*) AS n "
                    + "FROM exposure WHERE experiment_id = ?1 GROUP BY unit_id",
            "SELECT e.unit_id AS unit_id, MIN(e.arm) AS arm, COUNT(*) AS n, "
                    + "COALESCE(SUM(k.v), 0.0) AS y FROM exposure e LEFT JOIN (SELECT request_id, SUM(metric_value) AS v "
                    + "FROM kpi_event WHERE metric = ?2 AND " + EVENTS_IN_RANGE + " AND request_id IN "
                    + "(SELECT request_id FROM exposure WHERE experiment_id = ?1) GROUP BY request_id) k "
                    + "ON k.request_id = e.request_id WHERE e.experiment_id = ?1 GROUP BY e.unit_id "
                    + "HAVING COUNT(DISTINCT e.arm) = 1");

    public static final Source AGGREGATES = new Source(
            "SELECT unit_id, MIN(arm) AS arm, COUNT(DISTINCT arm) AS arms, SUM(exposures) AS n "
                    + "FROM unit_aggregate WHERE experiment_id = ?1 GROUP BY unit_id",
            "SELECT a.unit_id AS unit_id, MIN(a.arm) AS arm, SUM(a.exposures) AS n, COALESCE(SUM(m.total), 0.0) AS y "
                    + "FROM unit_aggregate a LEFT JOIN unit_metric_aggregate m ON m.experiment_id = a.experiment_id "
                    + "AND m.unit_id = a.unit_id AND m.arm = a.arm AND m.metric = ?2 WHERE a.experiment_id = ?1 "
                    + "GROUP BY a.unit_id HAVING COUNT(DISTINCT a.arm) = 1");

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
        return read(design, outcomeMetric, eventLogs.readsAggregates() ? AGGREGATES : TABLES);
    }

    /** The observations from the given source (tests compare the two on the same traffic). */
    public Observations read(ExperimentDesign design, String outcomeMetric, Source source) {
        Map<String, long[]> unitsByArm = new HashMap<>();
        long inMoreThanOneArm = 0;
        for (Object[] r : rows(em, "SELECT CASE WHEN u.arms > 1 THEN NULL ELSE u.arm END, COUNT(*), SUM(u.n) FROM ("
                + source.units() + ") u GROUP BY CASE WHEN u.arms > 1 THEN NULL ELSE u.arm END", design.id())) {
            if (r[0] == null) {
                inMoreThanOneArm = ((Number) r[1]).longValue();
            } else {
                unitsByArm.put((String) r[0], new long[] {((Number) r[1]).longValue(), ((Number) r[2]).longValue()});
            }
        }
        Map<String, Map<String, UnitTotals>> totals = new HashMap<>();
        Map<String, Map<String, Cuped.PartialCovariateData>> covariates = new HashMap<>();
        for (ExperimentDesign.Metric m : design.metrics()) {
            readMetric(design.id(), m, source, totals, covariates);
        }
        List<ArmObservations> arms = new ArrayList<>();
        for (ExperimentDesign.Arm arm : design.arms()) {
            long[] units = unitsByArm.getOrDefault(arm.name(), new long[2]);
            arms.add(new ArmObservations(units[0], units[1], totals.getOrDefault(arm.name(), Map.of()),
                    covariates.getOrDefault(arm.name(), Map.of()),
                    outcomeMetric == null ? null : modelMetrics(design.id(), arm.name(), outcomeMetric)));
        }
        return new Observations(arms, inMoreThanOneArm);
    }

    /**
     * One metric: per arm the per-unit totals and, joined by unit, CUPED's sums (the covariate X with the unit's
     * total and with its 0/1 indicator; the analysis takes the one its kind reads).
     */
    private void readMetric(long experimentId, ExperimentDesign.Metric m, Source source,
                            Map<String, Map<String, UnitTotals>> totals,
                            Map<String, Map<String, Cuped.PartialCovariateData>> covariates) {
        String indicator = "CASE WHEN u.y > 0 THEN 1.0 ELSE 0.0 END";
        String y = m.kind() == MetricKind.PROPORTION ? indicator : "u.y";
        for (Object[] r : rows(em, "SELECT u.arm, COUNT(*), SUM(u.y), SUM(u.y * u.y), "
                + "SUM(CASE WHEN u.y > 0 THEN 1 ELSE 0 END), SUM(u.n), SUM(u.n * u.n), SUM(u.y * u.n), "
                + "COUNT(c.covariate_value), COALESCE(SUM(c.covariate_value), 0.0), "
                + "COALESCE(SUM(c.covariate_value * c.covariate_value), 0.0), "
                + "COALESCE(SUM(c.covariate_value * " + y + "), 0.0), "
                + "COALESCE(SUM(CASE WHEN c.covariate_value IS NULL THEN 0.0 ELSE " + y + " END), 0.0) "
                + "FROM (" + source.unitTotals() + ") u LEFT JOIN experiment_covariate c ON c.experiment_id = ?1 "
                + "AND c.metric = ?2 AND c.unit_id = u.unit_id AND ABS(c.covariate_value) <= " + VALUE_LIMIT
                + " GROUP BY u.arm", experimentId, m.name())) {
            String arm = (String) r[0];
            UnitTotals t = new UnitTotals(lng(r[1]), dbl(r[2]), dbl(r[3]), lng(r[4]), dbl(r[5]), dbl(r[6]), dbl(r[7]));
            totals.computeIfAbsent(arm, a -> new HashMap<>()).put(m.name(), t);
            if (t.units() >= 2) {
                boolean proportion = m.kind() == MetricKind.PROPORTION;
                covariates.computeIfAbsent(arm, a -> new HashMap<>()).put(m.name(), new Cuped.PartialCovariateData(
                        t.units(), proportion ? t.positives() : t.sumY(), proportion ? t.positives() : t.sumYSquares(),
                        lng(r[8]), dbl(r[9]), dbl(r[10]), dbl(r[11]), dbl(r[12])));
            }
        }
    }

    /** Per scored exposure (not per unit): the latest pairs of first-candidate score and outcome. */
    private ModelMetrics modelMetrics(long experimentId, String arm, String metric) {
        @SuppressWarnings("unchecked")
        // newest first through the index (experiment_id, arm, id), each outcome looked up by its request: the cost
        // grows with the pairs read, not with the experiment's exposures and events
        List<Object[]> rows = em.createNativeQuery("SELECT e.score_first, CASE WHEN (SELECT SUM(k.metric_value) "
                        + "FROM kpi_event k WHERE k.request_id = e.request_id AND k.metric = ?2 AND ABS(k.metric_value) "
                        + "<= " + VALUE_LIMIT + ") > 0 THEN 1 ELSE 0 END FROM exposure e "
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
