package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.mptrec.model.data.Split.TEST;
import static io.mptrec.model.data.Split.TRAIN;
import static io.mptrec.model.data.Split.VALIDATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitRuleTests {

    @Test
    void shouldAssignModuloByRowNumber() {
        SplitRule rule = new SplitRule.Modulo(10, List.of(8), List.of(9));

        assertThat(rule.assign(12)).containsExactly(
                TRAIN, TRAIN, TRAIN, TRAIN, TRAIN, TRAIN, TRAIN, TRAIN, VALIDATION, TEST, TRAIN, TRAIN);
    }

    @Test
    void shouldAssignModuloWithSeveralResidues() {
        SplitRule rule = new SplitRule.Modulo(5, List.of(0, 3), List.of(4));

        assertThat(rule.assign(6)).containsExactly(VALIDATION, TRAIN, TRAIN, VALIDATION, TEST, VALIDATION);
    }

    @Test
    void shouldAssignRatioByOneDrawPerRow() {
        SplitRule rule = new SplitRule.Ratio(42, 0.1, 0.2);
        SplittableRandom random = new SplittableRandom(42);

        Split[] splits = rule.assign(1000);

        for (Split split : splits) {
            double u = random.nextDouble();
            assertThat(split).isEqualTo(u < 0.2 ? TEST : u < 0.3 ? VALIDATION : TRAIN);
        }
    }

    @Test
    void shouldAssignRatioDeterministicallyAndNearTheFractions() {
        Split[] splits = new SplitRule.Ratio(7, 0.1, 0.2).assign(100_000);

        assertThat(new SplitRule.Ratio(7, 0.1, 0.2).assign(100_000)).isEqualTo(splits);
        assertThat(new SplitRule.Ratio(8, 0.1, 0.2).assign(100_000)).isNotEqualTo(splits);
        assertThat(Arrays.stream(splits).filter(s -> s == TEST).count()).isBetween(19_500L, 20_500L);
        assertThat(Arrays.stream(splits).filter(s -> s == VALIDATION).count()).isBetween(9_600L, 10_400L);
    }

    @Test
    void shouldKeepRatioPrefixStableWhenRowsAreAppended() {
        SplitRule rule = new SplitRule.Ratio(3, 0.25, 0.25);

        assertThat(Arrays.copyOf(rule.assign(200), 100)).isEqualTo(rule.assign(100));
    }

    @Test
    void shouldRejectInvalidRules() {
        assertThatThrownBy(() -> new SplitRule.Modulo(1, List.of(), List.of())).hasMessageContaining("modulus");
        assertThatThrownBy(() -> new SplitRule.Modulo(10, List.of(10), List.of(9))).hasMessageContaining("outside");
        assertThatThrownBy(() -> new SplitRule.Modulo(10, List.of(-1), List.of(9))).hasMessageContaining("outside");
        assertThatThrownBy(() -> new SplitRule.Modulo(10, List.of(9), List.of(9))).hasMessageContaining("overlap");
        assertThatThrownBy(() -> new SplitRule.Ratio(1, 0.5, 0.5)).hasMessageContaining("sum below 1");
        assertThatThrownBy(() -> new SplitRule.Ratio(1, -0.1, 0.5)).hasMessageContaining("sum below 1");
        assertThatThrownBy(() -> new SplitRule.Ratio(1, Double.NaN, 0.5)).hasMessageContaining("sum below 1");
    }
}
