package io.mptrec.ab.statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CUPED variance reduction (Deng, Xu, Kohavi, Walker 2013, "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data", WSDM) from sufficient statistics.
 *
 * <p>theta is pooled within arms: theta = sum_a S_xy,a / sum_a S_xx,a with centred sums
 * S_xy,a = sum(xy) - sum(x) sum(y) / n_a. This is the coefficient of X in the regression Y ~ arm + X
 * (ANCOVA), so the treatment effect of Y does not leak into theta. Then per arm
 * <pre>
 *   adjusted mean     = mean(Y_a) - theta (mean(X_a) - mean(X over all arms))
 *   adjusted variance = (S_yy,a - 2 theta S_xy,a + theta^2 S_xx,a) / (n_a - 1)
 * </pre>
 * The adjusted difference of means equals the regression's arm coefficient. The uncertainty of theta and
 * of the overall X mean is ignored (O(1/n), negligible at experiment sizes), as in Deng et al.
 */
public final class Cuped {

    private Cuped() {
    }

    /**
     * Sums of one arm: Y is the metric in the experiment, X the same unit's pre-period covariate; the sums are of Y
     * less {@code shiftY} and X less {@code shiftX}, constants near their means that keep the centred sums exact (see
     * {@link MetricData.Mean}): Y's the arm's own, X's the same in every arm.
     */
    public record CovariateData(long count, double sumY, double sumYSquares, double sumX, double sumXSquares,
                                double sumXY, double shiftY, double shiftX) {

        public CovariateData {
            if (count < 2) {
                throw new IllegalArgumentException("count: must be >= 2, got " + count);
            }
        }

        /** Sums of Y and X themselves (no shift). */
        public CovariateData(long count, double sumY, double sumYSquares, double sumX, double sumXSquares,
                             double sumXY) {
            this(count, sumY, sumYSquares, sumX, sumXSquares, sumXY, 0, 0);
        }

        double centredXX() {
            return sumXSquares - sumX * sumX / count;
        }

        double centredXY() {
            return sumXY - sumX * sumY / count;
        }

        double centredYY() {
            return sumYSquares - sumY * sumY / count;
        }
    }

    /**
     * One arm after adjustment.
     *
     * @param varianceReduction 1 - adjustedVariance / variance: the share of variance removed
     */
    public record AdjustedArm(long count, double mean, double variance, double adjustedMean, double adjustedVariance,
                              double varianceReduction) {

        /** The adjusted metric, ready for {@link Comparison#compare} or {@link SequentialTest#mSprt}. */
        public MetricData.Mean toMeanData() {
            return MetricData.Mean.of(count, adjustedMean, adjustedVariance);
        }
    }

    /**
     * @param theta         pooled regression coefficient of Y on X
     * @param covariateMean mean of X over all arms
     * @param arms          adjusted arms, in input order
     */
    public record Result(double theta, double covariateMean, List<AdjustedArm> arms) {
    }

    /**
     * Sums of one arm where only some units have a covariate (units new in the pre-period have none).
     *
     * @param withCovariate     units with a covariate; {@code sumX}, {@code sumXSquares}, {@code sumXY} and
     *                          {@code sumYWithCovariate} run over those units only
     */
    public record PartialCovariateData(long count, double sumY, double sumYSquares, long withCovariate, double sumX,
                                       double sumXSquares, double sumXY, double sumYWithCovariate, double shiftY,
                                       double shiftX) {

        public PartialCovariateData {
            if (count < 2) {
                throw new IllegalArgumentException("count: must be >= 2, got " + count);
            }
            if (withCovariate < 0 || withCovariate > count) {
                throw new IllegalArgumentException("withCovariate: must be in [0, count], got " + withCovariate);
            }
        }

        /** Sums of Y and X themselves (no shift). */
        public PartialCovariateData(long count, double sumY, double sumYSquares, long withCovariate, double sumX,
                                    double sumXSquares, double sumXY, double sumYWithCovariate) {
            this(count, sumY, sumYSquares, withCovariate, sumX, sumXSquares, sumXY, sumYWithCovariate, 0, 0);
        }

        /** The same arm with every missing covariate (less the shift) set to {@code m}. */
        CovariateData imputed(double m) {
            long missing = count - withCovariate;
            return new CovariateData(count, sumY, sumYSquares, sumX + missing * m, sumXSquares + missing * m * m,
                    sumXY + m * (sumY - sumYWithCovariate), shiftY, shiftX);
        }
    }

    /**
     * CUPED when some units lack the covariate: a missing X is replaced by the mean of the observed X over all arms
     * (one constant for every arm, so X stays independent of the assignment and the estimate stays unbiased; units
     * without a covariate simply gain nothing). Empty if no unit has a covariate.
     */
    public static Optional<Result> adjustImputingMean(List<PartialCovariateData> arms) {
        long observed = 0;
        double sumX = 0;
        for (PartialCovariateData a : arms) {
            observed += a.withCovariate();
            sumX += a.sumX();
        }
        if (observed == 0) {
            return Optional.empty();
        }
        double m = sumX / observed;
        return Optional.of(adjust(arms.stream().map(a -> a.imputed(m)).toList()));
    }

    public static Result adjust(List<CovariateData> arms) {
        if (arms.size() < 2) {
            throw new IllegalArgumentException("arms: need at least 2 arms");
        }
        double sxy = 0;
        double sxx = 0;
        double sumX = 0;
        long n = 0;
        for (CovariateData a : arms) {
            // Y's shift is each arm's own (its centred sums do not depend on it); X's is one, as its mean is pooled
            if (Double.compare(a.shiftX(), arms.get(0).shiftX()) != 0) {
                throw new IllegalArgumentException("arms: covariate sums of different shifts");
            }
            sxy += a.centredXY();
            sxx += a.centredXX();
            sumX += a.sumX();
            n += a.count();
        }
        // A constant covariate carries no information: theta = 0 leaves the metric unchanged.
        double theta = sxx > 0 ? sxy / sxx : 0.0;
        double covariateMean = sumX / n;
        List<AdjustedArm> adjusted = new ArrayList<>();
        for (CovariateData a : arms) {
            double meanY = a.shiftY() + a.sumY() / a.count();
            double meanX = a.sumX() / a.count();
            double variance = Math.max(0, a.centredYY() / (a.count() - 1));
            double adjustedVariance = Math.max(0,
                    (a.centredYY() - 2 * theta * a.centredXY() + theta * theta * a.centredXX()) / (a.count() - 1));
            double reduction = variance > 0 ? 1 - adjustedVariance / variance : 0;
            adjusted.add(new AdjustedArm(a.count(), meanY, variance, meanY - theta * (meanX - covariateMean),
                    adjustedVariance, reduction));
        }
        return new Result(theta, arms.get(0).shiftX() + covariateMean, List.copyOf(adjusted));
    }
}
