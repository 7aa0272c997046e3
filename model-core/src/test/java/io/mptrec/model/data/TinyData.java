package io.mptrec.model.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared fixtures: a tiny schema and data file written into a test's temporary folder, and the census slice. */
final class TinyData {

    /** Line numbers matter: tests point at them. */
    static final String SCHEMA = """
            {
              "name": "tiny",
              "format": {"delimiter": ",", "missingTokens": ["?"], "trim": true},
              "columns": [
                {"name": "age", "role": "numeric"},
                {"name": "color", "role": "categorical"},
                {"name": "bought", "role": "ignored"}
              ],
              "labels": {"buyer": "bought == \\"yes\\""},
              "split": {"type": "modulo", "modulus": 4, "validation": [2], "test": [3]}
            }
            """;

    /** Train rows 0, 1, 4, 5; validation 2, 6; test 3, 7. */
    static final String DATA = """
            30, red, yes
            40, blue, no
            50, green, yes
            60, red, no
            ?, red, no
            20, ?, yes
            35, blue, no
            45, purple, yes
            """;

    private TinyData() {
    }

    static Path write(Path folder, String name, String text) {
        try {
            return Files.writeString(folder.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dataset load(Path folder, String schema, String data) {
        Path schemaFile = write(folder, "schema.json", schema);
        return Dataset.load(DatasetSchema.load(schemaFile), schemaFile, write(folder, "data.csv", data));
    }

    static Dataset load(Path folder) {
        return load(folder, SCHEMA, DATA);
    }

    static Path censusSliceSchema() {
        try {
            return Path.of(TinyData.class.getResource("/census-slice/schema.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Dataset censusSlice() {
        Path schemaFile = censusSliceSchema();
        return Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null);
    }
}
