package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ArmSummaryTests {

    // Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score), 95%.
    @ParameterizedTest(name = "[{index}] {0}/{1} -> [{2}, {3}]")
    @CsvSource({
            "81, 263, 0.2553, 0.3662",
            "15, 148, 0.0624, 0.1605",
            "0, 20, 0.0000, 0.1611",
            "1, 29, 0.0061, 0.1718",
            "29, 29, 0.8830, 1.0000"
    })
    void shouldMatchNewcombeWilsonIntervals(long successes, long count, double lower, double upper) {
        ArmSummary summary = ArmSummary.proportion(new MetricData.Proportion(count, successes), 0.95);
        assertThat(summary.interval().lower()).isCloseTo(lower, within(5e-5));
        assertThat(summary.interval().upper()).isCloseTo(upper, within(5e-5));
        assertThat(summary.method()).isEqualTo("wilson");
        assertThat(summary.count()).isEqualTo(count);
    }

    @Test
    void shouldComputeNormalIntervalForMean() {
        // values 1..10: mean 5.5, sample variance 55/6, se = sqrt(55/60)
        double sum = 55;
        double sumSq = 385;
        ArmSummary summary = ArmSummary.mean(new MetricData.Mean(10, sum, sumSq), 0.95);
        double se = Math.sqrt(55.0 / 60.0);
        assertThat(summary.estimate()).isEqualTo(5.5);
        assertThat(summary.standardError()).isCloseTo(se, within(1e-12));
        assertThat(summary.interval().lower()).isCloseTo(5.5 - 1.959963984540054 * se, within(1e-9));
        assertThat(summary.interval().upper()).isCloseTo(5.5 + 1.959963984540054 * se, within(1e-9));
    }

    @Test
    void shouldRejectInvalidInputsNamingTheField() {
        assertThatThrownBy(() -> new MetricData.Proportion(10, 11)).hasMessageStartingWith("successes:");
        assertThatThrownBy(() -> new MetricData.Proportion(0, 0)).hasMessageStartingWith("count:");
        assertThatThrownBy(() -> new MetricData.Mean(1, 1, 1)).hasMessageStartingWith("count:");
        assertThatThrownBy(() -> ArmSummary.proportion(new MetricData.Proportion(10, 1), 1.0)).hasMessageStartingWith("level:");
    }
}
