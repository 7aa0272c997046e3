package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Dense} hands its products to OpenBLAS on the arrays' memory ({@link Blas}); these tests hold it to ND4J's own
 * products, computed in double precision, for inputs laid out every way the networks make them: row-major, column-major,
 * a block of another matrix's columns and a transposed view. Both sides sum in float or double in their own order, so
 * they agree to rounding (1e-5 of the values' scale), not bit for bit.
 */
class DenseTests {

    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0} x {1} -> {2}, bias {3}")
    @CsvSource({"256, 131, 256, true", "256, 32, 1, true", "7, 5, 3, false", "1, 12, 9, true", "600, 20, 11, true"})
    void shouldComputeWhatNd4jComputesForEveryLayoutOfTheInput(int rows, int inputs, int outputs, boolean withBias) {
        INDArray wide = random(rows, inputs + 5, 1);
        Map<String, INDArray> layouts = new LinkedHashMap<>();
        layouts.put("row-major", random(rows, inputs, 2));
        layouts.put("column-major", random(rows, inputs, 2).dup('f'));
        layouts.put("block of columns", wide.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 3 + inputs)));
        layouts.put("transposed view", random(inputs, rows, 2).transpose());
        for (Map.Entry<String, INDArray> layout : layouts.entrySet()) {
            INDArray x = layout.getValue();
            Parameters p = parameters(inputs, outputs, withBias);
            Dense dense = Dense.trainable(p.get("w"), withBias ? p.get("b") : null);
            INDArray w = p.get("w").value().castTo(DataType.DOUBLE);
            INDArray xd = x.castTo(DataType.DOUBLE);

            INDArray expected = xd.mmul(w);
            if (withBias) {
                expected.addiRowVector(p.get("b").value().reshape(1, outputs).castTo(DataType.DOUBLE));
            }
            assertClose(layout.getKey() + ": y", dense.forward(x), expected);

            // gradients add to what is there (beta 1): start from values that are not zero
            INDArray dy = random(rows, outputs, 3);
            p.gradients().assign(0.25);
            INDArray dx = dense.backward(x, dy, true);
            INDArray dyd = dy.castTo(DataType.DOUBLE);
            assertClose(layout.getKey() + ": dW", p.get("w").gradient(), xd.transpose().mmul(dyd).addi(0.25));
            if (withBias) {
                assertClose(layout.getKey() + ": db", p.get("b").gradient().reshape(1, outputs),
                        dyd.sum(true, 0).addi(0.25));
            }
            assertClose(layout.getKey() + ": dx", dx, dyd.mmul(w.transpose()));
        }
    }

    @ParameterizedTest(name = "{0} x {1} -> {2}")
    @CsvSource({"256, 128, 64", "3, 4, 1"})
    void shouldPassGradientsThroughAFrozenLayerAndLeaveNoneOfItsOwn(int rows, int inputs, int outputs) {
        INDArray weight = random(inputs, outputs, 4);
        INDArray bias = random(1, outputs, 5);
        Dense frozen = Dense.frozen(weight, bias.reshape(outputs));
        INDArray x = random(rows, inputs, 6).dup('f');
        INDArray dy = random(rows, outputs, 7);

        assertClose("y", frozen.forward(x), x.castTo(DataType.DOUBLE).mmul(weight.castTo(DataType.DOUBLE))
                .addiRowVector(bias.castTo(DataType.DOUBLE)));
        assertClose("dx", frozen.backward(x, dy, true), dy.castTo(DataType.DOUBLE)
                .mmul(weight.castTo(DataType.DOUBLE).transpose()));
        assertThat(frozen.backward(x, dy, false)).isNull();
    }

    private static Parameters parameters(int inputs, int outputs, boolean withBias) {
        Parameters.Builder builder = Parameters.builder().add("w", Parameters.Init.GLOROT_UNIFORM, 0f, inputs, outputs);
        if (withBias) {
            builder.add("b", Parameters.Init.ZEROS, 0f, outputs);
        }
        Parameters p = builder.build(11);
        if (withBias) {
            p.get("b").value().assign(random(1, outputs, 12).reshape(outputs)); // a bias that is not zero
        }
        return p;
    }

    private static INDArray random(int rows, int columns, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5);
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        assertThat(actual.shape()).as(what).containsExactly(expected.shape());
        Function<INDArray, Double> scale = a -> Math.max(1.0, a.amaxNumber().doubleValue());
        double error = actual.castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
        assertThat(error).as(what).isLessThanOrEqualTo(TOLERANCE * scale.apply(expected));
    }
}
