package io.mptrec.model.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class FailuresTests {

    /** What went wrong and with what, once, without Java's class names ("java.io.IOException: Is a directory"). */
    @Test
    void shouldSayWhatFailedInWords() {
        assertThat(Failures.reason(new UncheckedIOException("cannot read x.csv", new NoSuchFileException("x.csv"))))
                .isEqualTo("cannot read x.csv: no such file or folder: x.csv");
        assertThat(Failures.reason(new UncheckedIOException("cannot read in", new IOException("Is a directory"))))
                .isEqualTo("cannot read in: Is a directory");
        assertThat(Failures.reason(new UncheckedIOException("cannot write r.json: disk full",
                new IOException("disk full")))).isEqualTo("cannot write r.json: disk full");
        assertThat(Failures.reason(new IllegalStateException())).isEqualTo("failed (IllegalStateException)");
        assertThat(Failures.reason(new IOException("Is a directory"))).doesNotContain("java.");
        IOException json = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"a\": tru}"));
        String reason = Failures.reason(new IllegalArgumentException("m/manifest.json is not valid JSON: "
                + json.getMessage(), json));
        assertThat(reason).startsWith("m/manifest.json is not valid JSON: Unrecognized token 'tru'")
                .contains("(line 1, column ").doesNotContain("Source").doesNotContain("REDACTED");
    }
}
