package io.mptrec.ab.results.service;

import io.mptrec.ab.analysis.ExperimentDesign;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.kpi.KpiValues;
import jakarta.persistence.EntityManager;

import java.util.List;

import static io.mptrec.ab.results.service.NativeRows.dbl;
import static io.mptrec.ab.results.service.NativeRows.rows;

/**
 * The constants the results subtract from a metric's unit totals and from its covariates before they sum squares
 * ({@link io.mptrec.ab.analysis.UnitTotals}): near the mean, so that a variance is not lost to cancellation when the
 * values are large beside their spread. Any value is correct; these are cheap and near enough, and short: a
 * binary fraction of {@value #BITS} significant bits, so that values of a few bits less a shift, their squares and
 * their sums stay exact where the values themselves would (the two sources then agree to the last bit on the same
 * traffic), while off the mean by a millionth of it at most (values near 1e9 a few units apart then keep about ten
 * of a double's sixteen digits of their variance, where raw sums keep none).
 */
final class Shifts {

    private Shifts() {
    }

    /**
     * A metric's: the mean unit total (a MEAN) or the ratio of the totals to the exposures (a RATIO), over every unit
     * of the experiment; 0 for a PROPORTION (its sums are counts) and while there is nothing to average.
     */
    static double ofMetric(EntityManager em, long experimentId, ExperimentDesign.Metric m, boolean aggregates) {
        if (m.kind() == MetricKind.PROPORTION) {
            return 0;
        }
        Object[] r = rows(em, aggregates
                ? "SELECT (SELECT SUM(sum_y) FROM arm_metric_aggregate WHERE experiment_id = ?1 AND metric = ?2), "
                + "(SELECT SUM(units) FROM arm_aggregate WHERE experiment_id = ?1), "
                + "(SELECT SUM(sum_n) FROM arm_aggregate WHERE experiment_id = ?1)"
                : "SELECT (SELECT SUM(metric_value) FROM kpi_event WHERE metric = ?2 AND "
                + KpiValues.withinBoundSql("metric_value") + " AND request_id IN (SELECT request_id FROM exposure "
                + "WHERE experiment_id = ?1)), "
                + "(SELECT COUNT(DISTINCT unit_id) FROM exposure WHERE experiment_id = ?1), "
                + "(SELECT COUNT(*) FROM exposure WHERE experiment_id = ?1)", experimentId, m.name()).get(0);
        return shortened(dbl(r[0]) / dbl(m.kind() == MetricKind.RATIO ? r[2] : r[1]));
    }

    /** A metric's covariates': their mean over the experiment's units; 0 without one. */
    static double ofCovariate(EntityManager em, long experimentId, String metric) {
        List<?> mean = em.createNativeQuery("SELECT AVG(covariate_value) FROM experiment_covariate "
                        + "WHERE experiment_id = ?1 AND metric = ?2 AND " + KpiValues.withinBoundSql("covariate_value"))
                .setParameter(1, experimentId).setParameter(2, metric).getResultList();
        return mean.isEmpty() ? 0 : shortened(dbl(mean.get(0)));
    }

    private static final int BITS = 20;

    private static double shortened(double mean) {
        if (!Double.isFinite(mean) || mean == 0) {
            return 0;
        }
        double unit = Math.scalb(1.0, Math.getExponent(mean) - (BITS - 1));
        return Math.rint(mean / unit) * unit;
    }
}
