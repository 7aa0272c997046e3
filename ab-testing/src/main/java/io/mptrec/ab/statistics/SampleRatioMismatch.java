package io.mptrec.ab.statistics;

import java.util.List;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Sample-ratio-mismatch check: Pearson's chi-square goodness of fit of the observed units per arm against the
 * configured weights (Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments", KDD).
 * A mismatch means the assignment or logging is broken and no other result of the experiment can be trusted.
 *
 * @param chiSquare        sum over arms of (observed - expected)^2 / expected
 * @param degreesOfFreedom arms with positive weight minus 1
 * @param pValue           upper tail of chi-square(df) at chiSquare
 * @param mismatch         pValue < {@link #THRESHOLD}
 */
public record SampleRatioMismatch(double chiSquare, int degreesOfFreedom, double pValue, boolean mismatch) {

    /** Strict on purpose: the check runs at every look, and a false alarm stops an experiment. */
    public static final double THRESHOLD = 0.001;

    public static SampleRatioMismatch check(List<Long> observed, List<Double> weights) {
        if (observed.size() != weights.size() || observed.size() < 2) {
            throw new IllegalArgumentException("weights: need one weight per arm and at least 2 arms");
        }
        long total = 0;
        for (long o : observed) {
            if (o < 0) {
                throw new IllegalArgumentException("observed: counts must be >= 0");
            }
            total += o;
        }
        double weightSum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights: must be finite and >= 0");
            }
            weightSum += w;
        }
        if (total == 0) {
            return new SampleRatioMismatch(0, 0, 1.0, false);
        }
        double chiSquare = 0;
        int positiveArms = 0;
        for (int i = 0; i < observed.size(); i++) {
            double expected = total * weights.get(i) / weightSum;
            if (expected == 0) {
                if (observed.get(i) > 0) {
                    // Units in an arm that should receive none: certain mismatch.
                    return new SampleRatioMismatch(Double.POSITIVE_INFINITY, 0, 0.0, true);
                }
                continue;
            }
            positiveArms++;
            double d = observed.get(i) - expected;
            chiSquare += d * d / expected;
        }
        int df = positiveArms - 1;
        if (df < 1) {
            return new SampleRatioMismatch(chiSquare, 0, 1.0, false);
        }
        // Null RNG: the distribution is only used for its CDF.
        double p = 1 - new ChiSquaredDistribution(null, df, ChiSquaredDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY)
                .cumulativeProbability(chiSquare);
        p = Math.max(0.0, p);
        return new SampleRatioMismatch(chiSquare, df, p, p < THRESHOLD);
    }
}
