package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void shouldEncodeRawRowsLikeDatasetRows() {
        Dataset data = TinyData.censusSlice();
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));
        int[] rows = IntStream.range(0, data.rowCount()).toArray();
        List<Map<String, String>> raw = new ArrayList<>();
        for (int row : rows) {
            raw.add(data.rawRow(row));
        }

        EncodedRows expected = transform.encode(data, rows);
        EncodedRows actual = transform.encodeRaw(raw);

        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(transform.inputWidth(4)).isEqualTo(7 + 31 * 4);
        assertThat(expected.categories()).contains(0); // validation/test values unseen in train, and missing ones
    }

    @Test
    void shouldTreatAbsentColumnsAndMissingTokensAsMissingInRawRows() {
        Dataset data = TinyData.load(folder);
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("age", null);
        withNull.put("color", null);

        EncodedRows encoded = transform.encodeRaw(List.of(Map.of(), Map.of("age", " ? ", "color", "?"), withNull,
                Map.of("age", " 25 ", "color", " blue ", "unused", "x")));

        assertThat(encoded.numeric()).containsExactly(0f, 0f, 0f, 0.25f);
        assertThat(encoded.categories()).containsExactly(0, 0, 0, 1);
    }

    @Test
    void shouldRejectUnparsableNumberInRawRows() {
        Dataset data = TinyData.load(folder);
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));

        assertThatThrownBy(() -> transform.encodeRaw(List.of(Map.of("age", "30"), Map.of("age", "thirty"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 1, column 'age': 'thirty' is not a number");
    }

    @Test
    void shouldScaleFieldMissingInAllTrainRowsToZero() {
        Dataset data = TinyData.load(folder);

        FeatureTransform transform = FeatureTransform.fit(data, new int[] {4});

        assertThat(transform.numeric()).containsExactly(new NumericScaling("age", 0f, 0f));
        assertThat(transform.encode(data, new int[] {0}).numeric()).containsExactly(0f);
    }
}
