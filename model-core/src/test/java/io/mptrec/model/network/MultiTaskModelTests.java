package io.mptrec.model.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.data.EncodedRows;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiTaskModelTests {

    private static final EncodedRows ROWS = GradientCheck.tinyRows(8, 1);
    private static final float[][] LABELS = {GradientCheck.tinyLabels(8, 2), GradientCheck.tinyLabels(8, 3)};

    @Test
    void shouldMatchFiniteDifferencesForEveryStage1Parameter() {
        MultiTaskModel model = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b"), 7);
        GradientCheck.check(model.parameters(), () -> model.computeGradients(ROWS, LABELS, null, 0).loss(), List.of());
    }

    @Test
    void shouldMatchFiniteDifferencesForTheAdversaryItself() {
        MultiTaskModel model = MultiTaskModel.create(GradientCheck.tinyConfig().withDisentangle(true), 3,
                GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 7);
        int[] environments = {0, 1, 1, 0, 0, 1, 0, 1};
        // alpha = -1 un-reverses the gradient into h_s, so the whole loss, adversary included, is differentiated exactly
        GradientCheck.check(model.parameters(), () -> model.computeGradients(ROWS, LABELS, environments, -1).loss(), List.of());
    }

    @Test
    void shouldReduceTheLossWhenTrained() {
        MultiTaskModel model = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b"), 7);
        double first = model.computeGradients(ROWS, LABELS, null, 0).loss();
        for (int i = 0; i < 300; i++) {
            model.trainStep(ROWS, LABELS, null, 0);
        }
        assertThat(model.computeGradients(ROWS, LABELS, null, 0).loss()).isLessThan(first * 0.7);
    }

    @Test
    void shouldGiveBitIdenticalWeightsForTheSameSeed() {
        float[] first = trainedWeights(11);
        float[] second = trainedWeights(11);
        assertThat(second).containsExactly(first);
        assertThat(trainedWeights(12)).isNotEqualTo(first);
    }

    private static float[] trainedWeights(long seed) {
        MultiTaskModel model = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b"), seed);
        for (int i = 0; i < 20; i++) {
            model.trainStep(ROWS, LABELS, null, 0);
        }
        return model.parameters().snapshot();
    }
}
