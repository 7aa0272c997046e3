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
        assertThat(Subnormals.flushed(values)).containsExactly(expected);
        assertThat(values[0]).as("the input stays as it was").isEqualTo(SUBNORMAL);

        var array = Nd4j.create(values.clone());
        Subnormals.flush(array);
        assertThat(array.toFloatVector()).containsExactly(expected);
    }

    /** A view (here one row of a matrix) is flushed within itself; the rest of its buffer stays as it was. */
    @Test
    void shouldFlushAViewAndNothingBesideIt() {
        float[] row = {SUBNORMAL, 0.5f, -SUBNORMAL, -2f};
        var matrix = Nd4j.create(new float[][] {row, row});
        Subnormals.flush(matrix.getRow(1));
        assertThat(matrix.getRow(1).toFloatVector()).containsExactly(0f, 0.5f, 0f, -2f);
        assertThat(matrix.getRow(0).toFloatVector()).containsExactly(row);

        var whole = Nd4j.create(new float[][] {row, row});
        Subnormals.flush(whole);
        assertThat(whole.reshape(8).toFloatVector()).containsExactly(0f, 0.5f, 0f, -2f, 0f, 0.5f, 0f, -2f);
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
