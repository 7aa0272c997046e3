package io.mptrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.Split;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingReport;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GradientBoostedTreesTests {

    /**
     * The label is driven by a threshold on the first numeric field and by one category of the second categorical field
     * (index 3 of 6), with noise: what trees find and a linear model on raw indices would not.
     */
    private static SplitData split(Split split, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] numeric = new float[n * 2];
        int[] categories = new int[n * 2];
        float[] labels = new float[n];
        for (int r = 0; r < n; r++) {
            numeric[2 * r] = (float) random.nextDouble();
            numeric[2 * r + 1] = (float) random.nextDouble();
            categories[2 * r] = random.nextInt(4);
            categories[2 * r + 1] = random.nextInt(6);
            double signal = (numeric[2 * r] > 0.7 ? 1.5 : 0) + (categories[2 * r + 1] == 3 ? 1.5 : 0) - 1;
            labels[r] = random.nextDouble() < 1 / (1 + Math.exp(-3 * signal)) ? 1 : 0;
        }
        return new SplitData(split, IntStream.range(0, n).toArray(), new EncodedRows(n, 2, 2, numeric, categories),
                new float[][] {labels});
    }

    @Test
    void shouldLearnAThresholdAndACategoryAndStopEarlyOnValidation() {
        TrainingReport report = GradientBoostedTrees.train("t", split(Split.TRAIN, 4000, 1), split(Split.VALIDATION, 1000, 2),
                split(Split.TEST, 2000, 3), 7);

        assertThat(report.metric("t", "test", "auc")).isGreaterThan(0.85);
        assertThat(report.metric("t", "validation", "auc")).isGreaterThan(0.85);
        assertThat(report.optionalMetric("t", "test", "ece")).isPresent();
        assertThat(report.bestEpoch()).as("rounds kept").isPositive().isLessThanOrEqualTo(report.epochs());
        assertThat(report.epochs()).as("stopped early").isLessThan(GradientBoostedTrees.MAX_ROUNDS);
        assertThat(report.trainableParameters()).as("leaf values of the kept trees").isGreaterThan(report.bestEpoch());
    }

    @Test
    void shouldGiveTheSameModelForTheSameSeed() {
        TrainingReport a = GradientBoostedTrees.train("t", split(Split.TRAIN, 2000, 1), split(Split.VALIDATION, 500, 2),
                split(Split.TEST, 500, 3), 7);
        TrainingReport b = GradientBoostedTrees.train("t", split(Split.TRAIN, 2000, 1), split(Split.VALIDATION, 500, 2),
                split(Split.TEST, 500, 3), 7);

        assertThat(b.metrics()).isEqualTo(a.metrics());
        assertThat(b.trainableParameters()).isEqualTo(a.trainableParameters());
    }

    @Test
    void shouldRefuseSplitsOfSeveralTasks() {
        SplitData one = split(Split.TRAIN, 10, 1);
        SplitData two = new SplitData(Split.TRAIN, one.rows(), one.encoded(), new float[][] {one.labels()[0], one.labels()[0]});

        assertThatThrownBy(() -> GradientBoostedTrees.train("t", two, one, one, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("one task per model; the splits carry 2");
    }
}
