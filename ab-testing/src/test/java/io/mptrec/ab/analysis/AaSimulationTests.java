package io.mptrec.ab.analysis;

import io.mptrec.ab.analysis.ExperimentResults.MetricComparison;
import io.mptrec.ab.analysis.Observations.ArmObservations;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.ab.statistics.ArmSummary;
import io.mptrec.ab.statistics.ConfidenceInterval;
import io.mptrec.ab.statistics.MetricData;
import io.mptrec.ab.statistics.NonInferiority.Direction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error rate of the experiment analysis, proven by simulation: 1,000 A/A experiments (both arms serve the same
 * thing) whose units return 1 to 20 times, with a unit-level random effect on every outcome (intra-unit correlation
 * about 0.2 for revenue and 0.15 for clicks). Each experiment is analysed by {@link ExperimentAnalysis} twice:
 * <ul>
 *   <li>per unit, as the platform does (revenue: MEAN of per-unit totals; clicks per impression: RATIO with the
 *       delta method), where the false-positive rate must be at or below the nominal 5 %: the fixed-horizon test
 *       at the end, and the always-valid test over 8 looks (any look below alpha counts as a false positive);</li>
 *   <li>per exposure, as if every request were an independent unit (the analysis before this fix: a click-through
 *       PROPORTION of exposures, a MEAN of per-request revenue), where the correlated exposures shrink the standard
 *       errors and the same tests find "effects" several times too often. This half shows the test can fail.</li>
 * </ul>
 * The verdicts are judged with the 95 % Wilson interval of the observed rate: per unit its lower bound must not
 * exceed alpha (no evidence of inflation), per exposure it must (clear evidence).
 */
class AaSimulationTests {

    static final int EXPERIMENTS = 1_000;
    static final int UNITS = 1_000;
    static final int LOOKS = 8;
    static final double ALPHA = 0.05;
    static final long SEED = 20261201L;

    /** false positives per analysis and test, out of {@link #EXPERIMENTS} */
    static int unitFixed, unitAlwaysValid, exposureFixed, exposureAlwaysValid;
    static int unitRatioFixed, unitRatioAlwaysValid, exposureRateFixed, exposureRateAlwaysValid;

    @BeforeAll
    static void simulate() {
        Random random = new Random(SEED);
        ExperimentDesign perUnit = design(MetricKind.RATIO);
        ExperimentDesign perExposure = design(MetricKind.PROPORTION);
        for (int x = 0; x < EXPERIMENTS; x++) {
            // per arm, running sums: [arm][metric] with metric 0 = clicks, 1 = revenue
            UnitTotals[][] units = empty();
            UnitTotals[][] exposures = empty();
            long[] unitCount = new long[2];
            long[] exposureCount = new long[2];
            boolean[] unitRejected = new boolean[2];
            boolean[] exposureRejected = new boolean[2];
            for (int u = 1; u <= UNITS; u++) {
                int arm = random.nextBoolean() ? 1 : 0;
                int k = 1 + random.nextInt(20);
                double clickEffect = 0.8 * random.nextGaussian();
                double revenueEffect = 0.5 * random.nextGaussian();
                double clicks = 0;
                double revenue = 0;
                for (int j = 0; j < k; j++) {
                    double click = random.nextDouble() < 1 / (1 + Math.exp(2 - clickEffect)) ? 1 : 0;
                    double spend = 1 + revenueEffect + random.nextGaussian();
                    exposures[arm][0] = exposures[arm][0].plus(click, 1);
                    exposures[arm][1] = exposures[arm][1].plus(spend, 1);
                    clicks += click;
                    revenue += spend;
                }
                units[arm][0] = units[arm][0].plus(clicks, k);
                units[arm][1] = units[arm][1].plus(revenue, k);
                unitCount[arm]++;
                exposureCount[arm] += k;
                if (u % (UNITS / 10) == 0 && u >= UNITS - (LOOKS - 1) * (UNITS / 10)) {
                    ExperimentResults byUnit = ExperimentAnalysis.analyse(perUnit,
                            observations(units, unitCount, exposureCount), Instant.EPOCH);
                    ExperimentResults byExposure = ExperimentAnalysis.analyse(perExposure,
                            observations(exposures, exposureCount, exposureCount), Instant.EPOCH);
                    for (int m = 0; m < 2; m++) {
                        unitRejected[m] |= alwaysValidRejects(byUnit, m);
                        exposureRejected[m] |= alwaysValidRejects(byExposure, m);
                    }
                    if (u == UNITS) {
                        unitRatioFixed += fixedRejects(byUnit, 0);
                        unitFixed += fixedRejects(byUnit, 1);
                        exposureRateFixed += fixedRejects(byExposure, 0);
                        exposureFixed += fixedRejects(byExposure, 1);
                    }
                }
            }
            unitRatioAlwaysValid += unitRejected[0] ? 1 : 0;
            unitAlwaysValid += unitRejected[1] ? 1 : 0;
            exposureRateAlwaysValid += exposureRejected[0] ? 1 : 0;
            exposureAlwaysValid += exposureRejected[1] ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "A/A false-positive rates over %d experiments (alpha %.2f), with 95 %% Wilson "
                        + "intervals:%n  per unit:     revenue fixed %s, always-valid %s; clicks/exposure (ratio) fixed %s, "
                        + "always-valid %s%n  per exposure: revenue fixed %s, always-valid %s; click-through (proportion) "
                        + "fixed %s, always-valid %s%n", EXPERIMENTS, ALPHA, rate(unitFixed), rate(unitAlwaysValid),
                rate(unitRatioFixed), rate(unitRatioAlwaysValid), rate(exposureFixed), rate(exposureAlwaysValid),
                rate(exposureRateFixed), rate(exposureRateAlwaysValid));
    }

