package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetExceptionTests {

    @Test
    void shouldFormatMessageAsFileLineReason() {
        DatasetException e = new DatasetException(Path.of("data", "x.csv"), 12, "expected 3 fields, found 2");

        assertThat(e.getMessage()).isEqualTo(Path.of("data", "x.csv") + ":12: expected 3 fields, found 2");
        assertThat(e.file()).isEqualTo(Path.of("data", "x.csv"));
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.reason()).isEqualTo("expected 3 fields, found 2");
    }
}
