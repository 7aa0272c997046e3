package io.mptrec.model.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.nn.AdamOptimizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

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

    /**
     * trainStep runs in an ND4J workspace that the next step reuses. The same gradients and Adam updates computed
     * outside any workspace give the same weights and losses bit for bit, over batches of two sizes (the workspace
     * learns its size, then serves smaller and larger steps) and with the adversary's extra arrays.
     */
    @Test
    void shouldStepInItsWorkspaceExactlyAsOutsideIt() {
        ModelConfig config = GradientCheck.tinyConfig().withDisentangle(true);
        MultiTaskModel inWorkspace = MultiTaskModel.create(config, 3, GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 5);
        MultiTaskModel outside = MultiTaskModel.create(config, 3, GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 5);
        AdamOptimizer adam = new AdamOptimizer(outside.parameters(), config.learningRate());
        int[] environments = {0, 1, 1, 0, 0, 1, 0, 1};
        for (int i = 0; i < 12; i++) {
            int n = i % 3 == 1 ? 5 : 8;
            EncodedRows rows = ROWS.range(0, n);
            float[][] labels = {Arrays.copyOf(LABELS[0], n), Arrays.copyOf(LABELS[1], n)};
            int[] env = Arrays.copyOf(environments, n);
            MultiTaskModel.StepResult a = inWorkspace.trainStep(rows, labels, env, 0.5);
            MultiTaskModel.StepResult b = outside.computeGradients(rows, labels, env, 0.5);
            adam.step();
            assertThat(a.loss()).isEqualTo(b.loss());
            assertThat(a.rowLosses()[1]).containsExactly(b.rowLosses()[1]);
        }
        assertThat(inWorkspace.parameters().snapshot()).containsExactly(outside.parameters().snapshot());
        assertThat(Nd4j.getWorkspaceManager().checkIfWorkspaceExists("stage1-step")).isTrue();
    }

    /**
     * A step in parts (the batch cut into slices, each slice's gradients computed on a thread of its own in a replica
     * sharing the weights) is the full-batch step: the same loss, per-row losses and weights to float rounding, the
     * adversary and a batch not divisible by the parts included; and the same parts give the same weights bit for bit.
     */
    @Test
    void shouldTakeTheSameStepInPartsOnSeveralThreads() {
        ModelConfig config = GradientCheck.tinyConfig().withDisentangle(true);
        MultiTaskModel whole = MultiTaskModel.create(config, 3, GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 5);
        MultiTaskModel inParts = MultiTaskModel.create(config, 3, GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 5)
                .trainOn(3);
        MultiTaskModel again = MultiTaskModel.create(config, 3, GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 5)
                .trainOn(3);
        int[] environments = {0, 1, 1, 0, 0, 1, 0, 1};
        for (int i = 0; i < 6; i++) {
            int n = i % 2 == 1 ? 7 : 8;
            EncodedRows rows = ROWS.range(0, n);
            float[][] labels = {Arrays.copyOf(LABELS[0], n), Arrays.copyOf(LABELS[1], n)};
            int[] env = Arrays.copyOf(environments, n);
            MultiTaskModel.StepResult a = whole.trainStep(rows, labels, env, 0.5);
            MultiTaskModel.StepResult b = inParts.trainStep(rows, labels, env, 0.5);
            again.trainStep(rows, labels, env, 0.5);
            assertThat(b.loss()).isCloseTo(a.loss(), org.assertj.core.data.Offset.offset(1e-5 * Math.abs(a.loss())));
            for (int k = 0; k < 2; k++) {
                for (int r = 0; r < n; r++) {
                    assertThat(b.rowLosses()[k][r]).isCloseTo(a.rowLosses()[k][r], org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
        float[] expected = whole.parameters().snapshot();
        float[] actual = inParts.parameters().snapshot();
        for (int i = 0; i < expected.length; i++) {
            // Adam's first steps move each weight by about the learning rate whatever the gradient's size
            assertThat(actual[i]).as("weight %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(again.parameters().snapshot()).containsExactly(actual);
    }

    /** Predictions share their batches of 4,096 rows among the model's threads: bit-identical on any number. */
    @Test
    void shouldPredictTheSameBitsOnSeveralThreads() {
        EncodedRows rows = GradientCheck.tinyRows(4096 * 2 + 1000, 3); // three batches on two threads
        MultiTaskModel one = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b"), 9);
        MultiTaskModel two = MultiTaskModel.create(GradientCheck.tinyConfig(), 3, GradientCheck.TINY_VOCABULARIES,
                List.of("a", "b"), 9).trainOn(2);
        float[][] expected = one.predict(rows);
        float[][] actual = two.predict(rows);
        for (int k = 0; k < 2; k++) {
            assertThat(actual[k]).containsExactly(expected[k]);
            assertThat(actual[k][rows.rows() - 1]).isGreaterThan(0f); // the last batch was written
        }
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
