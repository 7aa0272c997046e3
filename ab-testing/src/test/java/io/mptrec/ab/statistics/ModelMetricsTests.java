package io.mptrec.ab.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ModelMetricsTests {

    @Test
    void shouldMatchScikitLearnDocumentationExamples() {
        // sklearn roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        assertThat(ModelMetrics.of(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}).auc())
                .isCloseTo(0.75, within(1e-15));
        // sklearn log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) == 0.21616...
        assertThat(ModelMetrics.of(new double[] {0.9, 0.1, 0.2, 0.65}, new int[] {1, 0, 0, 1}).logLoss())
                .isCloseTo(0.21616187468057912, within(1e-12));
    }

    @Test
    void shouldCountTiesAsHalf() {
        assertThat(ModelMetrics.of(new double[] {0.1, 0.4, 0.4, 0.8}, new int[] {0, 0, 1, 1}).auc())
                .isCloseTo(0.875, within(1e-15));
        assertThat(ModelMetrics.of(new double[] {0.5, 0.5, 0.5, 0.5}, new int[] {0, 1, 0, 1}).auc()).isEqualTo(0.5);
    }

    @Test
    void shouldEqualBruteForcePairCountingWithManyTies() {
        SplittableRandom random = new SplittableRandom(11L);
        int n = 1_500;
        double[] scores = new double[n];
        boolean[] outcomes = new boolean[n];
        for (int i = 0; i < n; i++) {
            outcomes[i] = random.nextDouble() < 0.3;
            // Rounded scores force many ties.
            scores[i] = Math.round((random.nextDouble() * 0.6 + (outcomes[i] ? 0.3 : 0.0)) * 20) / 20.0;
        }
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (outcomes[i] && !outcomes[j]) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(ModelMetrics.of(scores, outcomes).auc()).isCloseTo(wins / pairs, within(1e-12));
    }

    @Test
    void shouldClipCertainWrongPredictionsAndHandleOneClass() {
        ModelMetrics m = ModelMetrics.of(new double[] {0.0, 1.0}, new int[] {1, 1});
        assertThat(m.auc()).isNaN();
        assertThat(m.logLoss()).isCloseTo(-Math.log(1e-15) / 2, within(1e-6));
        assertThat(m.positives()).isEqualTo(2);
    }

    @Test
    void shouldRejectScoresOutsideZeroOne() {
        assertThatThrownBy(() -> ModelMetrics.of(new double[] {1.2}, new int[] {1})).hasMessageStartingWith("scores:");
        assertThatThrownBy(() -> ModelMetrics.of(new double[] {0.2}, new int[] {2})).hasMessageStartingWith("outcomes:");
    }

    @Test
    void shouldGiveTheExactAucFromBinsWhenEachBinHoldsOneScoreAndStayWithinTheTiesBoundOtherwise() {
        SplittableRandom random = new SplittableRandom(5L);
        int n = 2_000;
        double[] scores = new double[n];
        boolean[] outcomes = new boolean[n];
        for (int i = 0; i < n; i++) {
            outcomes[i] = random.nextDouble() < 0.2;
            scores[i] = Math.round((random.nextDouble() * 0.7 + (outcomes[i] ? 0.2 : 0.0)) * 50) / 50.0;
        }
        ModelMetrics exact = ModelMetrics.of(scores, outcomes);
        double loss = exact.logLoss() * n;

        // one bin per distinct score (51 of them): the same statistic
        ModelMetrics perScore = ModelMetrics.ofBins(bins(scores, outcomes, 51, s -> (int) Math.round(s * 50), true),
                bins(scores, outcomes, 51, s -> (int) Math.round(s * 50), false), loss);
        assertThat(perScore.auc()).isCloseTo(exact.auc(), within(1e-12));
        assertThat(perScore.count()).isEqualTo(n);
        assertThat(perScore.positives()).isEqualTo(exact.positives());
        assertThat(perScore.logLoss()).isCloseTo(exact.logLoss(), within(1e-12));

        // ten coarse bins: off by at most half the share of positive-negative pairs that share a bin
        long[] pairs = bins(scores, outcomes, 10, s -> Math.min(9, (int) (s * 10)), true);
        long[] positives = bins(scores, outcomes, 10, s -> Math.min(9, (int) (s * 10)), false);
        double sharing = 0;
        for (int b = 0; b < 10; b++) {
            sharing += (double) positives[b] * (pairs[b] - positives[b]);
        }
        double bound = 0.5 * sharing / ((double) exact.positives() * (n - exact.positives()));
        double coarse = ModelMetrics.ofBins(pairs, positives, loss).auc();
        assertThat(Math.abs(coarse - exact.auc())).isLessThanOrEqualTo(bound).isPositive();
    }

    @Test
    void shouldReadNoBinsAsNoPairsAndRefuseMorePositivesThanPairs() {
        assertThat(ModelMetrics.ofBins(new long[] {0, 0}, new long[] {0, 0}, 0)).isNull();
        assertThat(ModelMetrics.ofBins(new long[] {3}, new long[] {3}, 1.0).auc()).isNaN();
        assertThatThrownBy(() -> ModelMetrics.ofBins(new long[] {1}, new long[] {2}, 0))
                .hasMessageStartingWith("positives:");
    }

    private static long[] bins(double[] scores, boolean[] outcomes, int count,
                               java.util.function.DoubleToIntFunction bin, boolean all) {
        long[] bins = new long[count];
        for (int i = 0; i < scores.length; i++) {
            if (all || outcomes[i]) {
                bins[bin.applyAsInt(scores[i])]++;
            }
        }
        return bins;
    }
}
