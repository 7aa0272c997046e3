package io.mptrec.model.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.mptrec.model.artifact.FloatArray;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A row through a frozen layer, with the loop that adds products by fused multiply-add and the one that multiplies
 * then adds: both give x W + b (then ReLU) as computed in double precision, to float32 rounding, at the widths of the
 * Census layers and at ones that leave input units over after the sweeps of four. Which of the two a machine serves
 * with is {@link FrozenDense#HARDWARE_FMA}; {@code InferenceKernelTests} checks that one against the ND4J heads.
 */
class FrozenDenseTests {

    /** Sums of up to 256 products of values about 1, in float32: a few units in the last place of the result. */
    static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @CsvSource({"131, 256, true, true", "131, 256, false, true", "256, 128, true, false", "256, 128, false, false",
        "131, 2, true, false", "32, 1, false, true", "7, 5, true, true", "3, 9, false, true"})
    void shouldGiveTheProductInBothLoops(int inputs, int outputs, boolean relu, boolean withBias) {
        SplittableRandom random = new SplittableRandom(inputs * 31L + outputs);
        float[] w = values(random, inputs * outputs);
        float[] b = withBias ? values(random, outputs) : null;
        float[] x = values(random, inputs);
        FrozenDense layer = new FrozenDense(FloatArray.matrix(inputs, outputs, w), b == null ? null : FloatArray.vector(b));

        float[] fused = new float[outputs];
        float[] plain = new float[outputs];
        layer.forwardRow(x, fused, relu, true);
        layer.forwardRow(x, plain, relu, false);

        for (int j = 0; j < outputs; j++) {
            double expected = expected(x, 0, w, b, inputs, outputs, j, relu);
            assertThat((double) fused[j]).as("fused, output %d", j).isCloseTo(expected, offset(TOLERANCE));
            assertThat((double) plain[j]).as("plain, output %d", j).isCloseTo(expected, offset(TOLERANCE));
        }
    }

    /**
     * A block of rows goes through sgemm in panels of W's columns where OpenBLAS has a small-matrix kernel, whole
     * elsewhere: both give x W + b as in double precision, where the layer splits into whole panels, into panels and a
     * narrower last one, and into none.
     */
    @ParameterizedTest
    @CsvSource({"131, 256, 100, true", "256, 100, 7, false", "131, 514, 128, true", "64, 32, 4, true", "32, 1, 10, false"})
    void shouldGiveTheProductOfABlockWithAndWithoutPanels(int inputs, int outputs, int rows, boolean relu) {
        SplittableRandom random = new SplittableRandom(inputs * 17L + outputs);
        float[] w = values(random, inputs * outputs);
        float[] b = values(random, outputs);
        float[] x = values(random, rows * inputs);
        FrozenDense layer = new FrozenDense(FloatArray.matrix(inputs, outputs, w), FloatArray.vector(b));

        for (int panel : new int[] {16, FrozenDense.panelColumns(rows, inputs, outputs), outputs}) {
            float[] y = new float[rows * outputs];
            try (LayerWork work = new LayerWork(InferenceKernel.BLOCK, Math.max(inputs, outputs))) {
                layer.forward(x, y, rows, relu, work, panel);
            }
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < outputs; j++) {
                    assertThat((double) y[r * outputs + j]).as("panel %d, row %d, output %d", panel, r, j)
                            .isCloseTo(expected(x, r * inputs, w, b, inputs, outputs, j, relu), offset(TOLERANCE));
                }
            }
        }
    }

    /** The layer holds its panels at the powers of two from 16 columns: another width is refused, not misread. */
    @ParameterizedTest
    @CsvSource({"48", "8", "0"})
    void shouldRefuseAPanelWidthItHoldsNoPanelsFor(int panel) {
        FrozenDense layer = new FrozenDense(FloatArray.matrix(4, 64, new float[4 * 64]), null);
        try (LayerWork work = new LayerWork(InferenceKernel.BLOCK, 64)) {
            assertThatThrownBy(() -> layer.forward(new float[8 * 4], new float[8 * 64], 8, false, work, panel))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        }
    }

    /** Rows x columns x inputs at most 100^3 in panels of a power of two columns; whole where that is no gain. */
    @ParameterizedTest
    @CsvSource({"100, 131, 256, 64", "100, 256, 128, 32", "128, 131, 256, 32", "128, 256, 128, 16", "100, 131, 514, 64",
        "100, 128, 64, 64", "10, 131, 256, 256", "128, 1000, 300, 300"})
    void shouldTakeTheWidestPowerOfTwoPanelThatTheSmallKernelTakes(int rows, int inputs, int outputs, int columns) {
        assertThat(FrozenDense.panelColumns(rows, inputs, outputs)).isEqualTo(columns);
    }

    /** Output j of x W + b (b may be null), then ReLU when asked, in double precision, for the row at x[at..]. */
    private static double expected(float[] x, int at, float[] w, float[] b, int inputs, int outputs, int j, boolean relu) {
        double sum = b == null ? 0 : b[j];
        for (int k = 0; k < inputs; k++) {
            sum += (double) x[at + k] * w[k * outputs + j];
        }
        return relu ? Math.max(sum, 0) : sum;
    }

    private static float[] values(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
