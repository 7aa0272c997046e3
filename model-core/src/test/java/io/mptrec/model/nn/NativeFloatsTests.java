package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class NativeFloatsTests {

    private static final float[] VALUES = {1f, -2f, 3.5f, 0f, -0f, Float.MIN_VALUE, 7f, 8f, 9f, 10f, 11f, 12f};

    /** The Java loop gives ND4J's mulRowVector bit for bit, inside a step and outside; a view goes to ND4J's. */
    @Test
    void shouldMultiplyByARowAsNd4jDoes() {
        Nd4j.getRandom().setSeed(11);
        INDArray m = Nd4j.randn(DataType.FLOAT, 37, 29);
        INDArray row = Nd4j.randn(DataType.FLOAT, 1, 29);
        m.putScalar(0, 0, Float.NaN);
        m.putScalar(0, 1, -0f);
        m.putScalar(0, 2, Float.MIN_VALUE);
        row.putScalar(0, 3, Float.POSITIVE_INFINITY);
        float[] expected = FloatVectors.of(m.mulRowVector(row));
        float[] outside = FloatVectors.of(NativeFloats.timesRow(m, row));
        // the step's own matrix, read before the step ends
        float[] inside = StepWorkspace.run("times-row", () -> FloatVectors.of(NativeFloats.timesRow(m, row)));
        for (float[] actual : new float[][] {outside, inside}) {
            for (int i = 0; i < expected.length; i++) {
                assertThat(Float.floatToRawIntBits(actual[i])).as("value %d", i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
        assertThat(FloatVectors.of(NativeFloats.timesRow(m.dup('f'), row))).as("column-major, by ND4J")
                .containsExactly(expected);
    }

    @Test
    void shouldMakeTheArrayNd4jWouldMake() {
        INDArray ours = NativeFloats.array(VALUES, 3, 4);
        INDArray nd4j = Nd4j.create(VALUES, new long[] {3, 4}, DataType.FLOAT);

        assertThat(ours.shape()).containsExactly(3, 4);
        assertThat(ours.ordering()).isEqualTo('c');
        assertThat(ours.getFloat(2, 1)).isEqualTo(nd4j.getFloat(2, 1));
        for (int r = 0; r < 3; r++) {
            assertThat(ours.getRow(r).toFloatVector()).containsExactly(nd4j.getRow(r).toFloatVector());
        }
        assertThatThrownBy(() -> NativeFloats.array(VALUES, 5, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 values for shape [5, 2]");
    }

    @Test
    void shouldCopyAnyArrayInRowMajorOrder() {
        INDArray matrix = NativeFloats.array(VALUES, 3, 4);
        // dense arrays in one copy, the rest through ND4J: a row, a column, a column-major copy, a sub-block
        assertThat(FloatVectors.of(matrix)).containsExactly(VALUES);
        assertThat(FloatVectors.of(matrix.getRow(1))).containsExactly(-0f, Float.MIN_VALUE, 7f, 8f);
        assertThat(FloatVectors.of(matrix.getColumn(2))).containsExactly(3.5f, 7f, 11f);
        assertThat(FloatVectors.of(matrix.dup('f'))).containsExactly(VALUES);
        assertThat(FloatVectors.of(matrix.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 4))))
                .containsExactly(7f, 8f, 11f, 12f);
        // a parameter's view into a flat buffer, read and written where it lies
        INDArray flat = NativeFloats.array(VALUES, 12);
        INDArray view = flat.get(NDArrayIndex.interval(6, 10)).reshape('c', 2, 2);
        assertThat(FloatVectors.of(view)).containsExactly(7f, 8f, 9f, 10f);
        NativeFloats.of(view).put(1, 80f);
        assertThat(flat.getFloat(7)).isEqualTo(80f);
        assertThat(flat.getFloat(1)).isEqualTo(-2f);
        // the sign of zero and a subnormal survive the copy, bit for bit
        assertThat(Float.floatToRawIntBits(FloatVectors.of(matrix)[4])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    /** In-place addition in Java gives ND4J's addi bit for bit; arrays of other orders or shapes go to ND4J's. */
    @Test
    void shouldAddInPlaceAsNd4jDoes() {
        Nd4j.getRandom().setSeed(12);
        INDArray target = Nd4j.randn(DataType.FLOAT, 45, 31);
        INDArray addend = Nd4j.randn(DataType.FLOAT, 45, 31);
        target.putScalar(0, 0, -0f);
        addend.putScalar(0, 0, -0f);
        target.putScalar(0, 1, Float.MAX_VALUE);
        addend.putScalar(0, 1, Float.MAX_VALUE);
        float[] expected = FloatVectors.of(target.dup().addi(addend));
        assertThat(NativeFloats.addi(target, addend)).isSameAs(target);
        float[] actual = FloatVectors.of(target);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        INDArray columnMajor = addend.dup('f');
        INDArray before = target.dup();
        assertThat(FloatVectors.of(NativeFloats.addi(target, columnMajor)))
                .containsExactly(FloatVectors.of(before.addi(addend)));
    }

    /**
     * The column sums of a product, added to a row: ND4J's {@code addi(a.mul(b).sum(true, 0))} bit for bit, into a
     * row that is a view of a larger array (a parameter's gradient), and the rest of that array untouched.
     */
    @Test
    void shouldAddColumnSumsOfProductsAsNd4jDoes() {
        Nd4j.getRandom().setSeed(13);
        INDArray a = Nd4j.randn(DataType.FLOAT, 257, 33);
        INDArray b = Nd4j.randn(DataType.FLOAT, 257, 33).muli(100);
        INDArray gradients = Nd4j.randn(DataType.FLOAT, 3, 33);
        INDArray untouched = gradients.dup();
        float[] expected = FloatVectors.of(gradients.getRow(1, true).dup().addi(a.mul(b).sum(true, 0)));
        NativeFloats.addColumnSumsOfProducts(a, b, gradients.getRow(1, true));
        float[] actual = FloatVectors.of(gradients.getRow(1));
        for (int j = 0; j < expected.length; j++) {
            assertThat(Float.floatToRawIntBits(actual[j])).as("column %d", j)
                    .isEqualTo(Float.floatToRawIntBits(expected[j]));
        }
        assertThat(gradients.getRow(0)).isEqualTo(untouched.getRow(0));
        assertThat(gradients.getRow(2)).isEqualTo(untouched.getRow(2));
        assertThatThrownBy(() -> NativeFloats.addColumnSumsOfProducts(a, b, gradients.getRow(1).get(
                NDArrayIndex.interval(0, 32)))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The attention's loops give ND4J's operations bit for bit: the division by the temperature, the keys' stacking,
     * the experts' weighted sum, the rows' dot products into a column, a column's copy and the column sums.
     */
    @Test
    void shouldGiveTheAttentionsNd4jOperationsBitForBit() {
        Nd4j.getRandom().setSeed(14);
        INDArray scores = Nd4j.randn(DataType.FLOAT, 50, 3).muli(7);
        assertBits(NativeFloats.divi(scores.dup(), 0.3), scores.dup().divi(0.3), "divided");

        INDArray prompts = Nd4j.randn(DataType.FLOAT, 2, 16);
        INDArray sharedKey = Nd4j.randn(DataType.FLOAT, 1, 16);
        assertBits(NativeFloats.stackRows(prompts, sharedKey), Nd4j.vstack(prompts, sharedKey), "stacked");

        INDArray[] experts = {Nd4j.randn(DataType.FLOAT, 50, 16), Nd4j.randn(DataType.FLOAT, 50, 16),
            Nd4j.randn(DataType.FLOAT, 50, 16)};
        INDArray weights = Activations.softmaxRows(scores);
        INDArray mixed = Nd4j.zeros(DataType.FLOAT, 50, 16);
        for (int k = 0; k < experts.length; k++) {
            mixed.addi(experts[k].mulColumnVector(weights.getColumn(k, true)));
        }
        assertBits(NativeFloats.weightedSum(experts, weights, true), mixed, "weighted sum from zeros");
        INDArray fromFirst = experts[0].mulColumnVector(weights.getColumn(0, true));
        for (int k = 1; k < experts.length; k++) {
            fromFirst.addi(experts[k].mulColumnVector(weights.getColumn(k, true)));
        }
        assertBits(NativeFloats.weightedSum(experts, weights, false), fromFirst, "weighted sum from the first product");
        assertBits(NativeFloats.timesColumn(experts[1], weights, 2), experts[1].mulColumnVector(weights.getColumn(2, true)),
                "times a column");
        assertBits(NativeFloats.copy(experts[2]), experts[2].dup(), "copy");

        INDArray dots = Nd4j.randn(DataType.FLOAT, 50, 3);
        INDArray expectedDots = dots.dup();
        expectedDots.getColumn(1, true).assign(experts[0].mul(experts[2]).sum(true, 1));
        NativeFloats.rowDotsInto(experts[0], experts[2], dots, 1);
        assertBits(dots, expectedDots, "row dots into column 1");

        assertBits(NativeFloats.column(scores, 2), scores.getColumn(2, true).reshape(50, 1), "column");

        INDArray sums = Nd4j.randn(DataType.FLOAT, 1, 16);
        INDArray expectedSums = sums.dup().addi(experts[1].sum(true, 0));
        NativeFloats.addColumnSums(experts[1], sums);
        assertBits(sums, expectedSums, "column sums");
    }

    private static void assertBits(INDArray actual, INDArray expected, String what) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        float[] a = FloatVectors.of(actual);
        float[] e = FloatVectors.of(expected);
        for (int i = 0; i < e.length; i++) {
            assertThat(Float.floatToRawIntBits(a[i])).as("%s, value %d", what, i)
                    .isEqualTo(Float.floatToRawIntBits(e[i]));
        }
    }
}
