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

    private static SplitRule.Range.Bounds bounds(String from, String to) {
        return new SplitRule.Range.Bounds(new java.math.BigDecimal(from), new java.math.BigDecimal(to));
    }

    @Test
    void shouldAssignRangesInclusivelyAsNumbersAndLeaveOtherValuesOut() {
        SplitRule rule = new SplitRule.Range("date", bounds("20220425", "20220504"), bounds("20220505", "20220506"),
                bounds("20220507", "20220508"));
        String[] dates = {"20220425", "20220504", "20220504.5", "20220505", "20220506", "20220507", "20220508",
            "20220509", "20220424", "2.0220425e7"};

        assertThat(rule.assign(dates.length, (column, row) -> dates[row]))
                .containsExactly(TRAIN, TRAIN, null, VALIDATION, VALIDATION, TEST, TEST, null, null, TRAIN);
        assertThat(rule.columns()).containsExactly("date");
    }

    @Test
    void shouldNameTheRowOfAMissingOrNonNumericValue() {
        SplitRule rule = new SplitRule.Range("day", bounds("1", "5"), bounds("6", "6"), bounds("7", "7"));

        assertThatThrownBy(() -> rule.assign(3, (column, row) -> row == 2 ? "May 1" : "1"))
                .isInstanceOfSatisfying(InvalidCellException.class, e -> {
                    assertThat(e.row()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo("day");
                    assertThat(e.reason()).contains("'May 1' is not a number");
                });
        assertThatThrownBy(() -> rule.assign(2, (column, row) -> row == 1 ? null : "1"))
                .isInstanceOfSatisfying(InvalidCellException.class, e -> assertThat(e.row()).isEqualTo(1));
        assertThatThrownBy(() -> rule.assign(1)).hasMessageContaining("reads column 'day'");
    }

    @Test
    void shouldRejectOverlappingOrEmptyRanges() {
        assertThatThrownBy(() -> new SplitRule.Range("d", bounds("1", "5"), bounds("5", "6"), bounds("7", "7")))
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> new SplitRule.Range("d", bounds("1", "5"), bounds("6", "6"), bounds("0", "1")))
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> bounds("6", "5")).hasMessageContaining("start is above its end");
    }
}
