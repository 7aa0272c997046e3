package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/** The Java loop against what it replaced: ND4J's Adam op, a subtraction and a subnormal flush of every array. */
class AdamOptimizerTests {

    private static final int COUNT = 4_000;
    private static final double LEARNING_RATE = 3e-3;
    private static final int STEPS = 1_500;

    @Test
    void shouldGiveNd4jsAdamWeightsBitForBitOnceTinyGradientsAreZero() {
        float[][] weights = train(true, STEPS);
        assertBitIdentical(weights[0], weights[1]);
    }

    /**
     * Dropping the gradients below {@link AdamOptimizer#TINY_GRADIENT} against ND4J's Adam given them all: with only such
     * gradients a step moves a weight by at most lr * 2^-56 / epsilon (4.2e-13); with larger ones beside them, the two
     * may round a weight differently now and then, by an ulp of it. After one step the tiny starting weights differ;
     * after all of them, larger gradients have moved every weight to where the difference is below its rounding.
     */
    @Test
    void shouldMoveNoWeightMoreThanTheBoundByDroppingTinyGradients() {
        for (int steps : new int[] {1, STEPS}) {
            float[][] weights = train(false, steps);
            int moved = 0;
            for (int i = 0; i < COUNT; i++) {
                double difference = Math.abs(weights[0][i] - weights[1][i]);
                assertThat(difference).as("weight %d after %d steps", i, steps)
                        .isLessThanOrEqualTo(steps * 4.2e-13 + 4 * Math.ulp(weights[1][i]));
                moved += difference > 0 ? 1 : 0;
            }
            if (steps == 1) {
                assertThat(moved).as("weights the dropped gradients would have moved").isPositive();
            }
        }
    }

    /** Steps of ours and of ND4J's Adam from the same weights: {ours, ND4J's}; ND4J's given the tiny gradients or not. */
    private static float[][] train(boolean nd4jWithoutTinyGradients, int steps) {
        Parameters parameters = Parameters.builder().add("w", Parameters.Init.ZEROS, 0f, COUNT).build(1);
        SplittableRandom random = new SplittableRandom(7);
        float[] start = new float[COUNT];
        for (int i = 0; i < COUNT; i++) {
            start[i] = (float) random.nextGaussian() * scale(random);
        }
        parameters.values().assign(Nd4j.create(start));
        AdamOptimizer adam = new AdamOptimizer(parameters, LEARNING_RATE);

        INDArray expected = Nd4j.create(start);
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, 2 * COUNT);
        GradientUpdater<?> nd4j = new Adam(LEARNING_RATE, 0.9, 0.999, 1e-7).instantiate(state, true);

        for (int iteration = 0; iteration < steps; iteration++) { // STEPS: past a block of the step sizes' powers (1,024)
            float[] gradient = new float[COUNT];
            for (int i = 0; i < COUNT; i++) {
                // gradients from large to fading: their squares underflow, so the moments and weights meet subnormals
                gradient[i] = (float) random.nextGaussian() * scale(random);
            }
            parameters.gradients().assign(Nd4j.create(gradient));
            adam.step();
            assertThat(parameters.gradients().toFloatVector()).as("the gradients stay").containsExactly(gradient);

            float[] given = gradient.clone();
            for (int i = 0; nd4jWithoutTinyGradients && i < COUNT; i++) {
                given[i] = Math.abs(given[i]) < AdamOptimizer.TINY_GRADIENT ? 0f : given[i];
            }
            INDArray update = Nd4j.create(given).reshape(1, COUNT);
            nd4j.applyUpdater(update, iteration, 0);
            expected.subi(update.reshape(COUNT));
            expected.assign(Nd4j.create(flushed(expected.toFloatVector())));
            state.assign(Nd4j.create(flushed(state.toFloatVector())).reshape(1, 2 * COUNT));
        }
        return new float[][] {parameters.values().toFloatVector(), expected.toFloatVector()};
    }

    /** The values with the subnormals zero, as the step leaves its weights and moments. */
    private static float[] flushed(float[] values) {
        float[] copy = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            copy[i] = Subnormals.flushed(values[i]);
        }
        return copy;
    }

    /** Magnitudes from 1 down to 1e-25. */
    private static float scale(SplittableRandom random) {
        return (float) Math.pow(10, -random.nextInt(26));
    }

    private static void assertBitIdentical(float[] actual, float[] expected) {
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError("weight " + i + ": " + actual[i] + " against ND4J's " + expected[i]);
            }
        }
    }
}
