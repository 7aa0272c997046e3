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
     * A continuous metric from its sums: count, sum and sum of squares of the per-unit values.
     */
    record Mean(long count, double sum, double sumOfSquares) implements MetricData {

        public Mean {
            if (count < 2) {
                throw new IllegalArgumentException("count: a variance needs count >= 2, got " + count);
            }
            if (!Double.isFinite(sum) || !Double.isFinite(sumOfSquares) || sumOfSquares < 0) {
                throw new IllegalArgumentException("sumOfSquares: sums must be finite and sumOfSquares >= 0");
            }
        }

        /** From a mean and an unbiased variance (e.g. CUPED-adjusted values). */
        public static Mean of(long count, double mean, double variance) {
            return new Mean(count, count * mean, (count - 1) * variance + count * mean * mean);
        }

        @Override
        public double mean() {
            return sum / count;
        }

        @Override
        public double variance() {
            double m = mean();
            // (sumSq - n m^2)/(n - 1); clamp tiny negatives caused by cancellation.
            return Math.max(0.0, (sumOfSquares - count * m * m) / (count - 1));
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
     */
    record Ratio(long count, double sumY, double sumYSquares, double sumN, double sumNSquares, double sumYN)
            implements MetricData {

        public Ratio {
            if (count < 2) {
                throw new IllegalArgumentException("count: a variance needs count >= 2, got " + count);
            }
            if (!(sumN > 0) || !Double.isFinite(sumN) || !Double.isFinite(sumY) || !Double.isFinite(sumYSquares)
                    || !Double.isFinite(sumNSquares) || !Double.isFinite(sumYN)) {
                throw new IllegalArgumentException("sumN: sums must be finite and sumN > 0");
            }
        }

        @Override
        public double mean() {
            return sumY / sumN;
        }

        @Override
        public double variance() {
            double r = mean();
            double meanN = sumN / count;
            // sum over units of (Y - R N)^2; clamp tiny negatives caused by cancellation.
            double residuals = Math.max(0.0, sumYSquares - 2 * r * sumYN + r * r * sumNSquares);
            return residuals / ((count - 1) * meanN * meanN);
        }
    }
}
