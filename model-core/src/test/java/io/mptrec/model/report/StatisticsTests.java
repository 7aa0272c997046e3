package io.mptrec.model.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTests {

    @Test
    void shouldInterpolateQuantilesLinearly() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertThat(Statistics.quantile(sorted, 0.5)).isEqualTo(3);
        assertThat(Statistics.quantile(sorted, 0.25)).isEqualTo(2);
        assertThat(Statistics.quantile(sorted, 0.05)).isCloseTo(1.2, within(1e-12));
        assertThat(Statistics.quantile(sorted, 1)).isEqualTo(5);
    }

    @Test
    void shouldPutTheMaximumIntoTheLastBin() {
        var h = Statistics.histogram(new double[] {0, 0.04, 0.05, 0.5, 1}, 0, 1, 20);
        assertThat(h.counts().get(0)).isEqualTo(2);
        assertThat(h.counts().get(1)).isEqualTo(1);
        assertThat(h.counts().get(10)).isEqualTo(1);
        assertThat(h.counts().get(19)).isEqualTo(1);
    }

    @Test
    void shouldComputeSpearmanWithTies() {
        assertThat(Statistics.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 40})).isCloseTo(1, within(1e-12));
        assertThat(Statistics.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isCloseTo(-1, within(1e-12));
        // ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): 4.5 / sqrt(4.5 * 5)
        assertThat(Statistics.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}))
                .isCloseTo(4.5 / Math.sqrt(4.5 * 5), within(1e-12));
        assertThat(Statistics.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isZero();
    }

    @Test
    void shouldRankDescendingWithTiesByName() {
        assertThat(Statistics.ranks(new double[] {0.1, 0.5, 0.5}, List.of("a", "c", "b"))).containsExactly(3, 2, 1);
    }
}
