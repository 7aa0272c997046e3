package io.mptrec.model.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mptrec.model.artifact.CanonicalJson;
import java.util.List;
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

    @Test
    void shouldEncodePiecewiseLinearlyOverTheBins() {
        NumericScaling ple = new NumericScaling("x", 0f, 40f, NumericEncoding.PIECEWISE_LINEAR, List.of(0f, 10f, 20f, 40f));

        assertThat(ple.width()).isEqualTo(3);
        assertThat(encode(ple, 15f)).containsExactly(1f, 0.5f, 0f);
        assertThat(encode(ple, 30f)).containsExactly(1f, 1f, 0.5f);
        assertThat(encode(ple, -5f)).containsExactly(0f, 0f, 0f);
        assertThat(encode(ple, 100f)).containsExactly(1f, 1f, 1f);
        assertThat(encode(ple, Float.NaN)).containsExactly(0f, 0f, 0f);
    }

    @Test
    void shouldPutAValueInTheBucketWhoseLowerEdgeItReaches() {
        NumericScaling bucket = new NumericScaling("x", 0f, 40f, NumericEncoding.QUANTILE_BUCKET, List.of(0f, 10f, 20f, 40f));

        assertThat(bucket.width()).isZero();
        assertThat(bucket.bucketRows()).isEqualTo(4);
        assertThat(bucket.bucket(Float.NaN)).isZero();
        assertThat(bucket.bucket(-5f)).isEqualTo(1);
        assertThat(bucket.bucket(9.9f)).isEqualTo(1);
        assertThat(bucket.bucket(10f)).isEqualTo(2);
        assertThat(bucket.bucket(20f)).isEqualTo(3);
        assertThat(bucket.bucket(1e9f)).isEqualTo(3);
    }

    @Test
    void shouldFitEqualFrequencyEdgesKeepingEqualValuesTogether() {
        float[] uniform = new float[101];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = i;
        }
        assertThat(NumericScaling.fit("x", 0f, 100f, NumericEncoding.PIECEWISE_LINEAR, 4, uniform).edges())
                .containsExactly(0f, 25f, 50f, 75f, 100f);

        float[] mostlyZero = new float[100];
        mostlyZero[97] = 5f;
        mostlyZero[98] = 7f;
        mostlyZero[99] = 9f;
        // the zeros fill a bin of their own, the few other values get the next bins
        assertThat(NumericScaling.fit("x", 0f, 9f, NumericEncoding.QUANTILE_BUCKET, 8, mostlyZero).edges())
                .containsExactly(0f, 5f, 7f, 9f);
        float[] tied = {1f, 2f, 2f, 2f, 2f, 2f, 3f, 4f};
        assertThat(NumericScaling.fit("x", 1f, 4f, NumericEncoding.QUANTILE_BUCKET, 4, tied).edges())
                .containsExactly(1f, 2f, 3f, 4f);

        NumericScaling single = NumericScaling.fit("x", 3f, 3f, NumericEncoding.PIECEWISE_LINEAR, 8, new float[] {3f, 3f});
        assertThat(single.edges()).containsExactly(3f, 3f);
        assertThat(encode(single, 3f)).containsExactly(1f);
        assertThat(encode(single, 2f)).containsExactly(0f);
        assertThat(NumericScaling.fit("x", 0f, 0f, NumericEncoding.QUANTILE_BUCKET, 8, new float[0]).edges())
                .containsExactly(0f, 0f);
        assertThat(NumericScaling.fit("x", 1f, 2f, NumericEncoding.SCALED, 0, new float[] {1f, 2f}))
                .isEqualTo(new NumericScaling("x", 1f, 2f));
    }

    @Test
    void shouldRefuseEdgesThatDoNotFitTheEncoding() {
        assertThatThrownBy(() -> new NumericScaling("x", 0f, 1f, NumericEncoding.SCALED, List.of(0f, 1f)))
                .hasMessageContaining("is scaled and takes no bin edges");
        assertThatThrownBy(() -> new NumericScaling("x", 0f, 1f, NumericEncoding.PIECEWISE_LINEAR, List.of(0f)))
                .hasMessageContaining("at least two bin edges");
        assertThatThrownBy(() -> new NumericScaling("x", 0f, 1f, NumericEncoding.PIECEWISE_LINEAR, List.of(0f, 1f, 1f)))
                .hasMessageContaining("finite and ascending");
        assertThatThrownBy(() -> new NumericScaling("x", 0f, 1f, NumericEncoding.QUANTILE_BUCKET, List.of(0f, Float.NaN)))
                .hasMessageContaining("finite and ascending");
    }

    /** Manifests name encoding and edges only for binned fields, so that encoders written before them keep their hash. */
    @Test
    void shouldWriteEncodingAndEdgesOnlyForBinnedFields() throws Exception {
        ObjectMapper json = CanonicalJson.MAPPER;
        NumericScaling scaled = new NumericScaling("age", 20f, 40f);
        NumericScaling binned = new NumericScaling("age", 20f, 40f, NumericEncoding.QUANTILE_BUCKET, List.of(20f, 30f, 40f));

        assertThat(json.writeValueAsString(scaled)).isEqualTo("{\"field\":\"age\",\"max\":40.0,\"min\":20.0}");
        assertThat(json.writeValueAsString(binned)).contains("\"encoding\":\"quantile_bucket\"", "\"edges\":[20.0,30.0,40.0]");
        assertThat(json.readValue(json.writeValueAsString(scaled), NumericScaling.class)).isEqualTo(scaled);
        assertThat(json.readValue(json.writeValueAsString(binned), NumericScaling.class)).isEqualTo(binned);
    }

    private static float[] encode(NumericScaling field, float v) {
        float[] x = new float[field.width()];
        field.encode(v, x, 0);
        return x;
    }
}
