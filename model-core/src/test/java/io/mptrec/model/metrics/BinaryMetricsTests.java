package io.mptrec.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BinaryMetricsTests {

    @Test
    void shouldComputeAucWithoutTies() {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered.
        assertThat(BinaryMetrics.auc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new float[] {0, 0, 1, 1})).isEqualTo(0.75);
        assertThat(BinaryMetrics.auc(new float[] {0.1f, 0.2f, 0.3f}, new float[] {0, 1, 1})).isEqualTo(1.0);
        assertThat(BinaryMetrics.auc(new float[] {0.9f, 0.2f, 0.3f}, new float[] {0, 1, 1})).isEqualTo(0.0);
    }

    @Test
    void shouldCountTiesAcrossClassesAsOneHalf() {
        // Pairs: 0.5+ vs 0.2- = 1, 0.5+ vs 0.5- = 0.5, 0.9+ vs both = 2: 3.5 of 4.
        assertThat(BinaryMetrics.auc(new float[] {0.2f, 0.5f, 0.5f, 0.9f}, new float[] {0, 0, 1, 1})).isEqualTo(0.875);
        // All tied: every pair is one half.
        assertThat(BinaryMetrics.auc(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new float[] {0, 1, 0, 1})).isEqualTo(0.5);
        // Ties within a class do not matter: 0.7+ 0.7+ vs 0.1- 0.1- is perfect.
        assertThat(BinaryMetrics.auc(new float[] {0.7f, 0.1f, 0.7f, 0.1f}, new float[] {1, 0, 1, 0})).isEqualTo(1.0);
        // Negative scores, zero and minus zero tie: -1- < (0+ = -0-) < 2+: pairs 1 + 0.5 + 1 + 1 = 3.5 of 4.
        assertThat(BinaryMetrics.auc(new float[] {-1f, 0f, -0f, 2f}, new float[] {0, 1, 0, 1})).isEqualTo(0.875);
    }

    @Test
    void shouldMatchPairCountingOnRandomScoresWithManyTies() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 2000;
        float[] scores = new float[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextInt(20) / 10f - 1f; // 20 distinct values, negatives included
            labels[i] = random.nextDouble() < 0.3 + 0.02 * scores[i] * 10 ? 1 : 0;
        }

        double pairs = 0;
        long positives = 0;
        long negatives = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] == 1) {
                positives++;
                for (int j = 0; j < n; j++) {
                    if (labels[j] == 0) {
                        pairs += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            } else {
                negatives++;
            }
        }

        assertThat(BinaryMetrics.auc(scores, labels)).isCloseTo(pairs / (positives * negatives), within(1e-12));
    }

    @Test
    void shouldRejectInvalidAucInput() {
        assertThatThrownBy(() -> BinaryMetrics.auc(new float[] {0.1f, 0.2f}, new float[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both classes");
        assertThatThrownBy(() -> BinaryMetrics.auc(new float[] {0.1f, 0.2f}, new float[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both classes");
        assertThatThrownBy(() -> BinaryMetrics.auc(new float[] {0.1f}, new float[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths differ");
        assertThatThrownBy(() -> BinaryMetrics.auc(new float[] {0.1f, 0.2f}, new float[] {0, 0.5f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0 or 1");
        assertThatThrownBy(() -> BinaryMetrics.auc(new float[] {Float.NaN, 0.2f}, new float[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void shouldComputeMeanLogLoss() {
        double expected = -(Math.log(0.9f) + Math.log(1 - (double) 0.2f)) / 2;

        assertThat(BinaryMetrics.logLoss(new float[] {0.9f, 0.2f}, new float[] {1, 0})).isCloseTo(expected, within(1e-12));
        assertThat(BinaryMetrics.logLoss(new float[] {0.5f}, new float[] {1})).isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void shouldClipProbabilitiesInLogLoss() {
        assertThat(BinaryMetrics.logLoss(new float[] {0f}, new float[] {1})).isCloseTo(-Math.log(1e-7), within(1e-9));
        assertThat(BinaryMetrics.logLoss(new float[] {1f}, new float[] {0})).isCloseTo(-Math.log(1e-7), within(1e-6));
        assertThat(BinaryMetrics.logLoss(new float[] {1f}, new float[] {1})).isCloseTo(1e-7, within(1e-9));
    }

    @Test
    void shouldRejectInvalidLogLossInput() {
        assertThatThrownBy(() -> BinaryMetrics.logLoss(new float[] {0.5f}, new float[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths differ");
        assertThatThrownBy(() -> BinaryMetrics.logLoss(new float[0], new float[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rows");
    }

    @Test
    void shouldWeightEachUsersAucByItsImpressionsOverUsersWithBothClasses() {
        // user 0: positive 0.9 above both negatives, AUC 1 (3 rows)
        // user 7: positives 0.3, 0.5 against negatives 0.8, 0.1: 2 of 4 pairs won, AUC 0.5 (4 rows)
        // user 9: a tie 0.4+ vs 0.4-, AUC 0.5 (2 rows)
        // user 3 (negatives only), user 5 (one positive) and a row without user (-1) have no AUC and are left out
        float[] scores = {0.9f, 0.3f, 0.2f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.1f, 0.4f, 0.2f, 0.99f, 0.05f};
        float[] labels = {1f, 1f, 0f, 0f, 0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 1f};
        int[] users = {0, 7, 0, 7, 3, 0, 7, 9, 7, 9, 3, 5, -1};

        BinaryMetrics.GroupedAuc gauc = BinaryMetrics.gauc(scores, labels, users);

        assertThat(gauc.value()).isCloseTo((3 * 1.0 + 4 * 0.5 + 2 * 0.5) / 9, within(1e-12));
        assertThat(gauc.groups()).isEqualTo(3);
        assertThat(gauc.samples()).isEqualTo(9);
        assertThat(gauc.positives()).isEqualTo(4);
    }

    @Test
    void shouldEqualAucForOneUserAndRefuseWhenNoUserHasBothClasses() {
        SplittableRandom random = new SplittableRandom(5);
        float[] scores = new float[500];
        float[] labels = new float[500];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) random.nextDouble();
            labels[i] = random.nextDouble() < scores[i] ? 1f : 0f;
        }

        assertThat(BinaryMetrics.gauc(scores, labels, new int[500]).value())
                .isEqualTo(BinaryMetrics.auc(scores, labels));
        assertThatThrownBy(() -> BinaryMetrics.gauc(new float[] {0.1f, 0.9f}, new float[] {0f, 1f}, new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both classes");
        assertThatThrownBy(() -> BinaryMetrics.gauc(new float[] {0.1f}, new float[] {0f}, new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths differ");
    }

    @Test
    void shouldComputeTheCalibrationErrorBinByBin() {
        // 0.1 (bin 1) is a positive: |1 - 0.1|; 0.9 (bin 13) a negative: |0 - 0.9|; weighted by 1 row each
        assertThat(BinaryMetrics.expectedCalibrationError(new float[] {0.1f, 0.9f}, new float[] {1, 0}, 15))
                .isCloseTo(0.9, within(1e-7));
        // one bin holding 0.25 four times with one positive in four: calibrated
        assertThat(BinaryMetrics.expectedCalibrationError(new float[] {0.25f, 0.25f, 0.25f, 0.25f},
                new float[] {1, 0, 0, 0}, 15)).isCloseTo(0.0, within(1e-7));
        // 1.0 belongs to the last bin, 0.0 to the first
        assertThat(BinaryMetrics.expectedCalibrationError(new float[] {0f, 1f}, new float[] {0, 1}, 15)).isZero();
    }

    @Test
    void shouldFindCalibratedScoresCalibratedAndSquaredOnesOffByASixth() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 400_000;
        float[] p = new float[n];
        float[] calibrated = new float[n];
        float[] squared = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextDouble();
            double u = random.nextDouble();
            calibrated[i] = u < p[i] ? 1 : 0;
            squared[i] = u < (double) p[i] * p[i] ? 1 : 0;
        }
        assertThat(BinaryMetrics.expectedCalibrationError(p, calibrated, 15)).isLessThan(0.005);
        // the labels' rate is p^2 where the model says p: the error is the integral of p - p^2 over [0, 1] = 1/6,
        // less a little from averaging within each bin
        assertThat(BinaryMetrics.expectedCalibrationError(p, squared, 15)).isCloseTo(1.0 / 6, within(0.005));
    }

    @Test
    void shouldRefuseAProbabilityOutsideTheUnitIntervalOrNoBins() {
        assertThatThrownBy(() -> BinaryMetrics.expectedCalibrationError(new float[] {1.5f}, new float[] {1}, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("probability 0 is 1.5, not in [0, 1]");
        assertThatThrownBy(() -> BinaryMetrics.expectedCalibrationError(new float[] {Float.NaN}, new float[] {1}, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("probability 0 is NaN, not in [0, 1]");
        assertThatThrownBy(() -> BinaryMetrics.expectedCalibrationError(new float[] {0.5f}, new float[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bins must be at least 1, was 0");
        assertThatThrownBy(() -> BinaryMetrics.expectedCalibrationError(new float[0], new float[0], 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no rows");
    }
}
