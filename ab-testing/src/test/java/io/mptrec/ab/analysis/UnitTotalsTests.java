package io.mptrec.ab.analysis;

import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.statistics.MetricData;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Sums of values large beside their spread (accepted KPI values reach 1e9): taken less a shift near the mean, the
 * variance is the one computed from the values themselves; from raw sums of squares it would be lost.
 */
class UnitTotalsTests {

    /** 2,000 units of 1e9 - 20 give or take a few units (the exact sums the Kafka path's NUMERIC columns hold). */
    @Test
    void shouldKeepTheVarianceOfLargeValuesFromExactSumsLessAShift() {
        int n = 2_000;
        double[] y = new double[n];
        BigDecimal sumY = BigDecimal.ZERO;
        BigDecimal sumYSquares = BigDecimal.ZERO;
        double rawSum = 0;
        double rawSumOfSquares = 0;
        for (int i = 0; i < n; i++) {
            y[i] = 999_999_980 + 2.5 * (i % 7) + 0.125 * (i % 3);
            sumY = sumY.add(new BigDecimal(y[i]));
            sumYSquares = sumYSquares.add(new BigDecimal(y[i]).pow(2));
            rawSum += y[i];
            rawSumOfSquares += y[i] * y[i];
        }
        double mean = twoPassMean(y);
        double variance = twoPassVariance(y, mean);

        UnitTotals shifted = UnitTotals.shifted(MetricKind.MEAN, 999_999_984, n, sumY, sumYSquares, n,
                BigDecimal.valueOf(n), BigDecimal.valueOf(n), sumY);
        MetricData data = shifted.toMetricData(MetricKind.MEAN);
        assertThat(data.mean()).isCloseTo(mean, within(1e-6));
        assertThat(data.variance()).isCloseTo(variance, within(variance * 1e-12));
        // the same values from raw double sums: the cancellation this guards against
        MetricData raw = new UnitTotals(n, rawSum, rawSumOfSquares, n, n, n, rawSum).toMetricData(MetricKind.MEAN);
        assertThat(raw.variance()).isNotCloseTo(variance, within(variance / 2));
    }

    /** A ratio of large totals per exposure: the delta method's variance from sums of Y less shift N. */
    @Test
    void shouldKeepTheDeltaMethodVarianceOfARatioOfLargeTotals() {
        int n = 1_500;
        double[] y = new double[n];
        long[] exposures = new long[n];
        BigDecimal[] sums = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        for (int i = 0; i < n; i++) {
            exposures[i] = 1 + i % 4;
            y[i] = exposures[i] * 999_999_000.0 + 3 * (i % 5);
            BigDecimal yi = new BigDecimal(y[i]);
            BigDecimal ni = BigDecimal.valueOf(exposures[i]);
            sums[0] = sums[0].add(yi);
            sums[1] = sums[1].add(yi.pow(2));
            sums[2] = sums[2].add(ni);
            sums[3] = sums[3].add(ni.pow(2));
            sums[4] = sums[4].add(yi.multiply(ni));
        }
        // by hand, from each unit's Y less 999,999,000 N (small, exact)
        double totalOff = 0;
        double totalN = 0;
        for (int i = 0; i < n; i++) {
            totalOff += y[i] - 999_999_000.0 * exposures[i];
            totalN += exposures[i];
        }
        double offRatio = totalOff / totalN;
        double ratio = 999_999_000.0 + offRatio;
        double meanN = totalN / n;
        double residuals = 0;
        for (int i = 0; i < n; i++) {
            double r = (y[i] - 999_999_000.0 * exposures[i]) - offRatio * exposures[i];
            residuals += r * r;
        }
        double variance = residuals / ((n - 1) * meanN * meanN);

        MetricData data = UnitTotals.shifted(MetricKind.RATIO, 999_999_001, n, sums[0], sums[1], n, sums[2], sums[3],
                sums[4]).toMetricData(MetricKind.RATIO);
        assertThat(data.mean()).isCloseTo(ratio, within(1e-6));
        assertThat(data.variance()).isCloseTo(variance, within(variance * 1e-9));
    }

    /**
     * Each arm's sums are less a shift near its own mean: one shift for arms 1e9 apart would leave the far arm's
     * variance to cancellation (a review read 0 where it was 0.25).
     */
    @Test
    void shouldTakeEachArmsSumsLessItsOwnShift() {
        double[] far = {999_999_990, 999_999_990.5, 999_999_990.25, 999_999_990.75, 999_999_990.5};
        double[] near = {0, 0.5, 0.25, 0.75, 0.5};
        for (double[] arm : new double[][] {far, near}) {
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal squares = BigDecimal.ZERO;
            for (double v : arm) {
                sum = sum.add(new BigDecimal(v));
                squares = squares.add(new BigDecimal(v).pow(2));
            }
            UnitTotals t = UnitTotals.ofExactSums(MetricKind.MEAN, arm.length, sum, squares, arm.length,
                    BigDecimal.valueOf(arm.length), BigDecimal.valueOf(arm.length), sum);
            double mean = arm[0] + 0.4;
            assertThat(t.shift()).as("near the arm's own mean: off by a millionth of it at most")
                    .isCloseTo(mean, within(Math.abs(mean) * 1e-6));
            assertThat(t.toMetricData(MetricKind.MEAN).mean()).isCloseTo(mean, within(1e-6));
            assertThat(t.toMetricData(MetricKind.MEAN).variance()).isCloseTo(0.08125, within(1e-10))
                    .isCloseTo(twoPassVariance(arm, mean), within(1e-9));
        }
    }

    private static double twoPassMean(double[] y) {
        double sum = 0;
        for (double v : y) {
            sum += v - 1e9;
        }
        return 1e9 + sum / y.length;
    }

    private static double twoPassVariance(double[] y, double mean) {
        double sum = 0;
        for (double v : y) {
            sum += (v - mean) * (v - mean);
        }
        return sum / (y.length - 1);
    }
}
