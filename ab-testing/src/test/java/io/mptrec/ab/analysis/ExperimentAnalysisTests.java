package io.mptrec.ab.analysis;

import io.mptrec.ab.analysis.Observations.ArmObservations;
import io.mptrec.ab.experiment.ExperimentStatus;
import io.mptrec.ab.experiment.MetricKind;
import io.mptrec.ab.experiment.MetricRole;
import io.mptrec.ab.statistics.DecisionRule;
import io.mptrec.ab.statistics.MetricData;
import io.mptrec.ab.statistics.NonInferiority;
import io.mptrec.ab.statistics.NonInferiority.Direction;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ExperimentAnalysisTests {

    static final ExperimentDesign DESIGN = new ExperimentDesign(7, "per-unit", "task", ExperimentStatus.RUNNING, 0.05,
            1_000, List.of(new ExperimentDesign.Arm("control", 1, "a", 0.5), new ExperimentDesign.Arm("treatment", 2, "b", 0.5)),
            List.of(new ExperimentDesign.Metric("ctr", MetricRole.SUCCESS, MetricKind.RATIO, Direction.HIGHER_IS_BETTER,
                            null, null),
                    new ExperimentDesign.Metric("revenue", MetricRole.GUARDRAIL, MetricKind.MEAN,
                            Direction.HIGHER_IS_BETTER, 0.1, NonInferiority.MarginType.RELATIVE)));

    @Test
    void ratioVarianceIsTheSampleVarianceOfTheLinearisedUnitValues() {
        double[] clicks = {0, 3, 1, 7, 2, 0, 4};
        long[] impressions = {1, 9, 2, 12, 5, 3, 6};
        UnitTotals t = UnitTotals.NONE;
        for (int i = 0; i < clicks.length; i++) {
            t = t.plus(clicks[i], impressions[i]);
        }
        MetricData.Ratio ratio = (MetricData.Ratio) t.toMetricData(MetricKind.RATIO);
        double r = 17.0 / 38;
        double meanN = 38.0 / 7;
        double sum = 0;
        for (int i = 0; i < clicks.length; i++) {
            double z = (clicks[i] - r * impressions[i]) / meanN;  // mean of z is 0 by construction
            sum += z * z;
        }
        assertThat(ratio.mean()).isCloseTo(r, within(1e-15));
        assertThat(ratio.variance()).isCloseTo(sum / (clicks.length - 1), within(1e-12));
        assertThat(ratio.count()).isEqualTo(7);
    }

    @Test
    void countsUnitsNotExposuresForTheSampleRatioAndReportsUnitsInMoreThanOneArm() {
        // Equal units per arm, ten times the exposures in the treatment: no sample-ratio mismatch.
        ExperimentResults r = ExperimentAnalysis.analyse(DESIGN, new Observations(List.of(
                arm(500, 500, units(500, 1, 1)), arm(500, 5_000, units(500, 1, 10))), 12), Instant.EPOCH);
        assertThat(r.srm().mismatch()).isFalse();
        assertThat(r.srm().pValue()).isEqualTo(1.0);
        assertThat(r.arms()).extracting(ExperimentResults.ArmResult::units).containsExactly(500L, 500L);
        assertThat(r.arms()).extracting(ExperimentResults.ArmResult::exposures).containsExactly(500L, 5_000L);
        assertThat(r.unitsInMoreThanOneArm()).isEqualTo(12);
        // one click per exposure, and every other unit one more: sum of totals over sum of exposures
        assertThat(r.arms().get(0).metrics().get("ctr").estimate()).isEqualTo((500 + 250) / 500.0);
        assertThat(r.arms().get(1).metrics().get("ctr").estimate()).isEqualTo((5_000 + 250) / 5_000.0);
        assertThat(r.arms().get(0).metrics().get("ctr").count()).isEqualTo(500);

        ExperimentResults skewed = ExperimentAnalysis.analyse(DESIGN, new Observations(List.of(
                arm(500, 500, units(500, 1, 1)), arm(620, 620, units(620, 1, 1))), 0), Instant.EPOCH);
        assertThat(skewed.srm().mismatch()).isTrue();
    }

    @Test
    void sumsThatAreNotFiniteGiveNoEstimateAndKeepRunningInsteadOfFailing() {
        UnitTotals broken = new UnitTotals(300, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 300, 300, 300,
                Double.POSITIVE_INFINITY);
        ExperimentResults r = ExperimentAnalysis.analyse(DESIGN, new Observations(List.of(
                new ArmObservations(300, 300, Map.of("ctr", broken, "revenue", broken), Map.of(), null),
                arm(300, 300, units(300, 1, 1))), 0), Instant.EPOCH);
        assertThat(r.arms().get(0).metrics()).isEmpty();
        assertThat(r.verdict()).isEqualTo(DecisionRule.Verdict.KEEP_RUNNING);
        assertThat(r.treatments().get(0).guardrails().get(0).outcome()).isEqualTo(NonInferiority.Outcome.INCONCLUSIVE);
    }

    private static UnitTotals units(int count, double totalPerExposure, int exposuresPerUnit) {
        UnitTotals t = UnitTotals.NONE;
        for (int i = 0; i < count; i++) {
            t = t.plus(totalPerExposure * exposuresPerUnit + (i % 2), exposuresPerUnit);
        }
        return t;
    }

    private static ArmObservations arm(long units, long exposures, UnitTotals totals) {
        return new ArmObservations(units, exposures, Map.of("ctr", totals, "revenue", totals), Map.of(), null);
    }
}
