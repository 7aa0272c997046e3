package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.junit.jupiter.api.Test;

class CupedTests {

    /**
     * Simulated pre-period covariate X and outcome Y = 2 + 0.8 X + 0.3 T + noise. CUPED from sums must equal the
     * direct least-squares regression Y ~ 1 + T + X: theta is the X coefficient, the adjusted difference the T one.
     */
    @Test
    void shouldMatchDirectRegressionOnSimulatedData() {
        SplittableRandom random = new SplittableRandom(2013L);
        int perArm = 5_000;
        double[] y = new double[2 * perArm];
        double[][] design = new double[2 * perArm][];
        double[][] sums = new double[2][5];
        for (int i = 0; i < 2 * perArm; i++) {
            int arm = i < perArm ? 0 : 1;
            double x = 5 + 2 * gaussian(random);
            double value = 2 + 0.8 * x + 0.3 * arm + gaussian(random);
            y[i] = value;
            design[i] = new double[] {arm, x};
            double[] s = sums[arm];
            s[0] += value;
            s[1] += value * value;
            s[2] += x;
            s[3] += x * x;
            s[4] += x * value;
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(y, design);
        double[] beta = ols.estimateRegressionParameters(); // intercept, T, X

        Cuped.Result result = Cuped.adjust(List.of(
                new Cuped.CovariateData(perArm, sums[0][0], sums[0][1], sums[0][2], sums[0][3], sums[0][4]),
                new Cuped.CovariateData(perArm, sums[1][0], sums[1][1], sums[1][2], sums[1][3], sums[1][4])));

        assertThat(result.theta()).isCloseTo(beta[2], within(1e-9));
        double adjustedDifference = result.arms().get(1).adjustedMean() - result.arms().get(0).adjustedMean();
        assertThat(adjustedDifference).isCloseTo(beta[1], within(1e-9));
        // Var(Y) = 0.64 * 4 + 1 = 3.56, Var(Y - theta X) ~ 1: about 72% of the variance removed.
        assertThat(result.arms().get(0).varianceReduction()).isCloseTo(1 - 1 / 3.56, within(0.03));
        // The adjusted residual variance matches the regression's (up to degrees of freedom).
        double pooledAdjusted = (result.arms().get(0).adjustedVariance() + result.arms().get(1).adjustedVariance()) / 2;
        assertThat(pooledAdjusted).isCloseTo(ols.estimateErrorVariance(), within(1e-3));
    }

    /**
     * A third of the units have no covariate. From sums, with the missing X imputed by the observed mean, CUPED must
     * equal the row-level regression Y ~ 1 + T + X on the imputed rows, computed directly (the reference).
     */
    @Test
    void shouldMatchTheRegressionOnMeanImputedRowsWhenSomeUnitsLackTheCovariate() {
        SplittableRandom random = new SplittableRandom(77L);
        int perArm = 3_000;
        double[] y = new double[2 * perArm];
        double[] x = new double[2 * perArm];
        boolean[] present = new boolean[2 * perArm];
        double[][] sums = new double[2][8]; // n, sumY, sumYY, k, sumX, sumXX, sumXY, sumY over units with X
        double observedX = 0;
        int observed = 0;
        for (int i = 0; i < 2 * perArm; i++) {
            int arm = i < perArm ? 0 : 1;
            x[i] = 10 + 3 * gaussian(random);
            y[i] = 1 + 0.5 * x[i] + 0.2 * arm + gaussian(random);
            present[i] = random.nextInt(3) != 0;
            double[] s = sums[arm];
            s[0]++;
            s[1] += y[i];
            s[2] += y[i] * y[i];
            if (present[i]) {
                s[3]++;
                s[4] += x[i];
                s[5] += x[i] * x[i];
                s[6] += x[i] * y[i];
                s[7] += y[i];
                observedX += x[i];
                observed++;
            }
        }
        double m = observedX / observed;
        double[][] design = new double[2 * perArm][];
        for (int i = 0; i < 2 * perArm; i++) {
            design[i] = new double[] {i < perArm ? 0 : 1, present[i] ? x[i] : m};
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(y, design);
        double[] beta = ols.estimateRegressionParameters();

        Cuped.Result result = Cuped.adjustImputingMean(List.of(partial(sums[0]), partial(sums[1]))).orElseThrow();

        assertThat(result.covariateMean()).isCloseTo(m, within(1e-9));
        assertThat(result.theta()).isCloseTo(beta[2], within(1e-9));
        assertThat(result.arms().get(1).adjustedMean() - result.arms().get(0).adjustedMean())
                .isCloseTo(beta[1], within(1e-9));
        // Raw means are untouched; only two thirds of the units carry information: Var(Y) = 0.25 * 9 + 1 = 3.25,
        // removed share about (2/3) * 2.25 / 3.25 = 0.46.
        assertThat(result.arms().get(0).mean()).isCloseTo(sums[0][1] / perArm, within(1e-12));
        assertThat(result.arms().get(0).varianceReduction()).isCloseTo(2.0 / 3 * 2.25 / 3.25, within(0.04));
    }

    @Test
    void shouldLeaveNothingToAdjustWithoutAnyCovariate() {
        Cuped.PartialCovariateData none = new Cuped.PartialCovariateData(10, 5, 5, 0, 0, 0, 0, 0);
        assertThat(Cuped.adjustImputingMean(List.of(none, none))).isEmpty();
    }

    private static Cuped.PartialCovariateData partial(double[] s) {
        return new Cuped.PartialCovariateData((long) s[0], s[1], s[2], (long) s[3], s[4], s[5], s[6], s[7]);
    }

    @Test
    void shouldNarrowTheComparisonIntervalAndFeedTheSequentialTest() {
        SplittableRandom random = new SplittableRandom(5L);
        double[][] sums = new double[2][5];
        for (int i = 0; i < 4_000; i++) {
            int arm = i % 2;
            double x = gaussian(random);
            double value = x + 0.5 * gaussian(random);
            double[] s = sums[arm];
            s[0] += value;
            s[1] += value * value;
            s[2] += x;
            s[3] += x * x;
            s[4] += x * value;
        }
        Cuped.Result result = Cuped.adjust(List.of(
                new Cuped.CovariateData(2_000, sums[0][0], sums[0][1], sums[0][2], sums[0][3], sums[0][4]),
                new Cuped.CovariateData(2_000, sums[1][0], sums[1][1], sums[1][2], sums[1][3], sums[1][4])));
        Comparison raw = Comparison.compare(new MetricData.Mean(2_000, sums[0][0], sums[0][1]),
                new MetricData.Mean(2_000, sums[1][0], sums[1][1]), 0.95);
        Comparison adjusted = Comparison.compare(result.arms().get(0).toMeanData(), result.arms().get(1).toMeanData(), 0.95);
        assertThat(adjusted.differenceInterval().width()).isLessThan(raw.differenceInterval().width() / 2);
        MetricData.Mean back = result.arms().get(0).toMeanData();
        assertThat(back.mean()).isCloseTo(result.arms().get(0).adjustedMean(), within(1e-12));
        assertThat(back.variance()).isCloseTo(result.arms().get(0).adjustedVariance(), within(1e-9));
    }

    @Test
    void shouldLeaveTheMetricUnchangedForAConstantCovariate() {
        Cuped.Result result = Cuped.adjust(List.of(new Cuped.CovariateData(3, 6, 14, 3, 3, 6),
                new Cuped.CovariateData(3, 9, 29, 3, 3, 9)));
        assertThat(result.theta()).isZero();
        assertThat(result.arms().get(0).adjustedMean()).isEqualTo(2.0);
        assertThat(result.arms().get(0).adjustedVariance()).isCloseTo(1.0, within(1e-12));
    }

    /** Box-Muller from a seeded generator (SplittableRandom has no nextGaussian on Java 17). */
    /**
     * Y and X near 1e9, a few units apart: from sums less shifts near their means (as the results read them) CUPED
     * finds what it finds on the same data without the 1e9 (theta, the variances, the means less 1e9); from raw sums
     * of squares (1e18 each, a spread of a few units) nothing of the spread would be left.
     */
    @Test
    void shouldAdjustValuesLargeBesideTheirSpreadFromShiftedSums() {
        SplittableRandom random = new SplittableRandom(2026L);
        double level = 1e9;
        double shiftY = level + 6;
        double shiftX = level + 5;
        int perArm = 2_000;
        double[][] small = new double[2][5];
        double[][] shifted = new double[2][5];
        for (int i = 0; i < 2 * perArm; i++) {
            int arm = i < perArm ? 0 : 1;
            double x = 5 + 2 * gaussian(random);
            double value = 2 + 0.8 * x + 0.3 * arm + gaussian(random);
            add(small[arm], value, x);
            add(shifted[arm], level + value - shiftY, level + x - shiftX);
        }
        Cuped.Result reference = Cuped.adjust(List.of(data(perArm, small[0], 0, 0), data(perArm, small[1], 0, 0)));
        Cuped.Result large = Cuped.adjust(List.of(data(perArm, shifted[0], shiftY, shiftX),
                data(perArm, shifted[1], shiftY, shiftX)));

        assertThat(large.theta()).isCloseTo(reference.theta(), within(1e-6));
        assertThat(large.covariateMean() - level).isCloseTo(reference.covariateMean(), within(1e-6));
        for (int a = 0; a < 2; a++) {
            Cuped.AdjustedArm expected = reference.arms().get(a);
            Cuped.AdjustedArm actual = large.arms().get(a);
            assertThat(actual.mean() - level).isCloseTo(expected.mean(), within(1e-6));
            assertThat(actual.adjustedMean() - level).isCloseTo(expected.adjustedMean(), within(1e-6));
            assertThat(actual.variance()).isCloseTo(expected.variance(), within(1e-6));
            assertThat(actual.adjustedVariance()).isCloseTo(expected.adjustedVariance(), within(1e-6));
            assertThat(actual.adjustedVariance()).isBetween(0.9, 1.1);
        }
    }

    private static void add(double[] sums, double y, double x) {
        sums[0] += y;
        sums[1] += y * y;
        sums[2] += x;
        sums[3] += x * x;
        sums[4] += x * y;
    }

    private static Cuped.CovariateData data(int count, double[] sums, double shiftY, double shiftX) {
        return new Cuped.CovariateData(count, sums[0], sums[1], sums[2], sums[3], sums[4], shiftY, shiftX);
    }

    static double gaussian(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
