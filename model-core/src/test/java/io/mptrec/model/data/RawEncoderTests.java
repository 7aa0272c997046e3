package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawEncoderTests {

    @TempDir
    Path folder;

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
        EncodedRows actual = new RawEncoder(transform).encodeRows(raw);

        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(expected.categories()).contains(0); // validation/test values unseen in train, and missing ones
    }

    @Test
    void shouldTreatAbsentColumnsAndMissingTokensAsMissingInRawRows() {
        Dataset data = TinyData.load(folder);
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("age", null);
        withNull.put("color", null);

        EncodedRows encoded = new RawEncoder(transform).encodeRows(List.of(Map.of(), Map.of("age", " ? ", "color", "?"), withNull,
                Map.of("age", " 25 ", "color", " blue ", "unused", "x")));

        assertThat(encoded.numeric()).containsExactly(0f, 0f, 0f, 0.25f);
        assertThat(encoded.categories()).containsExactly(0, 0, 0, 1);
    }

    @Test
    void shouldRejectUnparsableNumberInRawRows() {
        Dataset data = TinyData.load(folder);
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));

        assertThatThrownBy(() -> new RawEncoder(transform).encodeRows(List.of(Map.of("age", "30"), Map.of("age", "thirty"))))
                .isInstanceOfSatisfying(InvalidCellException.class, e -> {
                    assertThat(e.row()).isEqualTo(1);
                    assertThat(e.column()).isEqualTo("age");
                    assertThat(e.reason()).isEqualTo("'thirty' is not a number");
                })
                .hasMessage("row 1, column 'age': 'thirty' is not a number");
        // a long value is quoted by its start and its length: the reason goes back to a client
        String huge = "<script>" + "9".repeat(1_500_000);
        assertThatThrownBy(() -> new RawEncoder(transform).encodeRows(List.of(Map.of("age", huge))))
                .hasMessage("row 0, column 'age': '<script>99999999999999999999999999999999...' (1500008 characters)"
                        + " is not a number");
    }

    @Test
    void shouldRejectANumberNoFloatHoldsInRowsAndColumns() {
        Dataset data = TinyData.load(folder);
        RawEncoder encoder = new RawEncoder(FeatureTransform.fit(data, data.rows(Split.TRAIN)));

        for (String huge : List.of("1e39", "-1e309", "1e400", "340282357000000000000000000000000000000")) {
            assertThatThrownBy(() -> encoder.encodeRows(List.of(Map.of("age", "30"), Map.of("age", huge))))
                    .isInstanceOfSatisfying(InvalidCellException.class, e -> {
                        assertThat(e.row()).isEqualTo(1);
                        assertThat(e.column()).isEqualTo("age");
                        assertThat(e.reason()).isEqualTo("'" + huge + "' is out of range (at most 3.4e38 in magnitude)");
                    });
            assertThatThrownBy(() -> encoder.encodeColumns(Map.of("age", List.of(huge))))
                    .isInstanceOf(InvalidCellException.class).hasMessageContaining("out of range");
        }
        // the largest float and anything that rounds to it still score
        assertThat(encoder.encodeRows(List.of(Map.of("age", "3.4e38"), Map.of("age", "-1e-50"))).rows()).isEqualTo(2);
    }

    @Test
    void shouldEncodeColumnsLikeRows() {
        Dataset data = TinyData.censusSlice();
        RawEncoder encoder = new RawEncoder(FeatureTransform.fit(data, data.rows(Split.TRAIN)));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int row = 0; row < data.rowCount(); row++) {
            rows.add(data.rawRow(row));
        }
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (String column : rows.get(0).keySet()) {
            columns.put(column, rows.stream().map(r -> r.get(column)).toList());
        }

        EncodedRows byColumn = encoder.encodeColumns(columns);

        assertThat(byColumn).usingRecursiveComparison().isEqualTo(encoder.encodeRows(rows));
        assertThat(byColumn.rows()).isEqualTo(data.rowCount());
    }

    @Test
    void shouldTreatAbsentColumnAsMissingInEveryRow() {
        Dataset data = TinyData.load(folder);
        RawEncoder encoder = new RawEncoder(FeatureTransform.fit(data, data.rows(Split.TRAIN)));

        EncodedRows encoded = encoder.encodeColumns(Map.of("color", List.of("blue", "red", "?")));

        assertThat(encoded.numeric()).containsExactly(0f, 0f, 0f);
        assertThat(encoded.categories()).containsExactly(1, 2, 0);
    }

    @Test
    void shouldRejectColumnsOfDifferentLengthsNullListsAndNoColumn() {
        Dataset data = TinyData.load(folder);
        RawEncoder encoder = new RawEncoder(FeatureTransform.fit(data, data.rows(Split.TRAIN)));
        Map<String, List<String>> nullList = new HashMap<>();
        nullList.put("age", null);
        Map<String, List<String>> uneven = new LinkedHashMap<>();
        uneven.put("age", List.of("30", "40"));
        uneven.put("color", List.of("red"));

        assertThatThrownBy(() -> encoder.encodeColumns(uneven)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'color' has 1 values, column 'age' has 2; every column needs one value per row");
        assertThatThrownBy(() -> encoder.encodeColumns(nullList)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'age' has no list of values");
        assertThatThrownBy(() -> encoder.encodeColumns(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no column given");
        assertThatThrownBy(() -> encoder.encodeColumns(Map.of("age", List.of("30", "3O"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 1, column 'age': '3O' is not a number");
    }

    /** The scanner replaced this pattern (too slow per value when serving): it must accept exactly the same strings. */
    @Test
    void shouldAcceptExactlyWhatTheDecimalPatternAccepts() {
        Pattern decimal = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
        String alphabet = "0123456789+-.eEx f";
        SplittableRandom random = new SplittableRandom(7);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(7);
            for (int j = 0; j < length; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String v = s.toString();
            boolean expected = decimal.matcher(v).matches();
            assertThat(DecimalText.isDecimal(v)).as("'%s'", v).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("the sample holds numbers, not only garbage").isGreaterThan(10_000);
        assertThat(List.of("1", "-1.5", ".5", "5.", "+2e-3", "1E10")).allMatch(DecimalText::isDecimal);
        assertThat(List.of("", ".", "e5", "1e", "NaN", "Infinity", "0x1p3", "1f", "1.2.3", "١")).noneMatch(DecimalText::isDecimal);
    }

    /** The scanner reads integers itself and hands everything else to parseFloat: the same float, bit for bit. */
    @Test
    void shouldParseEveryDecimalToTheFloatParseFloatGives() {
        String alphabet = "0123456789+-.eE";
        SplittableRandom random = new SplittableRandom(11);
        int integers = 0;
        for (int i = 0; i < 300_000; i++) {
            StringBuilder s = new StringBuilder(" ");  // read inside a longer text, as a TextColumn's values are
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                // mostly digits after the first character, so that most samples are numbers
                boolean any = j == 0 || random.nextInt(4) == 0;
                s.append(alphabet.charAt(random.nextInt(any ? alphabet.length() : 10)));
            }
            String v = s.substring(1);
            if (!DecimalText.isDecimal(s.toString(), 1, s.length())) {
                assertThat(DecimalText.isDecimal(v)).as("'%s'", v).isFalse();
                continue;
            }
            integers += v.matches("[+-]?[0-9]{1,9}") ? 1 : 0;
            assertThat(Float.floatToRawIntBits(DecimalText.parse(s.toString(), 1, s.length()))).as("'%s'", v)
                    .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(v)));
        }
        assertThat(integers).as("the sample holds integers of up to 9 digits").isGreaterThan(10_000);
        for (String v : List.of("-0", "+0", "0", "999999999", "-999999999", "1000000000", "16777217", "-16777217",
                "123456789", "000000001", "0.1", "1e-50", "3.4028236e38")) {
            assertThat(Float.floatToRawIntBits(DecimalText.parse(v, 0, v.length()))).as(v)
                    .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(v)));
        }
    }

    @Test
    void shouldEncodeTextColumnsLikeListsOfStrings() {
        Dataset data = TinyData.censusSlice();
        RawEncoder encoder = new RawEncoder(FeatureTransform.fit(data, data.rows(Split.TRAIN)));
        Map<String, List<String>> lists = new LinkedHashMap<>();
        Map<String, List<String>> texts = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        for (String column : data.rawRow(0).keySet()) {
            List<String> values = new ArrayList<>();
            for (int row = 0; row < data.rowCount(); row++) {
                String value = data.rawRow(row).get(column);
                // padding that strip() removes, missing tokens and nulls, as clients send them
                int roll = random.nextInt(20);
                values.add(roll == 0 ? null : roll == 1 ? " ? " : roll == 2 ? " " + value : roll == 3 ? "\t" + value + " " : value);
            }
            lists.put(column, values);
            texts.put(column, TextColumn.of(values));
        }

        EncodedRows byText = encoder.encodeColumns(texts);

        assertThat(texts.values()).allMatch(TextColumn.class::isInstance);
        assertThat(byText).usingRecursiveComparison().isEqualTo(encoder.encodeColumns(lists));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int row = 0; row < data.rowCount(); row++) {
            Map<String, String> cells = new HashMap<>();
            for (Map.Entry<String, List<String>> column : lists.entrySet()) {
                cells.put(column.getKey(), column.getValue().get(row));
            }
            rows.add(cells);
        }
        assertThat(byText).usingRecursiveComparison().isEqualTo(encoder.encodeRows(rows));
        assertThat(byText.categories()).contains(0);
    }
}
