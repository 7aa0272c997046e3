package io.mptrec.model.format;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The formatting policy, on the figures the pages used to print raw. */
class FiguresTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.8557681454916167   | 0.8558
            -0.020641922084266517| -0.02064
            0.13111193354487358  | 0.1311
            12345.678            | 12,350
            1234567              | 1,235,000
            1.5                  | 1.500
            -3                   | -3.000
            0.000012345          | 1.234e-05
            0                    | 0
            NaN                  | –
            Infinity             | ∞
            """)
    void estimatesHaveFourSignificantDigits(double value, String shown) {
        assertThat(Figures.estimate(value)).isEqualTo(shown);
    }

    @Test
    void liftsArePercentagesWithTheirInterval() {
        assertThat(Figures.lift(-0.020641922084266517, -0.1723957777134066, 0.13111193354487358))
                .isEqualTo("-2.1 % [-17.2 %, +13.1 %]");
        assertThat(Figures.lift(0.05, Double.NaN, Double.NaN)).isEqualTo("+5.0 %");
        assertThat(Figures.lift(Double.NaN, 0, 1)).isEqualTo("–");
        assertThat(Figures.percent(-0.0001)).isEqualTo("0.0 %");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.7918108422484955 | 0.79
            0.6350058912972967 | 0.64
            0.012345           | 0.012
            0.001              | 0.0010
            0.00099            | < 0.001
            0                  | < 0.001
            1.0                | 1.0
            NaN                | –
            """)
    void pValuesHaveTwoSignificantDigits(double p, String shown) {
        assertThat(Figures.pValue(p)).isEqualTo(shown);
    }

    @Test
    void aPValueReadsAsWritten() {
        assertThat(Figures.p(0.7918)).isEqualTo("p = 0.79");
        assertThat(Figures.p(1e-10)).isEqualTo("p < 0.001");
    }

    @Test
    void countsHashesAndTimesAreShortAndReadable() {
        assertThat(Figures.count(6000)).isEqualTo("6,000");
        assertThat(Figures.count(228329)).isEqualTo("228,329");
        assertThat(Figures.count(-12)).isEqualTo("-12");
        assertThat(Figures.shortHash("a4c33ce51fe3b1c2d3e4f5a6b7c8d9e0")).isEqualTo("a4c33ce51fe3");
        assertThat(Figures.shortHash("abc")).isEqualTo("abc");
        assertThat(Figures.shortHash(null)).isEqualTo("–");
        assertThat(Figures.time(Instant.parse("2026-12-01T11:27:59.123456Z"))).isEqualTo("2026-12-01 11:27 UTC");
        assertThat(Figures.time(null)).isEqualTo("–");
    }
}
