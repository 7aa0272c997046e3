package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SequentialTestTests {

    private static final double ALPHA = 0.05;

    @Test
    void shouldMatchTheClosedFormBoundary() {
        MetricData control = new MetricData.Proportion(10_000, 1_000);
        MetricData treatment = new MetricData.Proportion(10_000, 1_100);
        double tau2 = 1e-4;
        SequentialTest.Result r = SequentialTest.mSprt(control, treatment, ALPHA, tau2);
        // Jeffreys' smoothed rates, (x + 1/2) / (n + 1)
        double pc = 1_000.5 / 10_001;
        double pt = 1_100.5 / 10_001;
        double v = pc * (1 - pc) / 10_000 + pt * (1 - pt) / 10_000;
        double d = 0.01;
        double radius = Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(20) + Math.log((v + tau2) / v)));
        double lambda = Math.sqrt(v / (v + tau2)) * Math.exp(d * d * tau2 / (2 * v * (v + tau2)));
        assertThat(r.difference()).isCloseTo(d, within(1e-12));
        assertThat(r.interval().upper() - d).isCloseTo(radius, within(1e-12));
        assertThat(r.pValue()).isCloseTo(Math.min(1, 1 / lambda), within(1e-12));
    }

    @Test
    void shouldBeWiderThanTheFixedHorizonInterval() {
        MetricData control = new MetricData.Proportion(20_000, 2_000);
        MetricData treatment = new MetricData.Proportion(20_000, 2_100);
        SequentialTest.Result sequential = SequentialTest.mSprt(control, treatment, ALPHA,
                SequentialTest.mixingVarianceFor(0.09, 20_000, ALPHA));
        Comparison fixed = Comparison.compare(control, treatment, 1 - ALPHA);
        assertThat(sequential.interval().width()).isGreaterThan(fixed.differenceInterval().width());
        assertThat(sequential.pValue()).isGreaterThan(fixed.pValue());
    }

    @Test
    void shouldExcludeZeroExactlyWhenThePValueIsBelowAlpha() {
        SplittableRandom random = new SplittableRandom(7L);
        for (int i = 0; i < 200; i++) {
            long sc = 900 + random.nextInt(200);
            long st = 900 + random.nextInt(200);
            SequentialTest.Result r = SequentialTest.mSprt(new MetricData.Proportion(10_000, sc),
                    new MetricData.Proportion(10_000, st), ALPHA, 2e-5);
            assertThat(r.interval().excludes(0)).isEqualTo(r.pValue() < ALPHA);
        }
    }

    @Test
    void shouldSeparateArmsThatAreEachConstant() {
        // 300 units each: no errors in control, an error for every treatment unit; the plug-in variance is 0 in both
        SequentialTest.Result r = SequentialTest.mSprt(new MetricData.Proportion(300, 0),
                new MetricData.Proportion(300, 300), ALPHA, SequentialTest.mixingVarianceFor(0.25, 1_000, ALPHA));
        assertThat(r.enoughData()).isTrue();
        assertThat(r.interval().lower()).isGreaterThan(0.9);
        assertThat(r.pValue()).isLessThan(1e-6);
        NonInferiority.Result guardrail = NonInferiority.check(r, new NonInferiority.Margin(0.01,
                NonInferiority.MarginType.ABSOLUTE), NonInferiority.Direction.LOWER_IS_BETTER);
        assertThat(guardrail.outcome()).isEqualTo(NonInferiority.Outcome.FAIL);

        // no errors in either arm: a finite interval around 0, which more units narrow
        SequentialTest.Result none = SequentialTest.mSprt(new MetricData.Proportion(300, 0),
                new MetricData.Proportion(300, 0), ALPHA, SequentialTest.mixingVarianceFor(0.25, 1_000, ALPHA));
        SequentialTest.Result more = SequentialTest.mSprt(new MetricData.Proportion(30_000, 0),
                new MetricData.Proportion(30_000, 0), ALPHA, SequentialTest.mixingVarianceFor(0.25, 1_000, ALPHA));
        assertThat(none.interval().contains(0)).isTrue();
        assertThat(Double.isFinite(none.interval().width())).isTrue();
        assertThat(more.interval().width()).isLessThan(none.interval().width() / 10);
        assertThat(none.pValue()).isEqualTo(1.0);
    }

    @Test
    void shouldReportNothingBeforeEnoughData() {
        SequentialTest.Result r = SequentialTest.mSprt(new MetricData.Proportion(50, 1), new MetricData.Proportion(50, 20),
                ALPHA, 1e-3);
        assertThat(r.enoughData()).isFalse();
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.interval().contains(0)).isTrue();
    }

    @Test
    void shouldKeepRunningIntersectionAndMinimumPValue() {
        SequentialTest.Result first = SequentialTest.mSprt(new MetricData.Proportion(5_000, 500),
                new MetricData.Proportion(5_000, 560), ALPHA, 1e-4);
        SequentialTest.Result second = SequentialTest.mSprt(new MetricData.Proportion(10_000, 1_000),
                new MetricData.Proportion(10_000, 1_050), ALPHA, 1e-4);
        SequentialTest.Result running = second.runningWith(first);
        assertThat(running.pValue()).isEqualTo(Math.min(first.pValue(), second.pValue()));
        assertThat(running.interval().lower()).isEqualTo(Math.max(first.interval().lower(), second.interval().lower()));
        assertThat(running.interval().upper()).isEqualTo(Math.min(first.interval().upper(), second.interval().upper()));
    }

    /**
     * A/A test: identical arms, peeked at 80 times each. The always-valid interval may exclude 0 at any look in at
     * most alpha of the runs (Ville's inequality), up to Monte-Carlo error.
     */
    @Test
    void shouldKeepFalsePositiveRateBelowAlphaUnderContinuousPeeking() {
        double[] rates = falsePositiveRates(0.10, 20_170_812L);
        // Tolerance: 2.5 Monte-Carlo standard errors of a 0.05 rate over RUNS runs (~0.017).
        assertThat(rates[0]).isLessThanOrEqualTo(ALPHA + 2.5 * Math.sqrt(ALPHA * (1 - ALPHA) / RUNS));
        // The naive interval, peeked at as often, is badly inflated: the reason this class exists.
        assertThat(rates[1]).isGreaterThan(2 * ALPHA);
    }

    /** The same at a rare rate (about 2 events per arm at the first look), where the smoothed variance matters most. */
    @Test
    void shouldKeepFalsePositiveRateBelowAlphaForARareEvent() {
        double[] rates = falsePositiveRates(0.005, 31L);
        assertThat(rates[0]).isLessThanOrEqualTo(ALPHA + 2.5 * Math.sqrt(ALPHA * (1 - ALPHA) / RUNS));
    }

    /** The same rare 0/1 outcome counted as a mean (a crash count), where an arm without a crash borrows the spread. */
    @Test
    void shouldKeepFalsePositiveRateBelowAlphaForARareEventCountedAsAMean() {
        double[] rates = falsePositiveRates(0.005, 31L, true);
        assertThat(rates[0]).isLessThanOrEqualTo(ALPHA + 2.5 * Math.sqrt(ALPHA * (1 - ALPHA) / RUNS));
    }

    /**
     * Every treatment unit crashed, no control unit did: a mean (or a ratio) constant in each arm but different
     * between them is the harm a guardrail exists for, not "no information" (the interval was infinite, so the
     * guardrail could never fail). One value in both arms together still tells nothing.
     */
    @Test
    void shouldBoundADifferenceBetweenTwoArmsThatAreEachConstant() {
        MetricData.Mean never = new MetricData.Mean(128, 0, 0);
        MetricData.Mean always = new MetricData.Mean(112, 112, 112);
        SequentialTest.Result mean = SequentialTest.mSprt(never, always, ALPHA, 0.01);
        assertThat(mean.difference()).isEqualTo(1.0);
        assertThat(mean.interval().lower()).isGreaterThan(0.5);
        assertThat(mean.interval().upper()).isLessThan(1.5);
        assertThat(mean.enoughData()).isTrue();

        // one exposure a unit: Y = 0 in control, 1 in treatment
        MetricData.Ratio none = new MetricData.Ratio(128, 0, 0, 128, 128, 0);
        MetricData.Ratio all = new MetricData.Ratio(112, 112, 112, 112, 112, 112);
        assertThat(SequentialTest.mSprt(none, all, ALPHA, 0.01).interval().lower()).isGreaterThan(0.5);

        SequentialTest.Result same = SequentialTest.mSprt(never, new MetricData.Mean(112, 0, 0), ALPHA, 0.01);
        assertThat(same.interval().lower()).isEqualTo(Double.NEGATIVE_INFINITY);
        // an arm with spread keeps its own
        MetricData.Mean spread = new MetricData.Mean(112, 56, 56);
        assertThat(SequentialTest.varianceOfMean(spread, never)).isEqualTo(spread.varianceOfMean());
    }

    /**
     * An arm without spread borrows the pooled variance of both arms; with each arm's sums less a shift of its own
     * (arms 1e9 apart), the pooled variance comes from each arm's centred sums and matches the values' own, for a
     * mean and for a ratio (the delta method's residuals around the pooled ratio).
     */
    @Test
    void shouldPoolTheVarianceOfArmsFarApartFromEachArmsCentredSums() {
        double[] far = {1e9, 1e9 + 1, 1e9 + 2, 1e9 + 0.5};
        double[] near = {0, 1, 2, 0.5};
        double shiftFar = 1e9;
        MetricData.Mean a = new MetricData.Mean(4, 3.5, 0 + 1 + 4 + 0.25, shiftFar);
        MetricData.Mean b = new MetricData.Mean(4, 3.5, 5.25, 0);
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        java.math.BigDecimal squares = java.math.BigDecimal.ZERO;
        for (double[] arm : new double[][] {far, near}) {
            for (double v : arm) {
                sum = sum.add(new java.math.BigDecimal(v));
                squares = squares.add(new java.math.BigDecimal(v).pow(2));
            }
        }
        java.math.MathContext digits = new java.math.MathContext(40);
        double exact = squares.subtract(sum.pow(2).divide(java.math.BigDecimal.valueOf(8), digits))
                .divide(java.math.BigDecimal.valueOf(7), digits).doubleValue();
        assertThat(SequentialTest.pooledVariance(a, b)).isCloseTo(exact, within(exact * 1e-12));

        // ratios: one exposure or two a unit, Y near 1e9 N in one arm, near N in the other
        long[] n = {1, 2, 1, 2};
        double[] yFar = {1e9 + 1, 2e9 + 1, 1e9, 2e9 + 3};
        double[] yNear = {1, 3, 0, 4};
        MetricData.Ratio ra = ratio(n, yFar, 1e9);
        MetricData.Ratio rb = ratio(n, yNear, 0);
        java.math.BigDecimal totalY = java.math.BigDecimal.ZERO;
        for (int i = 0; i < 4; i++) {
            totalY = totalY.add(new java.math.BigDecimal(yFar[i])).add(new java.math.BigDecimal(yNear[i]));
        }
        java.math.BigDecimal r = totalY.divide(java.math.BigDecimal.valueOf(12), digits);
        java.math.BigDecimal residuals = java.math.BigDecimal.ZERO;
        for (double[] y : new double[][] {yFar, yNear}) {
            for (int i = 0; i < 4; i++) {
                residuals = residuals.add(new java.math.BigDecimal(y[i])
                        .subtract(r.multiply(java.math.BigDecimal.valueOf(n[i]))).pow(2));
            }
        }
        double exactRatio = residuals.divide(java.math.BigDecimal.valueOf(7 * 1.5 * 1.5), digits).doubleValue();
        assertThat(SequentialTest.pooledVariance(ra, rb)).isCloseTo(exactRatio, within(exactRatio * 1e-9));
    }

    /** A ratio's sums of Y less {@code shift} N. */
    private static MetricData.Ratio ratio(long[] n, double[] y, double shift) {
        double sumY = 0;
        double sumYSquares = 0;
        double sumN = 0;
        double sumNSquares = 0;
        double sumYN = 0;
        for (int i = 0; i < n.length; i++) {
            double shifted = y[i] - shift * n[i];
            sumY += shifted;
            sumYSquares += shifted * shifted;
            sumN += n[i];
            sumNSquares += (double) n[i] * n[i];
            sumYN += shifted * n[i];
        }
        return new MetricData.Ratio(n.length, sumY, sumYSquares, sumN, sumNSquares, sumYN, shift);
    }

    private static final int RUNS = 1_000;

    private static double[] falsePositiveRates(double rate, long seed) {
        return falsePositiveRates(rate, seed, false);
    }

    /** Over RUNS A/A runs of 20,000 units per arm at {@code rate}: the share in which the always-valid interval, and
     * the fixed-horizon one peeked at as often, ever excluded 0; the 0/1 outcome as a proportion or as a mean. */
    private static double[] falsePositiveRates(double rate, long seed, boolean asMean) {
        int maxPerArm = 20_000;
        int lookEvery = 250;
        double tau2 = SequentialTest.mixingVarianceFor(rate * (1 - rate), maxPerArm, ALPHA);
        SplittableRandom random = new SplittableRandom(seed);
        int everExcluded = 0;
        int fixedHorizonPeekingExcluded = 0;
        for (int run = 0; run < RUNS; run++) {
            long sc = 0;
            long st = 0;
            boolean excluded = false;
            boolean naiveExcluded = false;
            for (int n = 1; n <= maxPerArm; n++) {
                sc += random.nextDouble() < rate ? 1 : 0;
                st += random.nextDouble() < rate ? 1 : 0;
                if (n % lookEvery == 0) {
                    MetricData c = asMean ? new MetricData.Mean(n, sc, sc) : new MetricData.Proportion(n, sc);
                    MetricData t = asMean ? new MetricData.Mean(n, st, st) : new MetricData.Proportion(n, st);
                    excluded |= SequentialTest.mSprt(c, t, ALPHA, tau2).interval().excludes(0);
                    naiveExcluded |= Comparison.compare(c, t, 1 - ALPHA).differenceInterval().excludes(0);
                }
            }
            everExcluded += excluded ? 1 : 0;
            fixedHorizonPeekingExcluded += naiveExcluded ? 1 : 0;
        }
        double[] rates = {everExcluded / (double) RUNS, fixedHorizonPeekingExcluded / (double) RUNS};
        System.out.printf("A/A at rate %s as a %s: always-valid false-positive rate %.4f over %d runs (naive peeking: "
                + "%.4f)%n", rate, asMean ? "mean" : "proportion", rates[0], RUNS, rates[1]);
        return rates;
    }

    @Test
    void shouldDetectARealEffect() {
        SplittableRandom random = new SplittableRandom(99L);
        int n = 30_000;
        long sc = 0;
        long st = 0;
        for (int i = 0; i < n; i++) {
            sc += random.nextDouble() < 0.10 ? 1 : 0;
            st += random.nextDouble() < 0.12 ? 1 : 0;
        }
        SequentialTest.Result r = SequentialTest.mSprt(new MetricData.Proportion(n, sc), new MetricData.Proportion(n, st),
                ALPHA, SequentialTest.mixingVarianceFor(0.09, n, ALPHA));
        assertThat(r.pValue()).isLessThan(ALPHA);
        assertThat(r.interval().lower()).isGreaterThan(0);
        assertThat(r.interval().contains(0.02)).isTrue();
    }
}
