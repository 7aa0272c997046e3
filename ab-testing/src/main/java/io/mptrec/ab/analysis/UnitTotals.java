package io.mptrec.ab.analysis;

import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.statistics.MetricData;

import java.math.BigDecimal;

/**
 * Sufficient statistics of one metric in one arm at the level that was randomised, the unit: over the arm's units,
 * Y is a unit's total of the metric (the sum of its KPI events' values over all its exposures) and N its exposures.
 * The database computes them exactly ({@code UnitStatisticsReader}, {@link #ofExactSums}); {@link #plus(double, long)}
 * adds one unit in Java (the simulations).
 *
 * <p>The Y sums are of Y less {@code shift} (a MEAN) or less {@code shift} N (a RATIO), a constant near the arm's
 * mean ({@link #ofExactSums}), so that the variance is not lost to cancellation ({@link MetricData.Mean}); a
 * PROPORTION reads only {@code positives}. One shift for all arms would not do: an arm whose values lie far from the
 * others' (1e9 against 0) would lose its variance all the same.
 *
 * @param units     units in the arm
 * @param positives units whose total is > 0
 */
public record UnitTotals(long units, double sumY, double sumYSquares, long positives, double sumN,
                         double sumNSquares, double sumYN, double shift) {

    public static final UnitTotals NONE = new UnitTotals(0, 0, 0, 0, 0, 0, 0, 0);

    /** Sums of Y itself (no shift). */
    public UnitTotals(long units, double sumY, double sumYSquares, long positives, double sumN, double sumNSquares,
                      double sumYN) {
        this(units, sumY, sumYSquares, positives, sumN, sumNSquares, sumYN, 0);
    }

    /**
     * From an arm's exact sums of Y itself (the database's NUMERIC sums), the sums less a shift near the arm's own
     * mean, or ratio for a RATIO (none for a PROPORTION), computed exactly and rounded once.
     */
    public static UnitTotals ofExactSums(MetricKind kind, long units, BigDecimal sumY, BigDecimal sumYSquares,
                                         long positives, BigDecimal sumN, BigDecimal sumNSquares, BigDecimal sumYN) {
        double shift = kind == MetricKind.PROPORTION ? 0
                : shiftNear(sumY, kind == MetricKind.RATIO ? sumN : BigDecimal.valueOf(units));
        return shifted(kind, shift, units, sumY, sumYSquares, positives, sumN, sumNSquares, sumYN);
    }

    /** The significant bits a shift keeps ({@link #shiftNear}). */
    static final int SHIFT_BITS = 20;

    /**
     * A shift near {@code total / count} (0 without a count): a binary fraction of {@value #SHIFT_BITS} significant
     * bits, so that values of a few bits less it, their squares and their sums stay exact where the values themselves
     * would (two sources of the same sums then agree to the last bit), off the mean by a millionth of it at most
     * (values near 1e9 a few units apart keep about ten of a double's sixteen digits of their variance; raw sums,
     * none).
     */
    public static double shiftNear(BigDecimal total, BigDecimal count) {
        if (count.signum() == 0) {
            return 0;
        }
        double mean = total.divide(count, java.math.MathContext.DECIMAL64).doubleValue();
        if (!Double.isFinite(mean) || mean == 0) {
            return 0;
        }
        double unit = Math.scalb(1.0, Math.getExponent(mean) - (SHIFT_BITS - 1));
        return Math.rint(mean / unit) * unit;
    }

    /**
     * From the exact sums of Y itself (the database's NUMERIC aggregates, or their changes), the sums of Y less
     * {@code shift} (times N for a ratio), computed exactly and rounded once: rounded first, sums of squares near
     * 1e18 would leave nothing of a spread of a few units.
     */
    static UnitTotals shifted(MetricKind kind, double shift, long units, BigDecimal sumY, BigDecimal sumYSquares,
                              long positives, BigDecimal sumN, BigDecimal sumNSquares, BigDecimal sumYN) {
        BigDecimal c = new BigDecimal(shift);
        // Y - c w, w = 1 a unit (a mean) or its exposures N (a ratio)
        boolean ratio = kind == MetricKind.RATIO;
        BigDecimal sumW = ratio ? sumN : BigDecimal.valueOf(units);
        BigDecimal sumWSquares = ratio ? sumNSquares : BigDecimal.valueOf(units);
        BigDecimal sumYW = ratio ? sumYN : sumY;
        BigDecimal sumNW = ratio ? sumNSquares : sumN;
        BigDecimal squares = sumYSquares.subtract(c.multiply(sumYW).multiply(BigDecimal.valueOf(2)))
                .add(c.multiply(c).multiply(sumWSquares));
        return new UnitTotals(units, sumY.subtract(c.multiply(sumW)).doubleValue(), squares.doubleValue(), positives,
                sumN.doubleValue(), sumNSquares.doubleValue(), sumYN.subtract(c.multiply(sumNW)).doubleValue(), shift);
    }

    /** These totals with one more unit whose total (less the shift) is {@code y} over {@code exposures} exposures. */
    public UnitTotals plus(double y, long exposures) {
        return new UnitTotals(units + 1, sumY + y, sumYSquares + y * y, positives + (y > 0 ? 1 : 0),
                sumN + exposures, sumNSquares + (double) exposures * exposures, sumYN + y * exposures, shift);
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
            case MEAN -> units >= 2 ? new MetricData.Mean(units, sumY, Math.max(0.0, sumYSquares), shift) : null;
            case RATIO -> units >= 2 && sumN > 0
                    ? new MetricData.Ratio(units, sumY, Math.max(0.0, sumYSquares), sumN, sumNSquares, sumYN, shift)
                    : null;
        };
    }

    private boolean finite() {
        return Double.isFinite(sumY) && Double.isFinite(sumYSquares) && Double.isFinite(sumN)
                && Double.isFinite(sumNSquares) && Double.isFinite(sumYN) && Double.isFinite(shift);
    }
}
