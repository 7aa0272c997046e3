package io.mptrec.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PairedAucTests {

    @Test
    void shouldMeasureTheDifferenceOfTheMeanAucsWithTies() {
        Random random = new Random(3);
        int n = 1_500;
        float[] labels = new float[n];
        float[][] scores = new float[4][n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextDouble() < 0.2 ? 1f : 0f;
            for (float[] s : scores) {
                s[i] = random.nextInt(12) / 4f - 1f + labels[i] * random.nextInt(3); // 12 levels: many ties
            }
        }
        PairedAuc.Difference d = PairedAuc.meanDifference(labels, List.of(scores[0], scores[1], scores[2]),
                List.of(scores[3]));

        double expected = (BinaryMetrics.auc(scores[0], labels) + BinaryMetrics.auc(scores[1], labels)
                + BinaryMetrics.auc(scores[2], labels)) / 3 - BinaryMetrics.auc(scores[3], labels);
        assertThat(d.difference()).isCloseTo(expected, within(1e-12));
        assertThat(d.rows()).isEqualTo(n);
        assertThat(d.low()).isLessThan(d.difference());
        assertThat(d.high() - d.difference()).isCloseTo(d.difference() - d.low(), within(1e-12));
    }

    /** The variance against DeLong's formula computed pair by pair, with no sorting. */
    @Test
    void shouldGiveDeLongsVarianceOfTheContrast() {
        Random random = new Random(5);
        int n = 400;
        float[] labels = new float[n];
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextDouble() < 0.3 ? 1f : 0f;
            double shared = random.nextGaussian();
            a[i] = Math.round(4 * (labels[i] + shared + 0.8 * random.nextGaussian())) / 4f; // ties on a grid
            b[i] = (float) (0.6 * labels[i] + shared + 0.8 * random.nextGaussian());
        }
        List<Double> positives = new ArrayList<>();
        List<Double> negatives = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double placement = 0;
            int others = 0;
            for (int j = 0; j < n; j++) {
                if (labels[j] != labels[i]) {
                    // psi(positive, negative): 1 when the positive is above, a half when tied
                    float[][] pair = labels[i] == 1f ? new float[][] {{a[i], a[j]}, {b[i], b[j]}}
                            : new float[][] {{a[j], a[i]}, {b[j], b[i]}};
                    placement += psi(pair[0][0], pair[0][1]) - psi(pair[1][0], pair[1][1]);
                    others++;
                }
            }
            (labels[i] == 1f ? positives : negatives).add(placement / others);
        }
        double variance = variance(positives) / positives.size() + variance(negatives) / negatives.size();

        PairedAuc.Difference d = PairedAuc.meanDifference(labels, List.of(a), List.of(b));

        assertThat(d.difference()).isCloseTo(BinaryMetrics.auc(a, labels) - BinaryMetrics.auc(b, labels),
                within(1e-12));
        assertThat((d.high() - d.low()) / 2).isCloseTo(PairedAuc.Z95 * Math.sqrt(variance), within(1e-12));
    }

    /**
     * The interval's error rate, by simulation: 3 seeds of two equally good models (so the true difference of their
     * mean AUCs is 0) on 1,000 fresh samples of 1,500 rows, scores sharing a row effect as models on the same rows do.
     * A 95 % interval must leave out 0 about 5 % of the time; over 1,000 samples the count's standard deviation is 6.9,
     * so 30-70 misses is the band of about three of them.
     */
    @Test
    void shouldMissTheTrueDifferenceOfEquallyGoodModelsFivePercentOfTheTime() {
        assertThat(misses(new Random(17), 1.0, 1.0, 0.0)).isBetween(30, 70);
    }

    /**
     * The same when one model is better: scores mu x label + u + 0.7 e (u shared by the rows' models, e each model's
     * own, both standard normal) have the AUC Phi(mu / sqrt(2 + 2 x 0.49)), so the true difference is known.
     */
    @Test
    void shouldCoverTheTrueDifferenceOfUnequalModels() {
        double truth = normalCdf(1.25 / Math.sqrt(2.98)) - normalCdf(1.0 / Math.sqrt(2.98));
        assertThat(misses(new Random(19), 1.25, 1.0, truth)).isBetween(30, 70);
    }

    @Test
    void shouldTellApartModelsWhoseDifferenceIsLargeAgainstTheRowsNoise() {
        Random random = new Random(23);
        float[][] s = scores(random, 3_000, new double[] {1.6, 1.6, 1.6, 1.0, 1.0, 1.0});
        PairedAuc.Difference d = PairedAuc.meanDifference(s[6], List.of(s[0], s[1], s[2]), List.of(s[3], s[4], s[5]));
        assertThat(d.separated()).isTrue();
        assertThat(d.low()).isPositive();
    }

    @Test
    void shouldRefuseWhatHasNoInterval() {
        float[] labels = {0, 1, 0, 1};
        float[] scores = {0.1f, 0.9f, 0.2f, 0.8f};
        assertThatThrownBy(() -> PairedAuc.meanDifference(labels, List.of(), List.of(scores)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one score vector");
        assertThatThrownBy(() -> PairedAuc.meanDifference(labels, List.of(scores), List.of(new float[3])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths differ");
        assertThatThrownBy(() -> PairedAuc.meanDifference(new float[] {0, 1, 0, 0}, List.of(scores), List.of(scores)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two rows of each class");
        assertThatThrownBy(() -> PairedAuc.meanDifference(new float[] {0, 1, 2, 1}, List.of(scores), List.of(scores)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0 or 1");
        assertThatThrownBy(() -> PairedAuc.meanDifference(labels, List.of(new float[] {0, Float.NaN, 0, 1}),
                List.of(scores))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    /** Samples of 1,500 rows; 3 seeds of a model with signal {@code a} against 3 of one with {@code b}. */
    private static int misses(Random random, double a, double b, double truth) {
        int misses = 0;
        for (int sample = 0; sample < 1_000; sample++) {
            float[][] s = scores(random, 1_500, new double[] {a, a, a, b, b, b});
            PairedAuc.Difference d = PairedAuc.meanDifference(s[6], List.of(s[0], s[1], s[2]),
                    List.of(s[3], s[4], s[5]));
            misses += d.low() > truth || d.high() < truth ? 1 : 0;
        }
        return misses;
    }

    /** Score vectors mu_k x label + u + 0.7 e_k, then the labels (a quarter positive) as the last vector. */
    private static float[][] scores(Random random, int rows, double[] signal) {
        float[][] s = new float[signal.length + 1][rows];
        for (int i = 0; i < rows; i++) {
            float label = random.nextDouble() < 0.25 ? 1f : 0f;
            double shared = random.nextGaussian();
            for (int k = 0; k < signal.length; k++) {
                s[k][i] = (float) (signal[k] * label + shared + 0.7 * random.nextGaussian());
            }
            s[signal.length][i] = label;
        }
        return s;
    }

    private static double psi(float positive, float negative) {
        return positive > negative ? 1 : positive == negative ? 0.5 : 0;
    }

    private static double variance(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (values.size() - 1);
    }

    /** Phi by Abramowitz and Stegun's 7.1.26 for erf (absolute error under 1.5e-7). */
    private static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
