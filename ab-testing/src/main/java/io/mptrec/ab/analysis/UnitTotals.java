package io.mptrec.ab.analysis;

import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.statistics.MetricData;

/**
 * Sufficient statistics of one metric in one arm at the level that was randomised, the unit: over the arm's units,
 * Y is a unit's total of the metric (the sum of its KPI events' values over all its exposures) and N its exposures.
 * The database computes them in one aggregate ({@code UnitStatisticsReader}); {@link #plus(double, long)} adds one
 * unit in Java (the time series' deltas, the simulations).
 *
 * @param units     units in the arm
 * @param positives units whose total is > 0
 */
public record UnitTotals(long units, double sumY, double sumYSquares, long positives, double sumN,
                         double sumNSquares, double sumYN) {

    public static final UnitTotals NONE = new UnitTotals(0, 0, 0, 0, 0, 0, 0);

    /** These totals with one more unit whose total is {@code y} over {@code exposures} exposures. */
    public UnitTotals plus(double y, long exposures) {
        return new UnitTotals(units + 1, sumY + y, sumYSquares + y * y, positives + (y > 0 ? 1 : 0),
                sumN + exposures, sumNSquares + (double) exposures * exposures, sumYN + y * exposures);
    }

    /** The sums of two disjoint sets of units (or of two sets of changes to the same units' sums). */
    public UnitTotals plus(UnitTotals o) {
        return new UnitTotals(units + o.units, sumY + o.sumY, sumYSquares + o.sumYSquares, positives + o.positives,
                sumN + o.sumN, sumNSquares + o.sumNSquares, sumYN + o.sumYN);
    }

    /**
     * The metric as the statistics read it; null while there is too little data (no unit for a proportion, fewer
     * than two for a mean or a ratio) or while a sum is not finite (values beyond the accepted limit never get here,
     * but a result is never worth a server error).
     */
    public MetricData toMetricData(MetricKind kind) {
        if (!finite()) {
            return null;
        }
        return switch (kind) {
            case PROPORTION -> units >= 1 ? new MetricData.Proportion(units, Math.min(units, Math.max(0, positives)))
                    : null;
            // rounding in the time series' running differences may leave a tiny negative where every value was 0
            case MEAN -> units >= 2 ? new MetricData.Mean(units, sumY, Math.max(0.0, sumYSquares)) : null;
            case RATIO -> units >= 2 && sumN > 0
                    ? new MetricData.Ratio(units, sumY, Math.max(0.0, sumYSquares), sumN, sumNSquares, sumYN) : null;
        };
    }

    private boolean finite() {
        return Double.isFinite(sumY) && Double.isFinite(sumYSquares) && Double.isFinite(sumN)
                && Double.isFinite(sumNSquares) && Double.isFinite(sumYN);
    }
}
