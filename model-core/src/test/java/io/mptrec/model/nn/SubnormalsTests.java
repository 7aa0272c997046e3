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
