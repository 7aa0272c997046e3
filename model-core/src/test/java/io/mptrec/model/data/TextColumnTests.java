package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextColumnTests {

    @Test
    void shouldHoldTheValuesItWasGiven() {
        List<String> values = Arrays.asList("Private", null, "", " 35 ", "Not in universe", null, "\u00e9t\u00e9 \ud83d\ude00");

        TextColumn column = TextColumn.of(values);

        assertThat(column).containsExactlyElementsOf(values).hasSize(7);
        assertThat(column.isNull(1)).isTrue();
        assertThat(column.isNull(2)).isFalse();
        assertThat(new String(column.chars(), column.start(4), column.end(4) - column.start(4))).isEqualTo("Not in universe");
        assertThat(TextColumn.of(column)).isSameAs(column);
        assertThat(column.length()).as("every value's characters, a null none")
                .isEqualTo(values.stream().mapToInt(v -> v == null ? 0 : v.length()).sum());
        assertThat(TextColumn.of(List.of())).isEmpty();
        assertThat(TextColumn.of(List.of()).length()).isZero();
        assertThatThrownBy(() -> column.isNull(7)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> column.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldBuildColumnAfterColumnWithOneBuilder() {
        TextColumn.Builder builder = new TextColumn.Builder();
        char[] chars = "xxabcyy".toCharArray();
        TextColumn first = builder.append(chars, 2, 3).appendNull().append("d").build();
        List<String> many = new ArrayList<>();
        builder.reset();
        for (int i = 0; i < 1000; i++) {  // beyond the builder's first arrays
            many.add("v" + i);
            builder.append("v" + i);
        }
        TextColumn second = builder.build();
        TextColumn third = builder.reset().append("e").build();

        assertThat(first).containsExactly("abc", null, "d");
        assertThat(second).containsExactlyElementsOf(many);
        assertThat(third).containsExactly("e");
        assertThat(third.isNull(0)).isFalse();
    }

    @Test
    void shouldGiveTheZerosZeroAfterTheWords() {
        TextIndex index = new TextIndex(List.of("a", "?", "bb", "a"), 1, List.of("?", "NA", ""));
        Map<String, Integer> expected = Map.of("a", 4, "bb", 3, "?", 0, "NA", 0, "", 0, "c", -1, "abc", -1);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            char[] text = ("[" + e.getKey() + "]").toCharArray();
            assertThat(index.get(text, 1, text.length - 1, -1)).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void shouldFindWordsByRangeAsAMapFindsThem() {
        SplittableRandom random = new SplittableRandom(5);
        List<String> words = new ArrayList<>();
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String word = Integer.toString(random.nextInt(500), 7) + (i % 3 == 0 ? "" : " word");
            words.add(word);
            map.put(word, i + 1);  // a repeated word keeps its last number, as put does
        }
        TextIndex index = new TextIndex(words, 1);

        for (int i = 0; i < 2000; i++) {
            String word = Integer.toString(random.nextInt(600), 7) + (random.nextBoolean() ? "" : " word");
            char[] text = ("<<" + word + ">>").toCharArray();
            int hash = TextIndex.hash(text, 2, 2 + word.length());
            assertThat(hash).isEqualTo(word.hashCode());
            assertThat(index.get(text, 2, 2 + word.length(), hash, 0)).as(word).isEqualTo(map.getOrDefault(word, 0));
            assertThat(index.get(text, 2, 2 + word.length(), 0)).as(word).isEqualTo(map.getOrDefault(word, 0));
        }
        for (int length = 0; length <= 13; length++) {  // every remainder of the four-at-a-time hash
            String word = "\u00e9abcdefghijklmnop".substring(0, length);
            assertThat(TextIndex.hash(("x" + word).toCharArray(), 1, 1 + length)).as(word).isEqualTo(word.hashCode());
        }
        assertThat(new TextIndex(List.of(), 1).get("abc".toCharArray(), 0, 3, "abc".hashCode(), -1)).isEqualTo(-1);
        assertThat(new TextIndex(List.of(""), 1).get("abc".toCharArray(), 1, 1, 0, 0)).isEqualTo(1);
    }
}
