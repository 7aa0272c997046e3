package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.ab.statistics.DecisionRule.Decision;
import io.mptrec.ab.statistics.DecisionRule.Guardrail;
import io.mptrec.ab.statistics.DecisionRule.SuccessMetric;
import io.mptrec.ab.statistics.DecisionRule.Verdict;
import io.mptrec.ab.statistics.MultipleTesting.Correction;
import io.mptrec.ab.statistics.NonInferiority.Direction;
import io.mptrec.ab.statistics.NonInferiority.Outcome;

import java.util.List;

import org.junit.jupiter.api.Test;

class DecisionRuleTests {

    private static final double ALPHA = 0.05;
    private static final SampleRatioMismatch HEALTHY = new SampleRatioMismatch(0.5, 1, 0.48, false);

    @Test
    void shouldShipWhenASuccessMetricIsBetterAndEveryGuardrailPasses() {
        Decision d = DecisionRule.decide(List.of(success("ctr", 0.01, 0.001), success("conversion", 0.0, 0.9)),
                List.of(guardrail("latency", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY);
        assertThat(d.verdict()).isEqualTo(Verdict.SHIP);
        assertThat(d.explanation()).contains("ctr").contains("every guardrail passed");
    }

    /** The adjusted p-value as the figures policy writes it: to 2 significant digits, or "< 0.001". */
    @Test
    void shouldWriteTheAdjustedPValueAsEveryPageDoes() {
        Decision tiny = DecisionRule.decide(List.of(success("ctr", 0.01, 1e-9)),
                List.of(guardrail("latency", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY);
        Decision small = DecisionRule.decide(List.of(success("ctr", 0.01, 0.0123)),
                List.of(guardrail("latency", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY);

        assertThat(tiny.explanation()).contains("ctr (adjusted p < 0.001)").doesNotContain("0.00)");
        assertThat(small.explanation()).contains("ctr (adjusted p = 0.012)");
    }

    @Test
    void shouldRollBackWhenAGuardrailFailsEvenIfSuccessIsBetter() {
        Decision d = DecisionRule.decide(List.of(success("ctr", 0.01, 0.001)),
                List.of(guardrail("latency", Outcome.FAIL), guardrail("errors", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY);
        assertThat(d.verdict()).isEqualTo(Verdict.ROLL_BACK);
        assertThat(d.explanation()).contains("latency").doesNotContain("errors");
    }

    @Test
    void shouldNotShipWhileAGuardrailIsInconclusive() {
        Decision d = DecisionRule.decide(List.of(success("ctr", 0.01, 0.001)),
                List.of(guardrail("latency", Outcome.INCONCLUSIVE)), Correction.HOLM, ALPHA, HEALTHY);
        assertThat(d.verdict()).isEqualTo(Verdict.KEEP_RUNNING);
        assertThat(d.explanation()).contains("latency").contains("never ships");
    }

    @Test
    void shouldNotShipWhenSignificanceDisappearsAfterCorrection() {
        // 0.03 alone is significant; Holm over three metrics makes it 0.09.
        Decision d = DecisionRule.decide(List.of(success("ctr", 0.01, 0.03), success("a", 0.0, 0.5), success("b", 0.0, 0.6)),
                List.of(guardrail("latency", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY);
        assertThat(d.verdict()).isEqualTo(Verdict.KEEP_RUNNING);
    }

    @Test
    void shouldNotShipASignificantChangeInTheWrongDirection() {
        Decision d = DecisionRule.decide(List.of(success("ctr", -0.01, 0.001)),
                List.of(guardrail("latency", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY);
        assertThat(d.verdict()).isEqualTo(Verdict.KEEP_RUNNING);
        assertThat(d.explanation()).contains("worse").contains("ctr");
    }

    @Test
    void shouldNotShipOnASampleRatioMismatch() {
        Decision d = DecisionRule.decide(List.of(success("ctr", 0.01, 0.001)), List.of(guardrail("latency", Outcome.PASS)),
                Correction.HOLM, ALPHA, new SampleRatioMismatch(30, 1, 1e-8, true));
        assertThat(d.verdict()).isEqualTo(Verdict.KEEP_RUNNING);
        // a p-value as every other figure is written (it read "p = 1.0e-08", or "p = 0.0" below double's range)
        assertThat(d.explanation()).contains("sample ratio mismatch (chi-square p < 0.001, flagged below 0.001)");
        assertThat(DecisionRule.decide(List.of(), List.of(), Correction.HOLM, ALPHA,
                new SampleRatioMismatch(300, 1, 0.0, true)).explanation()).doesNotContain("p = 0");
    }

    @Test
    void shouldKeepRunningWithoutSuccessMetrics() {
        assertThat(DecisionRule.decide(List.of(), List.of(guardrail("latency", Outcome.PASS)), Correction.HOLM, ALPHA, HEALTHY)
                .verdict()).isEqualTo(Verdict.KEEP_RUNNING);
    }

    @Test
    void shouldDecideFromRealSequentialResults() {
        MetricData control = new MetricData.Proportion(40_000, 4_000);
        MetricData treatment = new MetricData.Proportion(40_000, 4_500);
        double tau2 = SequentialTest.mixingVarianceFor(0.09, 40_000, ALPHA);
        SequentialTest.Result ctr = SequentialTest.mSprt(control, treatment, ALPHA, tau2);
        SequentialTest.Result errors = SequentialTest.mSprt(new MetricData.Proportion(40_000, 400),
                new MetricData.Proportion(40_000, 405), ALPHA, SequentialTest.mixingVarianceFor(0.0099, 40_000, ALPHA));
        NonInferiority.Result errorGuardrail = NonInferiority.check(errors,
                new NonInferiority.Margin(0.005, NonInferiority.MarginType.ABSOLUTE), Direction.LOWER_IS_BETTER);
        Decision d = DecisionRule.decide(List.of(new SuccessMetric("ctr", Direction.HIGHER_IS_BETTER, ctr)),
                List.of(new Guardrail("error rate", errorGuardrail)), Correction.HOLM, ALPHA,
                SampleRatioMismatch.check(List.of(40_000L, 40_000L), List.of(0.5, 0.5)));
        assertThat(d.verdict()).isEqualTo(Verdict.SHIP);
    }

    private static SuccessMetric success(String name, double difference, double pValue) {
        SequentialTest.Result r = new SequentialTest.Result(difference,
                new ConfidenceInterval(difference - 0.01, difference + 0.01, 0.95), pValue, 1e-4, 0.1, true);
        return new SuccessMetric(name, Direction.HIGHER_IS_BETTER, r);
    }

    private static Guardrail guardrail(String name, Outcome outcome) {
        return new Guardrail(name, new NonInferiority.Result(outcome, 0.01, new ConfidenceInterval(-0.01, 0.01, 0.95)));
    }
}
