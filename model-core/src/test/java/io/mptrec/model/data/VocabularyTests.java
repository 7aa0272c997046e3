package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocabularyTests {

    @Test
    void shouldReserveIndexZeroForUnseenAndMissing() {
        Vocabulary vocabulary = new Vocabulary("color", List.of("blue", "red"));

        assertThat(vocabulary.indexOf("blue")).isEqualTo(1);
        assertThat(vocabulary.indexOf("red")).isEqualTo(2);
        assertThat(vocabulary.indexOf("green")).isZero();
        assertThat(vocabulary.indexOf(null)).isZero();
        assertThat(vocabulary.size()).isEqualTo(3);
    }

    @Test
    void shouldRejectUnsortedOrDuplicateValues() {
        assertThatThrownBy(() -> new Vocabulary("c", List.of("red", "blue"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Vocabulary("c", List.of("red", "red"))).isInstanceOf(IllegalArgumentException.class);
    }
}
