package io.mptrec.model.data;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a delimited text file is read: fields quoted as RFC 4180 says may hold the delimiter ({@link DelimitedReader}).
 *
 * @param delimiter     the literal string between fields
 * @param header        whether the first line names the columns (it must then match the schema)
 * @param encoding      charset name, e.g. "UTF-8"
 * @param gzip          whether the file is gzip-compressed; null decides by the ".gz" suffix
 * @param missingTokens values (after trimming) that mean "missing"
 * @param trim          whether surrounding whitespace is stripped from each field
 */
public record FileFormat(String delimiter, boolean header, String encoding, Boolean gzip,
                         List<String> missingTokens, boolean trim) {

    public FileFormat {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        Objects.requireNonNull(encoding, "encoding");
        missingTokens = List.copyOf(missingTokens);
    }

    public Charset charset() {
        return Charset.forName(encoding);
    }

    public boolean isGzip(Path file) {
        return gzip != null ? gzip : file.getFileName().toString().endsWith(".gz");
    }

    public boolean isMissing(String value) {
        return value == null || missingTokens.contains(value);
    }
}
