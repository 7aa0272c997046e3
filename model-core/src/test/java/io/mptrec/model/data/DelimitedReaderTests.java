package io.mptrec.model.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DelimitedReaderTests {

    /** Each record as "line: field|field|...". */
    private static List<String> read(String text, String delimiter, boolean trim) throws IOException {
        List<String> records = new ArrayList<>();
        try (DelimitedReader reader = new DelimitedReader(new StringReader(text), delimiter, trim)) {
            String[] fields;
            while ((fields = reader.next()) != null) {
                records.add(reader.line() + ": " + String.join("|", fields));
            }
        }
        return records;
    }

    @Test
    void shouldUnquoteFieldsThatHoldTheDelimiterAsRfc4180Says() throws IOException {
        assertThat(read("0,full_active,\"[100,1k)\",34,\"[30,60)\"\n1,\"say \"\"hi\"\"\",a\"b,\"\",x\n", ",", false))
                .containsExactly("1: 0|full_active|[100,1k)|34|[30,60)", "2: 1|say \"hi\"|a\"b||x");
    }

    @Test
    void shouldCountLinesAcrossBlankLinesCrLfAndQuotedLineBreaks() throws IOException {
        assertThat(read("a,b\r\n\r\nc,\"d\ne\"\n\nf,g\rh,i", ",", false))
                .containsExactly("1: a|b", "3: c|d\ne", "6: f|g", "7: h|i");
    }

    @Test
    void shouldTrimOutsideAndInsideQuotesWhenAsked() throws IOException {
        assertThat(read("38, Private, \"a, b\" , ?\n", ",", true)).containsExactly("1: 38|Private|a, b|?");
        assertThat(read("38, Private\n", ",", false)).containsExactly("1: 38| Private");
    }

    @Test
    void shouldSplitOnAMultiCharacterDelimiter() throws IOException {
        assertThat(read("a::b::\"c::d\"\n", "::", false)).containsExactly("1: a|b|c::d");
    }

    @Test
    void shouldNameTheLineOfAnUnterminatedQuote() {
        assertThatThrownBy(() -> read("a,b\nc,d\ne,\"f\ng,h\n", ",", false))
                .isInstanceOfSatisfying(DelimitedReader.MalformedException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).startsWith("invalid quoting");
                });
    }
}
