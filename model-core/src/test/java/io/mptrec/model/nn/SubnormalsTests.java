package io.mptrec.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class SubnormalsTests {

    private static final float SUBNORMAL = Float.MIN_NORMAL / 3;

    @Test
    void shouldZeroSubnormalsAndKeepEveryOtherValue() {
        float[] values = {SUBNORMAL, -SUBNORMAL, Float.MIN_VALUE, 0f, Float.MIN_NORMAL, -Float.MIN_NORMAL, 0.5f, -2f};
        float[] expected = {0f, 0f, 0f, 0f, Float.MIN_NORMAL, -Float.MIN_NORMAL, 0.5f, -2f};
        for (int i = 0; i < values.length; i++) {
            assertThat(Subnormals.flushed(values[i])).isEqualTo(expected[i]);
        }
    }

    /** The bits' loop that Adam runs gives {@link Subnormals#flushed}'s values, bit for bit, signed zeros and NaN too. */
    @Test
    void shouldFlushBitsAsFlushedFlushesValues() {
        float[] values = {SUBNORMAL, -SUBNORMAL, Float.MIN_VALUE, -Float.MIN_VALUE, Math.nextDown(Float.MIN_NORMAL), 0f, -0f,
            Float.MIN_NORMAL, -Float.MIN_NORMAL, 0.5f, -2f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xFFC00001)};
        int[] bits = new int[values.length + 1];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        bits[values.length] = Float.floatToRawIntBits(SUBNORMAL);
        Subnormals.flushBits(bits, values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(bits[i]).as("value %d", i).isEqualTo(Float.floatToRawIntBits(Subnormals.flushed(values[i])));
        }
        assertThat(bits[values.length]).as("past n, untouched").isEqualTo(Float.floatToRawIntBits(SUBNORMAL));
        assertThat(bits[1]).as("a negative subnormal becomes +0").isZero();
        assertThat(bits[6]).as("-0 stays").isEqualTo(0x80000000);
    }

    @Test
    void shouldZeroFrozenWeightsBelowTheNegligibleMagnitudeAndKeepEveryOtherValue() {
        float below = Math.nextDown(Subnormals.NEGLIGIBLE);
        float[] values = {SUBNORMAL, 0x1p-100f, -0x1p-100f, below, -below, Subnormals.NEGLIGIBLE, -Subnormals.NEGLIGIBLE,
            0f, 1e-17f, 0.5f, -2f};
        float[] expected = {0f, 0f, 0f, 0f, 0f, Subnormals.NEGLIGIBLE, -Subnormals.NEGLIGIBLE, 0f, 1e-17f, 0.5f, -2f};
        assertThat(Subnormals.negligibleFlushed(values)).containsExactly(expected);
        assertThat(values[1]).as("the input stays as it was").isEqualTo(0x1p-100f);
    }

    /**
     * Weights that training left subnormal (16 % to 44 % of the bundled encoders' expert weights): after an Adam step,
     * even one that moves nothing, none is left there, and the others are where they were.
     */
    @Test
    void shouldLeaveNoSubnormalParameterAfterAnAdamStep() {
        Parameters parameters = Parameters.builder().add("w", Parameters.Init.ZEROS, 0f, 4).build(3);
        parameters.values().assign(Nd4j.create(new float[] {SUBNORMAL, -SUBNORMAL, 0.25f, -Float.MIN_NORMAL}));
        AdamOptimizer adam = new AdamOptimizer(parameters, 1e-3);
        parameters.zeroGradients();
        adam.step();
        assertThat(parameters.values().toFloatVector()).containsExactly(0f, 0f, 0.25f, -Float.MIN_NORMAL);
    }
}
