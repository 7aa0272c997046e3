package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextRowTests {

    @Test
    void shouldBeTheMapItWasMadeFrom() {
        Map<String, String> cells = new LinkedHashMap<>();
        cells.put("age", " 35 ");
        cells.put("sex", null);
        cells.put("empty", "");
        cells.put("text", "\u00e9t\u00e9");

        TextRow row = TextRow.of(cells);

        assertThat(row).isEqualTo(cells).hasSize(4);
        assertThat(row.keySet()).containsExactly("age", "sex", "empty", "text");
        assertThat(row.name(3)).isEqualTo("text");
        assertThat(row.values()).containsExactly(" 35 ", null, "", "\u00e9t\u00e9");
        assertThat(TextRow.of(row)).isSameAs(row);
        assertThat(row.containsKey("sex")).isTrue();
        assertThat(row.get("gone")).isNull();
        assertThat(row.indexOf(42)).isEqualTo(-1);
    }

    @Test
    void shouldFindEveryColumnInAnyOrderOfLookups() {
        TextRow row = new TextRow.Builder().append("a", "1").append("b", "2").append("c", "3").append("d", "4").build();
        // in order, backwards, repeated, a name built at run time (not the same string), and one that is not there
        for (String name : List.of("a", "b", "c", "d", "d", "c", "b", "a", "c", "a")) {
            assertThat(row.get(name)).isEqualTo(Integer.toString(name.charAt(0) - 'a' + 1));
        }
        assertThat(row.get(new String(new char[] {'c'}))).isEqualTo("3");
        assertThat(row.indexOf("e")).isEqualTo(-1);
    }

    @Test
    void shouldBuildRowAfterRowWithOneBuilder() {
        TextRow.Builder builder = new TextRow.Builder();
        TextRow first = builder.append("x", "abc".toCharArray(), 1, 2).append("y", null).build();
        builder.reset();
        for (int k = 0; k < 100; k++) {  // beyond the builder's first arrays
            builder.append("c" + k, "v" + k);
        }
        TextRow second = builder.build();
        TextRow third = builder.reset().append("z", "1").build();

        assertThat(first).containsExactly(Map.entry("x", "bc"), new java.util.AbstractMap.SimpleEntry<>("y", null));
        assertThat(second).hasSize(100).containsEntry("c0", "v0").containsEntry("c99", "v99");
        assertThat(third).containsExactly(Map.entry("z", "1"));
    }

    @Test
    void shouldRefuseANameTwiceInARowButNotInTheNextOne() {
        TextRow.Builder builder = new TextRow.Builder();
        for (int k = 0; k < 200; k++) {  // past the first tables, so that the names are hashed again
            builder.append("c" + k, "v");
        }
        assertThatThrownBy(() -> builder.name(new String("c150".toCharArray())))
                .isInstanceOf(TextRow.DuplicateNameException.class)
                .extracting(e -> ((TextRow.DuplicateNameException) e).name()).isEqualTo("c150");
        // nothing of the refused cell was kept
        assertThat(builder.append("x", "1").build()).hasSize(201).containsEntry("c199", "v").containsEntry("x", "1");

        TextRow next = builder.reset().append("c150", "1").append("c7", "2").build();
        assertThat(next).containsExactly(Map.entry("c150", "1"), Map.entry("c7", "2"));
        assertThatThrownBy(() -> builder.reset().append("b", "1").append("a", "2").append("b", "3"))
                .isInstanceOf(TextRow.DuplicateNameException.class);
    }

    @Test
    void shouldEncodeTextRowsAsTheMapsTheyHold() {
        Dataset data = TinyData.censusSlice();
        RawEncoder encoder = new RawEncoder(FeatureTransform.fit(data, data.rows(Split.TRAIN)));
        List<Map<String, String>> maps = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < data.rowCount(); i++) {
            Map<String, String> cells = new HashMap<>(data.rawRow(i));
            cells.remove("age");  // absent: missing
            cells.put("sex", i % 3 == 0 ? null : i % 3 == 1 ? " ? " : cells.get("sex"));
            maps.add(cells);
            rows.add(TextRow.of(cells));
        }

        assertThat(encoder.encodeRows(rows)).usingRecursiveComparison().isEqualTo(encoder.encodeRows(maps));
    }
}
