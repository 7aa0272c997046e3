package io.mptrec.ab.statistics;

/**
 * One metric in one arm as a user reads it: estimate, sample size and uncertainty together.
 *
 * @param count         units in the arm
 * @param estimate      rate, mean or ratio
 * @param standardError sqrt(variance / count)
 * @param interval      confidence interval for the estimate
 * @param method        how the interval was computed ("wilson" or "normal")
 */
public record ArmSummary(long count, double estimate, double standardError, ConfidenceInterval interval, String method) {

    /**
     * Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3):
     * centre = (p + z^2/2n) / (1 + z^2/n), half-width = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2).
     * Stays inside [0, 1] and keeps its coverage near 0 and 1, unlike the Wald interval.
     */
    public static ArmSummary proportion(MetricData.Proportion data, double level) {
        double z = Checks.zCritical(level);
        double n = data.count();
        double p = data.mean();
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        ConfidenceInterval interval = new ConfidenceInterval(Math.max(0, centre - half), Math.min(1, centre + half), level);
        return new ArmSummary(data.count(), p, Math.sqrt(data.varianceOfMean()), interval, "wilson");
    }

    /**
     * Normal (CLT) interval for a mean: mean +- z * s / sqrt(n), s^2 the unbiased sample variance.
     */
    public static ArmSummary mean(MetricData.Mean data, double level) {
        return normal(data, level);
    }

    /**
     * The summary a user reads for any kind of metric: Wilson for a proportion, normal otherwise (for a
     * {@link MetricData.Ratio} with its delta-method standard error).
     */
    public static ArmSummary of(MetricData data, double level) {
        return data instanceof MetricData.Proportion p ? proportion(p, level) : normal(data, level);
    }

    private static ArmSummary normal(MetricData data, double level) {
        double z = Checks.zCritical(level);
        double se = Math.sqrt(data.varianceOfMean());
        double m = data.mean();
        return new ArmSummary(data.count(), m, se, new ConfidenceInterval(m - z * se, m + z * se, level), "normal");
    }
}
