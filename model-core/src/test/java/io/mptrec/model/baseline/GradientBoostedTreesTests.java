package io.mptrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.Split;
import io.mptrec.model.training.Evaluation;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
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

    /** XGBoost4J's own loop (XGBoost.train with early stopping) at the same point: the reference of ours. */
    @Test
    void shouldBoostAndStopAsXGBoostsOwnLoop() throws XGBoostError {
        SplitData train = split(Split.TRAIN, 3000, 11);
        SplitData validation = split(Split.VALIDATION, 400, 12);
        SplitData test = split(Split.TEST, 1000, 13);
        for (int patience : new int[] {3, 20}) {
            TrainingReport ours = GradientBoostedTrees.train("t", train, validation, test, 5, 0.3, patience);

            Map<String, DMatrix> watches = new LinkedHashMap<>();
            watches.put("validation", GradientBoostedTrees.matrix(validation));
            DMatrix testMatrix = GradientBoostedTrees.matrix(test);
            Booster library = XGBoost.train(GradientBoostedTrees.matrix(train), GradientBoostedTrees.parameters(5, 0.3),
                    GradientBoostedTrees.MAX_ROUNDS, watches, null, null, null, patience);
            int kept = Integer.parseInt(library.getAttr("best_iteration")) + 1;
            float[][] predicted = library.predict(testMatrix, false, kept);
            float[] scores = new float[predicted.length];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = predicted[i][0];
            }

            assertThat(ours.epochs()).as("rounds, patience %d", patience).isEqualTo(library.getNumBoostedRound());
            assertThat(ours.bestEpoch()).as("trees kept, patience %d", patience).isEqualTo(kept);
            assertThat(ours.metric("t", "test", "auc")).as("test AUC, patience %d", patience)
                    .isEqualTo(Evaluation.metrics("t", "test", scores, test.labels()[0], null).stream()
                            .filter(m -> m.metric().equals("auc")).findFirst().orElseThrow().value());
        }
    }

    /** A shorter patience's run handed over on the way is the run of its own: same rounds, trees and figures. */
    @Test
    void shouldHandOverTheRunsOfShorterPatiencesAsTheyWouldHaveEnded() {
        SplitData train = split(Split.TRAIN, 3000, 21);
        SplitData validation = split(Split.VALIDATION, 400, 22);
        SplitData test = split(Split.TEST, 1000, 23);
        Map<Integer, TrainingReport> handedOver = new TreeMap<>();

        TrainingReport longest = GradientBoostedTrees.train("t", train, validation, test, 9, 0.3, 25, new int[] {10, 2},
                (report, patience) -> handedOver.put(patience, report));

        assertThat(handedOver).containsOnlyKeys(2, 10);
        for (int patience : new int[] {2, 10, 25}) {
            TrainingReport own = GradientBoostedTrees.train("t", train, validation, test, 9, 0.3, patience);
            TrainingReport shared = patience == 25 ? longest : handedOver.get(patience);
            assertThat(shared.epochs()).as("rounds, patience %d", patience).isEqualTo(own.epochs());
            assertThat(shared.bestEpoch()).as("trees kept, patience %d", patience).isEqualTo(own.bestEpoch());
            assertThat(shared.trainableParameters()).as("leaves, patience %d", patience)
                    .isEqualTo(own.trainableParameters());
            assertThat(shared.metrics()).as("figures, patience %d", patience).isEqualTo(own.metrics());
        }
        assertThat(handedOver.get(2).epochs()).as("the patiences stop at different rounds")
                .isLessThan(handedOver.get(10).epochs());
        assertThat(handedOver.get(10).epochs()).isLessThan(longest.epochs());
    }

    @Test
    void shouldRefuseAShorterPatienceThatIsNotShorter() {
        SplitData one = split(Split.TRAIN, 10, 1);

        assertThatThrownBy(() -> GradientBoostedTrees.train("t", one, one, one, 1, 0.1, 5, new int[] {5}, (r, p) -> {
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("a shorter patience must be between 1 and 4, got 5");
    }

    @Test
    void shouldRefuseSplitsOfSeveralTasks() {
        SplitData one = split(Split.TRAIN, 10, 1);
        SplitData two = new SplitData(Split.TRAIN, one.rows(), one.encoded(), new float[][] {one.labels()[0], one.labels()[0]});

        assertThatThrownBy(() -> GradientBoostedTrees.train("t", two, one, one, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("one task per model; the splits carry 2");
    }
}
