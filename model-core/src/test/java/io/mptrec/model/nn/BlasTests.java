package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BlasTests {

    /**
     * The attention's products through sgemm directly give ND4J's mmul bit for bit: the scores (query times the keys'
     * transpose), the query's gradient (scores' gradient times the keys) and a key's gradient (a column's transpose
     * times the query), inside a step and outside.
     */
    @Test
    void shouldMultiplyAsNd4jsMmulDoes() {
        Nd4j.getRandom().setSeed(15);
        INDArray query = Nd4j.randn(DataType.FLOAT, 256, 32);
        INDArray keys = Nd4j.randn(DataType.FLOAT, 3, 32);
        INDArray dScores = Nd4j.randn(DataType.FLOAT, 256, 3);
        INDArray column = dScores.getColumn(2, true).reshape(256, 1).dup('c');
        assertThat(Blas.product(column, true, query, false).shape()).containsExactly(1, 32);
        float[][][] cases = {
            {FloatVectors.of(Blas.product(query, false, keys, true)), FloatVectors.of(query.mmul(keys.transpose()))},
            {FloatVectors.of(Blas.product(dScores, false, keys, false)), FloatVectors.of(dScores.mmul(keys))},
            {FloatVectors.of(Blas.product(column, true, query, false)), FloatVectors.of(column.transpose().mmul(query))},
            // the step's own matrix, read before the step ends
            {StepWorkspace.run("blas", () -> FloatVectors.of(Blas.product(query, false, keys, true))),
                FloatVectors.of(query.mmul(keys.transpose()))},
        };
        for (int c = 0; c < cases.length; c++) {
            float[] actual = cases[c][0];
            float[] expected = cases[c][1];
            assertThat(actual).as("case %d", c).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(Float.floatToRawIntBits(actual[i])).as("case %d, value %d", c, i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }
}
