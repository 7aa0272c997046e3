package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class ActivationsTests {

    /**
     * ReLU's forward pass runs as a Java loop over the floats' bits; it must give ND4J's relu bit for bit, the values
     * where a comparison with zero is delicate included (-0, NaN of either sign, infinities, subnormals), over more
     * values than one chunk of the loop; a view goes to ND4J's own.
     */
    @Test
    void shouldGiveNd4jsReluBitForBit() {
        float[] special = {-0f, 0f, -1f, 1f, Float.NaN, Float.intBitsToFloat(0xFFC00000), Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, -Float.MIN_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE};
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 41, 53).subi(0.5);
        for (int i = 0; i < special.length; i++) {
            x.putScalar(3, i, special[i]);
        }
        INDArray expected = Transforms.relu(x.dup(), false);
        INDArray actual = x.dup();
        assertThat(Activations.relu(actual)).isSameAs(actual);
        for (int r = 0; r < 41; r++) {
            for (int j = 0; j < 53; j++) {
                assertThat(Float.floatToRawIntBits(actual.getFloat(r, j))).as("(%d, %d) of %s", r, j, x.getFloat(r, j))
                        .isEqualTo(Float.floatToRawIntBits(expected.getFloat(r, j)));
            }
        }
        INDArray plain = Nd4j.rand(DataType.FLOAT, 41, 53).subi(0.5);
        INDArray view = plain.dup().get(NDArrayIndex.all(), NDArrayIndex.interval(2, 40));
        assertThat(Activations.relu(view))
                .isEqualTo(Transforms.relu(plain.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 40)), true));
    }

    /**
     * ReLU's backward pass runs as a Java loop over the arrays' memory; it must pass dy exactly where y > 0 and zero
     * elsewhere, over more values than one chunk of the loop, for either order, for two orders at once and for a view
     * of some columns (both copied to row-major first).
     */
    @Test
    void shouldPassTheGradientExactlyWhereTheUnitWasActive() {
        Nd4j.getRandom().setSeed(5);
        INDArray y = Transforms.relu(Nd4j.rand(DataType.FLOAT, 37, 53).subi(0.5), false);
        INDArray dy = Nd4j.rand(DataType.FLOAT, 37, 53).subi(0.5);
        INDArray wide = Nd4j.rand(DataType.FLOAT, 37, 60);
        INDArray[][] cases = {
                {y, dy},
                {y.dup('f'), dy.dup('f')},
                {y.dup('f'), dy},
                {y, wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 55))},
        };
        for (INDArray[] c : cases) {
            INDArray dx = Activations.reluBackward(c[0], c[1]);
            for (int r = 0; r < 37; r++) {
                for (int j = 0; j < 53; j++) {
                    float expected = c[0].getFloat(r, j) > 0 ? c[1].getFloat(r, j) : 0f;
                    assertThat(dx.getFloat(r, j)).isEqualTo(expected);
                }
            }
        }
        assertThat(y.gt(0).castTo(DataType.FLOAT).sumNumber().intValue()).isBetween(700, 1300); // both branches taken
        assertThatThrownBy(() -> Activations.reluBackward(y, dy.getRows(0, 1))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * softmax's backward pass runs as a Java loop; it must give ND4J's operations (products, row sums, difference,
     * product) bit for bit, at the gate's two columns and at widths beyond them, inside a step and outside.
     */
    @Test
    void shouldGiveTheSoftmaxGradientOfNd4jsOperationsBitForBit() {
        Nd4j.getRandom().setSeed(5);
        for (int width : new int[] {2, 3, 17, 130}) {
            INDArray p = Activations.softmaxRows(Nd4j.randn(DataType.FLOAT, 61, width).muli(3));
            INDArray dp = Nd4j.randn(DataType.FLOAT, 61, width);
            dp.putScalar(0, 0, -0f);
            dp.putScalar(1, 0, Float.MIN_VALUE);
            INDArray dot = p.mul(dp).sum(true, 1);
            float[] expected = FloatVectors.of(dp.subColumnVector(dot).muli(p));
            float[] outside = FloatVectors.of(Activations.softmaxRowsBackward(p, dp));
            float[] inside = StepWorkspace.run("softmax-backward",
                    () -> FloatVectors.of(Activations.softmaxRowsBackward(p, dp)));
            for (float[] actual : new float[][] {outside, inside}) {
                for (int i = 0; i < expected.length; i++) {
                    assertThat(Float.floatToRawIntBits(actual[i])).as("width %d, value %d", width, i)
                            .isEqualTo(Float.floatToRawIntBits(expected[i]));
                }
            }
        }
        assertThatThrownBy(() -> Activations.softmaxRowsBackward(Nd4j.ones(DataType.FLOAT, 2, 3),
                Nd4j.ones(DataType.FLOAT, 3, 2))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * softmax's forward pass reuses the thread's operation context and, in a step, the step's matrices: the values
     * are ND4J's operation's with a context of its own, call after call, in shapes that change, with a view as input.
     */
    @Test
    void shouldGiveNd4jsSoftmaxThroughTheThreadsOwnContext() {
        Nd4j.getRandom().setSeed(6);
        INDArray wide = Nd4j.randn(DataType.FLOAT, 40, 9).muli(4);
        for (INDArray logits : new INDArray[] {Nd4j.randn(DataType.FLOAT, 33, 2), wide,
                wide.get(NDArrayIndex.interval(3, 20), NDArrayIndex.interval(1, 6)), Nd4j.randn(DataType.FLOAT, 33, 2)}) {
            INDArray expected = logits.ulike();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(logits, expected, 1));
            float[] outside = FloatVectors.of(Activations.softmaxRows(logits));
            float[] inside = StepWorkspace.run("softmax", () -> FloatVectors.of(Activations.softmaxRows(logits)));
            assertThat(outside).containsExactly(FloatVectors.of(expected));
            assertThat(inside).containsExactly(FloatVectors.of(expected));
        }
    }
}
