package io.mptrec.model.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.inference.NativeBuffers;
import io.mptrec.model.nn.AdamOptimizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
     * A stage-1 step registers no native buffer with ND4J's deallocator once its arrays are kept (the first step makes
     * them): nothing is left for the collector to find. With the optional adversary as well.
     */
    @ParameterizedTest(name = "adversary {0}")
    @ValueSource(booleans = {false, true})
    void shouldRegisterNoNativeBufferInAStep(boolean adversary) {
        MultiTaskModel model = MultiTaskModel.create(GradientCheck.tinyConfig().withDisentangle(adversary), 3,
                GradientCheck.TINY_VOCABULARIES, List.of("a", "b"), 7);
        int[] environments = adversary ? new int[] {0, 1, 1, 0, 0, 1, 0, 1} : null;
        model.trainStep(ROWS, LABELS, environments, 0.5);
        assertThat(NativeBuffers.registeredPerRun(() -> model.trainStep(ROWS, LABELS, environments, 0.5), 10)).isZero();
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
