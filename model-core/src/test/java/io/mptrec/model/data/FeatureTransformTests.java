package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FeatureTransformTests {

    @TempDir
    Path folder;

    @Test
    void shouldFitOnTrainRowsOnly() {
        Dataset data = TinyData.load(folder);

        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));

        // Train rows 0, 1, 4, 5: ages 30, 40, missing, 20; colors red, blue, red, missing.
        assertThat(transform.numeric()).containsExactly(new NumericScaling("age", 20f, 40f));
        assertThat(transform.categorical()).containsExactly(new Vocabulary("color", List.of("blue", "red")));
        assertThat(transform.missingTokens()).containsExactly("?");
        assertThat(transform.inputWidth(8)).isEqualTo(1 + 8);
    }

    @Test
    void shouldEncodeUnseenAndMissingAsZeroAndClipNumbers() {
        Dataset data = TinyData.load(folder);
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));

        EncodedRows encoded = transform.encode(data, new int[] {0, 2, 4, 5, 7});

        assertThat(encoded.rows()).isEqualTo(5);
        assertThat(encoded.numericFields()).isEqualTo(1);
        assertThat(encoded.categoricalFields()).isEqualTo(1);
        assertThat(encoded.numeric()).containsExactly(0.5f, 1f, 0f, 0f, 1f); // 30, 50 clipped, missing, 20, 45 clipped
        assertThat(encoded.categories()).containsExactly(2, 0, 2, 0, 0); // red, green unseen, red, missing, purple unseen
    }

    @Test
    void shouldScaleFieldMissingInAllTrainRowsToZero() {
        Dataset data = TinyData.load(folder);

        FeatureTransform transform = FeatureTransform.fit(data, new int[] {4});

        assertThat(transform.numeric()).containsExactly(new NumericScaling("age", 0f, 0f));
        assertThat(transform.encode(data, new int[] {0}).numeric()).containsExactly(0f);
    }
}
