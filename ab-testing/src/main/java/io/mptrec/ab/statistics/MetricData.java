package io.mptrec.ab.statistics;

/**
 * Sufficient statistics of one metric in one arm, over its units (the randomised entity). A {@link Proportion}, a
 * {@link Mean} or a {@link Ratio}. Everything downstream needs only n, the mean and the per-unit variance.
 */
public sealed interface MetricData permits MetricData.Proportion, MetricData.Mean, MetricData.Ratio {

    long count();

    double mean();

    /** Per-unit variance of the metric (p(1-p) for proportions, the unbiased sample variance for means). */
    double variance();

    /** Variance of the arm mean: variance / count. */
    default double varianceOfMean() {
        return variance() / count();
    }

    /**
     * A rate: {@code successes} of {@code count} units (click-through, conversion).
     */
    record Proportion(long count, long successes) implements MetricData {

        public Proportion {
            if (count < 1) {
                throw new IllegalArgumentException("count: must be >= 1, got " + count);
            }
            if (successes < 0 || successes > count) {
                throw new IllegalArgumentException("successes: must be in [0, count], got " + successes);
            }
        }

        @Override
        public double mean() {
            return (double) successes / count;
        }

        @Override
        public double variance() {
            double p = mean();
            return p * (1 - p);
        }
    }

    /**
     * A continuous metric from its sums: count, sum and sum of squares of the per-unit values less {@code shift}.
     * The shift keeps the variance exact: from raw sums, {@code sum(y^2) - n mean^2} cancels to nothing when the
     * values are large beside their spread (1e9 give or take a few units: 1e18 against a spread of 1e0 is past a
     * double's 16 digits), while centred near the mean the same formula loses nothing. Any shift is correct; one near
     * the mean is accurate.
     */
    record Mean(long count, double sum, double sumOfSquares, double shift) implements MetricData {

        public Mean {
            if (count < 2) {
                throw new IllegalArgumentException("count: a variance needs count >= 2, got " + count);
            }
            if (!Double.isFinite(sum) || !Double.isFinite(sumOfSquares) || sumOfSquares < 0
                    || !Double.isFinite(shift)) {
                throw new IllegalArgumentException("sumOfSquares: sums must be finite and sumOfSquares >= 0");
            }
        }

        /** Raw sums (no shift). */
        public Mean(long count, double sum, double sumOfSquares) {
            this(count, sum, sumOfSquares, 0);
        }

        /** From a mean and an unbiased variance (e.g. CUPED-adjusted values), centred at the mean. */
        public static Mean of(long count, double mean, double variance) {
            return new Mean(count, 0, (count - 1) * variance, mean);
        }

        @Override
        public double mean() {
            return shift + sum / count;
        }

        @Override
        public double variance() {
            // clamp tiny negatives left by rounding
            return Math.max(0.0, (sumOfSquares - sum * (sum / count)) / (count - 1));
        }
    }

    /**
     * A ratio of sums over units, sum(Y) / sum(N), e.g. clicks per impression where Y is a unit's clicks and N its
     * exposures. The units are independent, their exposures are not, so the variance comes from the delta method
     * over units (Deng, Knoblich, Lu 2018, "Applying the Delta Method in Metric Analytics", KDD, section 3):
     * with R = sum(Y) / sum(N) and the mean exposures per unit N̄, each unit contributes (Y - R N) / N̄, and
     * <pre>
     *   variance = (sum(Y^2) - 2 R sum(YN) + R^2 sum(N^2)) / ((n - 1) N̄^2),   Var(R) = variance / n.
     * </pre>
     * The Y sums are of Y less {@code shift} N, for the reason {@link Mean} gives: Y - R N is the same with either.
     */
    record Ratio(long count, double sumY, double sumYSquares, double sumN, double sumNSquares, double sumYN,
                 double shift) implements MetricData {

        public Ratio {
            if (count < 2) {
                throw new IllegalArgumentException("count: a variance needs count >= 2, got " + count);
            }
            if (!(sumN > 0) || !Double.isFinite(sumN) || !Double.isFinite(sumY) || !Double.isFinite(sumYSquares)
                    || !Double.isFinite(sumNSquares) || !Double.isFinite(sumYN) || !Double.isFinite(shift)) {
                throw new IllegalArgumentException("sumN: sums must be finite and sumN > 0");
            }
        }

        /** Raw sums (no shift). */
        public Ratio(long count, double sumY, double sumYSquares, double sumN, double sumNSquares, double sumYN) {
            this(count, sumY, sumYSquares, sumN, sumNSquares, sumYN, 0);
        }

        @Override
        public double mean() {
            return shift + sumY / sumN;
        }

        @Override
        public double variance() {
            double r = sumY / sumN;
            double meanN = sumN / count;
            // sum over units of (Y - R N)^2; clamp tiny negatives left by rounding
            double residuals = Math.max(0.0, sumYSquares - 2 * r * sumYN + r * r * sumNSquares);
            return residuals / ((count - 1) * meanN * meanN);
        }
    }
}
