package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An encoder reads its input columns by position, so a dataset whose schema lists other columns must be refused
 * before a row is encoded, naming the first column that differs: one kind of mismatch per test.
 */
class InputContractTests {

    /** Fitted on: numeric age, height; categorical color, size. */
    private static final FeatureTransform ENCODER = new FeatureTransform(
            List.of(new NumericScaling("age", 0f, 100f), new NumericScaling("height", 100f, 200f)),
            List.of(new Vocabulary("color", List.of("blue", "red")), new Vocabulary("size", List.of("L", "S"))),
            List.of("?"));

    @Test
    void sameColumnsInTheSameOrderPass() {
        ENCODER.requireInputs(List.of("age", "height"), List.of("color", "size"));
    }

    @Test
    void aMissingColumnIsNamed() {
        assertMismatch(List.of("age"), List.of("color", "size"), "height", "no numeric column of that name");
    }

    @Test
    void anExtraColumnIsNamed() {
        assertMismatch(List.of("age", "height"), List.of("color", "size", "shape"), "shape",
                "beyond the encoder's 2 categorical columns");
    }

    @Test
    void aColumnWithAnotherRoleIsNamed() {
        assertMismatch(List.of("age"), List.of("height", "color", "size"), "height",
                "the encoder reads it as numeric, the schema as categorical");
    }

    @Test
    void aColumnSwitchedToIgnoredIsNamed() {
        assertMismatch(List.of("age", "height"), List.of("size"), "color", "no categorical column of that name");
    }

    @Test
    void anotherOrderIsNamed() {
        assertMismatch(List.of("height", "age"), List.of("color", "size"), "age",
                "in another position (numeric column 2)");
    }

    @Test
    void sameCountButOtherColumnsIsNamed() {
        // the case that used to pass silently: as many columns as the encoder, but not the same ones
        assertMismatch(List.of("age", "weight"), List.of("color", "size"), "height", "no numeric column");
    }

    @Test
    void encodingADatasetChecksTheContractFirst(@TempDir Path folder) throws IOException {
        Dataset tiny = TinyData.load(folder);
        FeatureTransform fitted = FeatureTransform.fit(tiny, tiny.rows(Split.TRAIN));
        String swapped = TinyData.SCHEMA.replace("""
                {"name": "age", "role": "numeric"}""", """
                {"name": "age", "role": "categorical"}""");
        Dataset other = TinyData.load(Files.createDirectory(folder.resolve("other")), swapped, TinyData.DATA);

        assertThatThrownBy(() -> fitted.encode(other, other.rows(Split.TEST)))
                .isInstanceOfSatisfying(InputMismatchException.class, e -> assertThat(e.field()).isEqualTo("age"))
                .hasMessageContaining("the encoder reads it as numeric, the schema as categorical");
        assertThat(fitted.encode(tiny, tiny.rows(Split.TEST)).rows()).isEqualTo(2);
    }

    @Test
    void rawRowsNeedEveryColumnTheEncoderReads() {
        ENCODER.requireColumns(Set.of("age", "height", "color", "size", "extra"));
        assertThatThrownBy(() -> ENCODER.requireColumns(Set.of("age", "color", "size")))
                .isInstanceOfSatisfying(InputMismatchException.class, e -> assertThat(e.field()).isEqualTo("height"))
                .hasMessageContaining("the input has no such column");
    }

    private static void assertMismatch(List<String> numeric, List<String> categorical, String field, String reason) {
        assertThatThrownBy(() -> ENCODER.requireInputs(numeric, categorical))
                .isInstanceOfSatisfying(InputMismatchException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining("first at column '" + field + "'")
                .hasMessageContaining(reason);
    }
}
