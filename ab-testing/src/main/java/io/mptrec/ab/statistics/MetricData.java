package io.mptrec.ab.statistics;

/**
 * Sufficient statistics of one metric in one arm. Either a {@link Proportion} or a {@link Mean}.
 * Everything downstream needs only n, the mean and the per-unit variance.
 */
public sealed interface MetricData permits MetricData.Proportion, MetricData.Mean {

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
}
