package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NumericScalingTests {

    @Test
    void shouldScaleMinMaxAndClip() {
        NumericScaling scaling = new NumericScaling("age", 20f, 40f);

        assertThat(scaling.scale(20f)).isZero();
        assertThat(scaling.scale(30f)).isEqualTo(0.5f);
        assertThat(scaling.scale(40f)).isEqualTo(1f);
        assertThat(scaling.scale(10f)).isZero();
        assertThat(scaling.scale(99f)).isEqualTo(1f);
        assertThat(scaling.scale(Float.NaN)).isZero();
    }

    @Test
    void shouldScaleConstantFieldToZero() {
        assertThat(new NumericScaling("c", 5f, 5f).scale(5f)).isZero();
        assertThat(new NumericScaling("c", 5f, 5f).scale(7f)).isZero();
    }

    @Test
    void shouldRejectMinAboveMax() {
        assertThatThrownBy(() -> new NumericScaling("c", 2f, 1f)).isInstanceOf(IllegalArgumentException.class);
    }
}