    @Test
    void perUnitAnalysisKeepsTheFixedHorizonTestAtItsNominalRate() {
        assertAtOrBelowNominal(unitFixed, "revenue, fixed horizon, per unit");
        assertAtOrBelowNominal(unitRatioFixed, "clicks per exposure, fixed horizon, per unit (delta method)");
    }

    @Test
    void perUnitAnalysisKeepsTheAlwaysValidTestAtItsNominalRateOverRepeatedLooks() {
        assertAtOrBelowNominal(unitAlwaysValid, "revenue, always valid over " + LOOKS + " looks, per unit");
        assertAtOrBelowNominal(unitRatioAlwaysValid, "clicks per exposure, always valid over " + LOOKS
                + " looks, per unit (delta method)");
    }

    @Test
    void perExposureAnalysisOfTheSameDataInflatesTheFalsePositiveRate() {
        assertInflated(exposureFixed, "revenue, fixed horizon, per exposure");
        assertInflated(exposureRateFixed, "click-through, fixed horizon, per exposure");
        assertInflated(exposureAlwaysValid, "revenue, always valid, per exposure");
        assertInflated(exposureRateAlwaysValid, "click-through, always valid, per exposure");
    }

    private static void assertAtOrBelowNominal(int rejections, String what) {
        assertThat(wilson(rejections).lower()).as(what + ": " + rate(rejections)).isLessThanOrEqualTo(ALPHA);
    }

    private static void assertInflated(int rejections, String what) {
        assertThat(wilson(rejections).lower()).as(what + ": " + rate(rejections)).isGreaterThan(ALPHA);
    }

    private static ConfidenceInterval wilson(int rejections) {
        return ArmSummary.proportion(new MetricData.Proportion(EXPERIMENTS, rejections), 0.95).interval();
    }

    private static String rate(int rejections) {
        ConfidenceInterval i = wilson(rejections);
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", (double) rejections / EXPERIMENTS, i.lower(), i.upper());
    }

    private static int fixedRejects(ExperimentResults r, int metric) {
        MetricComparison c = r.treatments().get(0).successMetrics().get(metric);
        return c.fixedHorizon() != null && c.fixedHorizon().pValue() < ALPHA ? 1 : 0;
    }

    private static boolean alwaysValidRejects(ExperimentResults r, int metric) {
        MetricComparison c = r.treatments().get(0).successMetrics().get(metric);
        return c.sequential() != null && c.sequential().pValue() < ALPHA;
    }

    private static UnitTotals[][] empty() {
        UnitTotals[][] t = new UnitTotals[2][2];
        for (UnitTotals[] arm : t) {
            Arrays.fill(arm, UnitTotals.NONE);
        }
        return t;
    }

    private static Observations observations(UnitTotals[][] totals, long[] units, long[] exposures) {
        List<ArmObservations> arms = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            arms.add(new ArmObservations(units[a], exposures[a], Map.of("clicks", totals[a][0], "revenue", totals[a][1]),
                    Map.of(), null));
        }
        return new Observations(arms, 0);
    }

    private static ExperimentDesign design(MetricKind clicks) {
        return new ExperimentDesign(1, "a-a", "task", ExperimentStatus.RUNNING, ALPHA, UNITS / 2,
                List.of(new ExperimentDesign.Arm("control", 1, "a", 0.5), new ExperimentDesign.Arm("treatment", 2, "b", 0.5)),
                List.of(new ExperimentDesign.Metric("clicks", MetricRole.SUCCESS, clicks, Direction.HIGHER_IS_BETTER,
                                null, null),
                        new ExperimentDesign.Metric("revenue", MetricRole.SUCCESS, MetricKind.MEAN,
                                Direction.HIGHER_IS_BETTER, null, null)));
    }
}
