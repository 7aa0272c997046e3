package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleRatioMismatchTests {

    @Test
    void shouldAgreeWithCommonsMathGoodnessOfFit() {
        List<Long> observed = List.of(50_000L, 51_000L);
        SampleRatioMismatch srm = SampleRatioMismatch.check(observed, List.of(0.5, 0.5));
        double[] expected = {50_500, 50_500};
        long[] obs = {50_000, 51_000};
        assertThat(srm.chiSquare()).isCloseTo(new ChiSquareTest().chiSquare(expected, obs), within(1e-9));
        assertThat(srm.pValue()).isCloseTo(new ChiSquareTest().chiSquareTest(expected, obs), within(1e-12));
        assertThat(srm.degreesOfFreedom()).isEqualTo(1);
        assertThat(srm.chiSquare()).isCloseTo(9.900990099, within(1e-6));
        assertThat(srm.mismatch()).isFalse(); // p ~ 0.00165: suspicious, not flagged at 0.001
    }

    @Test
    void shouldFlagAClearMismatch() {
        SampleRatioMismatch srm = SampleRatioMismatch.check(List.of(50_000L, 52_000L), List.of(0.5, 0.5));
        assertThat(srm.pValue()).isLessThan(0.001);
        assertThat(srm.mismatch()).isTrue();
    }

    // Closed forms: chi-square(1) upper tail = two-sided normal p of sqrt(x); chi-square(2) upper tail = exp(-x/2).
    @ParameterizedTest(name = "[{index}] {0} / {1} / {2}")
    @CsvSource({
            "5000, 5100, 0",
            "10000, 10300, 0",
            "3000, 3100, 3050",
            "1000, 1000, 1200"
    })
    void shouldMatchClosedFormChiSquareTails(long a, long b, long c) {
        if (c == 0) {
            SampleRatioMismatch srm = SampleRatioMismatch.check(List.of(a, b), List.of(0.5, 0.5));
            assertThat(srm.pValue()).isCloseTo(Checks.twoSidedP(Math.sqrt(srm.chiSquare())), within(1e-12));
        } else {
            SampleRatioMismatch srm = SampleRatioMismatch.check(List.of(a, b, c), List.of(1 / 3.0, 1 / 3.0, 1 / 3.0));
            assertThat(srm.degreesOfFreedom()).isEqualTo(2);
            assertThat(srm.pValue()).isCloseTo(Math.exp(-srm.chiSquare() / 2), within(1e-12));
        }
    }

    @Test
    void shouldHitTheFlagAtTheTabulatedCriticalValue() {
        // chi-square(1) critical value at 0.001 is 10.828 (standard tables); 2 arms of n/2 +- d give chi = 4 d^2 / n.
        // n = 100000, d = 520 -> chi = 10.816 (not flagged); d = 521 -> 10.858 (flagged).
        assertThat(SampleRatioMismatch.check(List.of(49_480L, 50_520L), List.of(0.5, 0.5)).mismatch()).isFalse();
        assertThat(SampleRatioMismatch.check(List.of(49_479L, 50_521L), List.of(0.5, 0.5)).mismatch()).isTrue();
    }

    @Test
    void shouldUseConfiguredUnequalWeights() {
        // 20/30/50 split observed exactly: no mismatch, chi-square 0, df 2.
        SampleRatioMismatch srm = SampleRatioMismatch.check(List.of(2_000L, 3_000L, 5_000L), List.of(0.2, 0.3, 0.5));
        assertThat(srm.chiSquare()).isEqualTo(0.0);
        assertThat(srm.pValue()).isCloseTo(1.0, within(1e-12));
        assertThat(srm.degreesOfFreedom()).isEqualTo(2);
    }

    @Test
    void shouldFlagUnitsInAZeroWeightArm() {
        SampleRatioMismatch srm = SampleRatioMismatch.check(List.of(100L, 100L, 1L), List.of(0.5, 0.5, 0.0));
        assertThat(srm.mismatch()).isTrue();
        assertThat(SampleRatioMismatch.check(List.of(100L, 100L, 0L), List.of(0.5, 0.5, 0.0)).mismatch()).isFalse();
    }
}
