package io.mptrec.ab.analysis;

import io.mptrec.ab.statistics.Cuped;
import io.mptrec.ab.statistics.ModelMetrics;

import java.util.List;
import java.util.Map;

/**
 * What was observed in an experiment, reduced to sufficient statistics per arm (in the design's order).
 *
 * @param unitsInMoreThanOneArm units exposed in two or more arms (after a salt or weight change, or a client bug);
 *                              they are left out of every statistic
 */
public record Observations(List<ArmObservations> arms, long unitsInMoreThanOneArm) {

    public Observations {
        arms = List.copyOf(arms);
    }

    /**
     * @param units      units analysed in the arm
     * @param exposures  their exposures
     * @param metrics    per metric name, the per-unit totals (a metric without an entry has no unit yet)
     * @param covariates per metric name with pre-period covariates, CUPED's sums over the arm's units (Y is the unit's
     *                   total, or its 0/1 indicator for a proportion)
     * @param model      online model quality over the arm's scored exposures; null without a pair
     */
    public record ArmObservations(long units, long exposures, Map<String, UnitTotals> metrics,
                                  Map<String, Cuped.PartialCovariateData> covariates, ModelMetrics model) {

        public UnitTotals metric(String name) {
            return metrics.getOrDefault(name, UnitTotals.NONE);
        }
    }
}
