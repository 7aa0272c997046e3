package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class LayerNormTests {

    /**
     * The Java passes give the ND4J operations they replaced bit for bit (the normalised rows, the inverse standard
     * deviations, the output, the input gradient and the scale's and shift's gradients), inside a step and outside.
     */
    @Test
    void shouldGiveTheNd4jOperationsResultsBitForBit() {
        Nd4j.getRandom().setSeed(21);
        int rows = 97;
        int width = 33;
        INDArray u = Nd4j.randn(DataType.FLOAT, rows, width).muli(3).addi(1);
        u.putRow(5, Nd4j.zeros(DataType.FLOAT, 1, width)); // a constant row: the epsilon alone under the root
        INDArray dy = Nd4j.randn(DataType.FLOAT, rows, width);
        Parameters parameters = Parameters.builder().add("gamma", Parameters.Init.GLOROT_UNIFORM, 0, 1, width)
                .add("beta", Parameters.Init.GLOROT_UNIFORM, 0, 1, width).build(4);
        parameters.zeroGradients();
        Parameters.Parameter gamma = parameters.get("gamma");
        Parameters.Parameter beta = parameters.get("beta");
        LayerNorm norm = LayerNorm.trainable(gamma, beta);

        // the operations LayerNorm ran on ND4J before
        INDArray centred = u.subColumnVector(u.mean(true, 1));
        INDArray inverseStd = Transforms.pow(centred.mul(centred).mean(true, 1).addi(1e-5), -0.5, false);
        INDArray normalised = centred.muliColumnVector(inverseStd);
        INDArray output = normalised.mulRowVector(gamma.value()).addiRowVector(beta.value());
        INDArray gammaGradient = dy.mul(normalised).sum(true, 0);
        INDArray betaGradient = dy.sum(true, 0);
        INDArray dHat = dy.mulRowVector(gamma.value());
        INDArray du = dHat.subColumnVector(dHat.mean(true, 1)).subi(normalised.mulColumnVector(
                dHat.mul(normalised).mean(true, 1))).muliColumnVector(inverseStd);

        float[][] outside = passes(norm, u, dy);
        float[][] inside = StepWorkspace.run("layer-norm", () -> passes(norm, u, dy));
        float[][] gradients = {FloatVectors.of(gamma.gradient()), FloatVectors.of(beta.gradient())};
        float[][] expected = {FloatVectors.of(normalised), FloatVectors.of(inverseStd), FloatVectors.of(output),
            FloatVectors.of(du), FloatVectors.of(gammaGradient.addi(gammaGradient)),
            FloatVectors.of(betaGradient.addi(betaGradient))};
        String[] names = {"normalised", "inverse std", "output", "input gradient", "gamma gradient", "beta gradient"};
        for (int i = 0; i < 4; i++) {
            assertBits(outside[i], expected[i], names[i] + " outside a step");
            assertBits(inside[i], expected[i], names[i] + " in a step");
        }
        for (int i = 0; i < 2; i++) {
            assertBits(gradients[i], expected[4 + i], names[4 + i] + ", accumulated over both calls");
        }
    }

    /** The passes' arrays as Java values (the gradients accumulate into the parameters'). */
    private static float[][] passes(LayerNorm norm, INDArray u, INDArray dy) {
        LayerNorm.Pass pass = norm.normalise(u);
        INDArray output = norm.forward(pass);
        INDArray du = norm.backward(pass, dy);
        return new float[][] {FloatVectors.of(pass.normalised()), FloatVectors.of(pass.inverseStd()),
            FloatVectors.of(output), FloatVectors.of(du)};
    }

    private static void assertBits(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("%s, value %d", what, i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }
}
