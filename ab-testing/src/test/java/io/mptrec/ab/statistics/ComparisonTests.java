package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class ComparisonTests {

    @Test
    void shouldComputePooledTwoProportionZTest() {
        // Hand computation: pooled p = 0.225, se = sqrt(0.225 * 0.775 * 2/1000), z = 0.05 / se.
        Comparison c = Comparison.compare(new MetricData.Proportion(1000, 200), new MetricData.Proportion(1000, 250), 0.95);
        assertThat(c.difference()).isCloseTo(0.05, within(1e-15));
        assertThat(c.zStatistic()).isCloseTo(2.677397763008329, within(1e-9));
        assertThat(c.pValue()).isCloseTo(0.007419649261025693, within(1e-9));
        assertThat(c.relativeLift()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void shouldAgreeWithPearsonChiSquareOnTheTwoByTwoTable() {
        long[][] table = {{200, 800}, {250, 750}};
        double chi = new ChiSquareTest().chiSquare(table);
        double p = new ChiSquareTest().chiSquareTest(table);
        Comparison c = Comparison.compare(new MetricData.Proportion(1000, 200), new MetricData.Proportion(1000, 250), 0.95);
        assertThat(c.zStatistic() * c.zStatistic()).isCloseTo(chi, within(1e-9));
        assertThat(c.pValue()).isCloseTo(p, within(1e-9));
    }

    @Test
    void shouldGiveTheClassicFivePercentAtZOf1_96() {
        assertThat(Checks.twoSidedP(1.959963984540054)).isCloseTo(0.05, within(1e-12));
        assertThat(Checks.twoSidedP(0)).isEqualTo(1.0);
        assertThat(Checks.twoSidedP(-2.5758293035489)).isCloseTo(0.01, within(1e-12));
    }

    @Test
    void shouldUseUnpooledStandardErrorForMeans() {
        MetricData.Mean control = MetricData.Mean.of(400, 10.0, 4.0);
        MetricData.Mean treatment = MetricData.Mean.of(900, 10.3, 9.0);
        Comparison c = Comparison.compare(control, treatment, 0.95);
        double se = Math.sqrt(4.0 / 400 + 9.0 / 900);
        assertThat(c.zStatistic()).isCloseTo(0.3 / se, within(1e-9));
        assertThat(c.differenceInterval().lower()).isCloseTo(0.3 - 1.959963984540054 * se, within(1e-9));
    }

    /**
     * The delta-method standard error of the lift should match the spread of the lift over many simulated
     * experiments, and its 95% interval should cover the true lift about 95% of the time.
     */
    @Test
    void shouldMatchDeltaMethodLiftIntervalWithSimulation() {
        SplittableRandom random = new SplittableRandom(42L);
        double pControl = 0.10;
        double pTreatment = 0.11;
        double trueLift = pTreatment / pControl - 1;
        int n = 4_000;
        int replicates = 2_000;
        double sumLift = 0;
        double sumLiftSq = 0;
        double sumSe = 0;
        int covered = 0;
        for (int r = 0; r < replicates; r++) {
            long sc = 0;
            long st = 0;
            for (int i = 0; i < n; i++) {
                sc += random.nextDouble() < pControl ? 1 : 0;
                st += random.nextDouble() < pTreatment ? 1 : 0;
            }
            Comparison c = Comparison.compare(new MetricData.Proportion(n, sc), new MetricData.Proportion(n, st), 0.95);
            sumLift += c.relativeLift();
            sumLiftSq += c.relativeLift() * c.relativeLift();
            sumSe += c.liftInterval().width() / (2 * 1.959963984540054);
            covered += c.liftInterval().contains(trueLift) ? 1 : 0;
        }
        double meanLift = sumLift / replicates;
        double empiricalSd = Math.sqrt(sumLiftSq / replicates - meanLift * meanLift);
        double meanDeltaSe = sumSe / replicates;
        assertThat(meanDeltaSe / empiricalSd).isCloseTo(1.0, within(0.06));
        // Binomial(2000, 0.95) has sd ~ 0.0049; allow about 4 sd.
        assertThat(covered / (double) replicates).isCloseTo(0.95, within(0.02));
    }

    @Test
    void shouldLeaveLiftUndefinedWhenControlIsZero() {
        Comparison c = Comparison.compare(new MetricData.Proportion(100, 0), new MetricData.Proportion(100, 3), 0.95);
        assertThat(c.relativeLift()).isNaN();
        assertThat(c.liftInterval()).isNull();
    }
}
