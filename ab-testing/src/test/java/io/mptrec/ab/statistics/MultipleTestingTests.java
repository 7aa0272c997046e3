package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.assertj.core.util.DoubleComparator;
import org.junit.jupiter.api.Test;

class MultipleTestingTests {

    // Wikipedia "Holm-Bonferroni method", example: p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05 rejects H1 and H4 only.
    private static final List<Double> P = List.of(0.01, 0.04, 0.03, 0.005);

    @Test
    void shouldAdjustLikeHolmWorkedExample() {
        List<Double> adjusted = MultipleTesting.adjust(MultipleTesting.Correction.HOLM, P);
        // sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005, 3*0.01, 2*0.03, max(1*0.04, 0.06)
        assertThat(adjusted).usingElementComparator(new DoubleComparator(1e-12)).containsExactly(0.03, 0.06, 0.06, 0.02);
        assertThat(adjusted.stream().filter(p -> p < 0.05).count()).isEqualTo(2);
    }

    @Test
    void shouldAdjustLikeBenjaminiHochberg() {
        // m p_(i) / i = 0.02, 0.02, 0.04, 0.04; step-up minimum keeps them.
        List<Double> adjusted = MultipleTesting.adjust(MultipleTesting.Correction.BENJAMINI_HOCHBERG, P);
        assertThat(adjusted).usingElementComparator(new DoubleComparator(1e-12)).containsExactly(0.02, 0.04, 0.04, 0.02);
    }

    @Test
    void shouldEnforceMonotonicityAndCapAtOne() {
        List<Double> holm = MultipleTesting.adjust(MultipleTesting.Correction.HOLM, List.of(0.5, 0.4, 0.9));
        assertThat(holm).usingElementComparator(new DoubleComparator(1e-12)).containsExactly(1.0, 1.0, 1.0);
        // R: p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042), "BH") = 0.005 0.020 0.042 0.042 0.042
        List<Double> bh = MultipleTesting.adjust(MultipleTesting.Correction.BENJAMINI_HOCHBERG,
                List.of(0.001, 0.008, 0.039, 0.041, 0.042));
        assertThat(bh).usingElementComparator(new DoubleComparator(1e-12)).containsExactly(0.005, 0.02, 0.042, 0.042, 0.042);
        assertThat(MultipleTesting.adjust(MultipleTesting.Correction.NONE, P)).isEqualTo(P);
    }

    @Test
    void shouldRejectInvalidPValues() {
        assertThatThrownBy(() -> MultipleTesting.adjust(MultipleTesting.Correction.HOLM, List.of(0.1, 1.5)))
                .hasMessageStartingWith("pValues:");
    }
}
