package io.mptrec.model.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCsvTests {

    @TempDir
    Path dir;

    /** A spreadsheet's byte order mark is not part of the first column's name; a column named twice is refused. */
    @Test
    void shouldReadAHeaderWithAByteOrderMarkAndRefuseAColumnNamedTwice() throws Exception {
        Path bom = Files.writeString(dir.resolve("bom.csv"), "\uFEFFage,sex\n40,f\n");
        assertThat(ScoreCommand.readCsv(bom)).containsExactly(Map.of("age", "40", "sex", "f"));
        Path twice = Files.writeString(dir.resolve("twice.csv"), "age,sex,age\n40,f,41\n");
        assertThatThrownBy(() -> ScoreCommand.readCsv(twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(twice + ":1: column 'age' appears twice in the header");
        assertThat(ScoreCommand.readCsv(Files.writeString(dir.resolve("plain.csv"), "age\n40\n")))
                .isEqualTo(List.of(Map.of("age", "40")));
    }
}
