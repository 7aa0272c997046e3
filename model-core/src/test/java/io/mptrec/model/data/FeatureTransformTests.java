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

    /** Train ages 30, 40, missing, 20: two quantile bins, edges 20, 30, 40. */
    @Test
    void shouldEncodeBinnedFieldsAsTheSchemaAsks() {
        for (NumericEncoding encoding : List.of(NumericEncoding.PIECEWISE_LINEAR, NumericEncoding.QUANTILE_BUCKET)) {
            Dataset data = TinyData.load(folder, TinyData.SCHEMA.replace("\"role\": \"numeric\"}",
                    "\"role\": \"numeric\", \"encoding\": \"" + encoding.jsonName() + "\", \"bins\": 2}"), TinyData.DATA);
            FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));
            assertThat(transform.numeric().get(0).edges()).containsExactly(20f, 30f, 40f);

            EncodedRows encoded = transform.encode(data, new int[] {0, 2, 4, 5, 7}); // 30, 50, missing, 20, 45
            if (encoding == NumericEncoding.PIECEWISE_LINEAR) {
                assertThat(transform.inputWidth(8)).isEqualTo(2 + 8);
                assertThat(encoded.numeric()).containsExactly(1f, 0f, 1f, 1f, 0f, 0f, 0f, 0f, 1f, 1f);
                assertThat(encoded.categories()).containsExactly(2, 0, 2, 0, 0);
                assertThat(transform.inputFields(8)).containsExactly(
                        new FeatureTransform.InputField("age", ColumnRole.NUMERIC, 0, 2),
                        new FeatureTransform.InputField("color", ColumnRole.CATEGORICAL, 2, 10));
            } else {
                assertThat(transform.inputWidth(8)).isEqualTo(2 * 8);
                assertThat(transform.embeddingRows()).containsExactly(3, 3);
                assertThat(encoded.numericFields()).isZero();
                // per row: color, then age's bucket (0 missing, 1 below 30, 2 from 30)
                assertThat(encoded.categories()).containsExactly(2, 2, 0, 2, 2, 0, 0, 1, 0, 2);
                assertThat(transform.inputFields(8)).containsExactly(
                        new FeatureTransform.InputField("color", ColumnRole.CATEGORICAL, 0, 8),
                        new FeatureTransform.InputField("age", ColumnRole.NUMERIC, 8, 16));
            }
        }
    }
}
