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
}
