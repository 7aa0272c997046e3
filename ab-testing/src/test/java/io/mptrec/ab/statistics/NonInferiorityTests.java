package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.ab.statistics.NonInferiority.Direction;
import io.mptrec.ab.statistics.NonInferiority.Margin;
import io.mptrec.ab.statistics.NonInferiority.MarginType;
import io.mptrec.ab.statistics.NonInferiority.Outcome;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NonInferiorityTests {

    @ParameterizedTest(name = "[{index}] {5}: [{0}, {1}] margin {2} {3} -> {4}")
    @CsvSource({
            // lower, upper, margin, type, expected, case
            "-0.004, 0.010, 0.005, ABSOLUTE, PASS, higher is better and lower bound above -margin",
            "-0.020, -0.010, 0.005, ABSOLUTE, FAIL, higher is better and whole interval below -margin",
            "-0.008, 0.002, 0.005, ABSOLUTE, INCONCLUSIVE, higher is better and interval straddles -margin",
            "-0.003, -0.001, 0.005, ABSOLUTE, PASS, significantly worse but inside the margin",
            "-0.004, 0.010, 0.05, RELATIVE, PASS, relative margin 5% of control 0.1 is 0.005",
            "-0.006, 0.010, 0.05, RELATIVE, INCONCLUSIVE, relative margin just exceeded by the lower bound"
    })
    void shouldJudgeHigherIsBetter(double lower, double upper, double margin, MarginType type, Outcome expected, String name) {
        NonInferiority.Result result = NonInferiority.check(new ConfidenceInterval(lower, upper, 0.95), 0.1,
                new Margin(margin, type), Direction.HIGHER_IS_BETTER);
        assertThat(result.outcome()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {4}: [{0}, {1}] -> {3}")
    @CsvSource({
            "-5, 10, 20, PASS, latency may rise by less than 20 ms",
            "25, 40, 20, FAIL, latency confidently up by more than 20 ms",
            "5, 30, 20, INCONCLUSIVE, latency interval straddles the margin"
    })
    void shouldJudgeLowerIsBetter(double lower, double upper, double margin, Outcome expected, String name) {
        NonInferiority.Result result = NonInferiority.check(new ConfidenceInterval(lower, upper, 0.95), 200,
                new Margin(margin, MarginType.ABSOLUTE), Direction.LOWER_IS_BETTER);
        assertThat(result.outcome()).isEqualTo(expected);
        assertThat(result.absoluteMargin()).isEqualTo(margin);
    }
}
