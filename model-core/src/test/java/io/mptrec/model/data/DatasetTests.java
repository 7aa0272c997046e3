package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class DatasetTests {

    @TempDir
    Path folder;

    @Test
    void shouldLoadValuesLabelsAndSplits() {
        Dataset data = TinyData.load(folder);

        assertThat(data.rowCount()).isEqualTo(8);
        assertThat(data.dataFile()).isEqualTo(folder.resolve("data.csv"));
        assertThat(data.tasks()).containsExactly("buyer");
        assertThat(data.numeric(1, 0)).isEqualTo(40f);
        assertThat(data.numeric(4, 0)).isNaN();
        assertThat(data.categorical(1, 0)).isEqualTo("blue");
        assertThat(data.categorical(5, 0)).isNull();
        assertThat(data.labels("buyer", new int[] {0, 1, 2, 3, 4, 5, 6, 7}))
                .containsExactly(1f, 0f, 1f, 0f, 0f, 1f, 0f, 1f);
        assertThat(data.label("buyer", 7)).isEqualTo(1f);
        assertThat(data.rows(Split.TRAIN)).containsExactly(0, 1, 4, 5);
        assertThat(data.rows(Split.VALIDATION)).containsExactly(2, 6);
        assertThat(data.rows(Split.TEST)).containsExactly(3, 7);
    }

    @Test
    void shouldGiveRawRowsAsReadWithMissingTokens() {
        Dataset data = TinyData.load(folder);

        assertThat(data.rawRow(4)).containsExactly(entry("age", "?"), entry("color", "red"), entry("bought", "no"));
    }

    @Test
    void shouldKeepSurroundingSpacesWhenTrimIsOff() {
        Dataset data = TinyData.load(folder, TinyData.SCHEMA.replace("\"trim\": true", "\"trim\": false"),
                TinyData.DATA.replace("30, red, yes", "30, red,yes").replace(", yes", ",yes").replace(", no", ",no"));

        assertThat(data.categorical(0, 0)).isEqualTo(" red");
    }

    @Test
    void shouldReadQuotedFieldsThatHoldTheDelimiter() {
        Dataset data = TinyData.load(folder, TinyData.SCHEMA, TinyData.DATA.replace("40, blue, no", "40, \"blue, light\", no"));

        assertThat(data.categorical(1, 0)).isEqualTo("blue, light");
        assertThat(data.rowCount()).isEqualTo(8);
    }

    @Test
    void shouldNameTheLineOfAnUnterminatedQuote() {
        assertDataError(TinyData.DATA.replace("60, red, no", "60, \"red, no"), 4, "invalid quoting");
    }

    @Test
    void shouldRejectUnknownTask() {
        Dataset data = TinyData.load(folder);

        assertThatThrownBy(() -> data.label("nope", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown task 'nope'");
    }

    @Test
    void shouldResolveSchemaDataFileAgainstSchemaFolderAndReadGzipBySuffix() throws IOException {
        Path sub = Files.createDirectory(folder.resolve("sub"));
        gzip(sub.resolve("tiny.csv.gz"), TinyData.DATA);
        Path schemaFile = TinyData.write(sub, "schema.json",
                TinyData.SCHEMA.replace("\"name\": \"tiny\",", "\"name\": \"tiny\", \"file\": \"tiny.csv.gz\","));

        Dataset data = Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null);

        assertThat(data.dataFile()).isEqualTo(sub.resolve("tiny.csv.gz"));
        assertThat(data.rowCount()).isEqualTo(8);
        assertThat(data.categorical(7, 0)).isEqualTo("purple");
    }

    @Test
    void shouldReadHeaderWhenFormatSaysSo() {
        Dataset data = TinyData.load(folder, TinyData.SCHEMA.replace("\"trim\": true", "\"trim\": true, \"header\": true"),
                "age, color, bought\n" + TinyData.DATA);

        assertThat(data.rowCount()).isEqualTo(8);
        assertThat(data.numeric(0, 0)).isEqualTo(30f);
    }

    @Test
    void shouldSkipBlankLines() {
        Dataset data = TinyData.load(folder, TinyData.SCHEMA, TinyData.DATA.replace("60, red, no\n", "60, red, no\n\n") + "\n");

        assertThat(data.rowCount()).isEqualTo(8);
        assertThat(data.numeric(4, 0)).isNaN();
    }

    @Test
    void shouldFingerprintDataBytesAndCanonicalSchema() throws Exception {
        Dataset data = TinyData.load(folder);
        String dataHash = sha256(TinyData.DATA.getBytes(StandardCharsets.UTF_8));
        String schemaHash = sha256(data.schema().canonicalJson().getBytes(StandardCharsets.UTF_8));

        assertThat(data.dataSha256()).isEqualTo(dataHash);
        assertThat(data.fingerprint()).isEqualTo(sha256((dataHash + schemaHash).getBytes(StandardCharsets.UTF_8)));
        assertThat(TinyData.load(folder).fingerprint()).isEqualTo(data.fingerprint());
        assertThat(TinyData.load(folder, TinyData.SCHEMA.replace("[\"?\"]", "[\"?\", \"NA\"]"), TinyData.DATA)
                .fingerprint()).isNotEqualTo(data.fingerprint());
        assertThat(TinyData.load(folder, TinyData.SCHEMA, TinyData.DATA + "33, red, no\n").fingerprint())
                .isNotEqualTo(data.fingerprint());
    }

    @Test
    void shouldRejectWrongFieldCount() {
        assertDataError(TinyData.DATA.replace("50, green, yes", "50, green"), 3, "expected 3 fields, found 2");
        assertDataError(TinyData.DATA.replace("50, green, yes", "50, green, yes, 1"), 3, "expected 3 fields, found 4");
    }

    @Test
    void shouldRejectUnparsableNumber() {
        assertDataError(TinyData.DATA.replace("40, blue", "4O, blue"), 2, "column 'age' is numeric but has '4O'");
        assertDataError(TinyData.DATA.replace("40, blue", "NaN, blue"), 2, "column 'age' is numeric but has 'NaN'");
        assertDataError(TinyData.DATA.replace("40, blue", ", blue"), 2, "column 'age' is numeric but has ''");
    }

    @Test
    void shouldRejectHeaderNotMatchingColumns() {
        Path schemaFile = TinyData.write(folder, "schema.json",
                TinyData.SCHEMA.replace("\"trim\": true", "\"trim\": true, \"header\": true"));
        Path dataFile = TinyData.write(folder, "data.csv", "age, colour, bought\n" + TinyData.DATA);

        assertError(schemaFile, dataFile, 1, "does not match the schema columns");
    }

    @Test
    void shouldRejectEmptySplit() {
        assertDataError("30, red, yes\n40, blue, no\n50, green, yes\n", 0, "the test split is empty");
    }

    @Test
    void shouldRejectSingleClassInTrain() {
        assertDataError(TinyData.DATA.replace("20, ?, yes", "20, ?, no").replace("30, red, yes", "30, red, no"),
                0, "label 'buyer' has a single class (0) in the train split");
    }

    @Test
    void shouldRejectSingleClassInValidation() {
        assertDataError(TinyData.DATA.replace("35, blue, no", "35, blue, yes"),
                0, "label 'buyer' has a single class (1) in the validation split");
    }

    @Test
    void shouldRejectLabelComparingNumberWithText() {
        Path schemaFile = TinyData.write(folder, "schema.json",
                TinyData.SCHEMA.replace("bought == \\\"yes\\\"", "color > 3")
                        .replace("\"name\": \"tiny\",", "\"name\": \"tiny\", \"labelsMayReadInputs\": true,"));
        Path dataFile = TinyData.write(folder, "data.csv", TinyData.DATA);

        assertError(schemaFile, dataFile, 0, "label 'buyer' on row 0: column 'color' has value 'red', which is not a number");
    }

    @Test
    void shouldRejectMissingDataFile() {
        Path schemaFile = TinyData.write(folder, "schema.json", TinyData.SCHEMA);

        assertThatThrownBy(() -> Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.file()).isEqualTo(schemaFile);
                    assertThat(e.reason()).isEqualTo("no data file given and the schema names none");
                });
        assertError(schemaFile, folder.resolve("absent.csv"), 0, "cannot read the data file");
    }

    @Test
    void shouldLoadCensusSliceWithBothClassesOfEveryLabelInTrainAndValidation() {
        Dataset data = TinyData.censusSlice();

        assertThat(data.rowCount()).isEqualTo(4000);
        assertThat(data.tasks()).containsExactly("income", "marital", "education");
        assertThat(data.numericFeatures()).hasSize(7);
        assertThat(data.categoricalFeatures()).hasSize(31);
        assertThat(data.rows(Split.TRAIN)).hasSize(3200);
        assertThat(data.rows(Split.VALIDATION)).hasSize(400).startsWith(8, 18);
        assertThat(data.rows(Split.TEST)).hasSize(400).startsWith(9, 19);
        assertThat(positives(data, "income", Split.TRAIN)).isEqualTo(189);
        assertThat(positives(data, "income", Split.VALIDATION)).isEqualTo(26);
        assertThat(positives(data, "marital", Split.TRAIN)).isEqualTo(1417);
        assertThat(positives(data, "marital", Split.VALIDATION)).isEqualTo(182);
        assertThat(positives(data, "education", Split.TRAIN)).isEqualTo(284);
        assertThat(positives(data, "education", Split.VALIDATION)).isEqualTo(36);
        // First line of the file: "38, Private, 6, 36, 1st 2nd 3rd or 4th grade, 0, ..., 1032.38, ?, ..."
        assertThat(data.numeric(0, 0)).isEqualTo(38f);
        assertThat(data.categorical(0, 0)).isEqualTo("Private");
        assertThat(data.rawRow(0)).containsEntry("instance_weight", "1032.38").containsEntry("mig_chg_msa", "?")
                .containsEntry("income_50k", "- 50000.");
        assertThat(data.categorical(0, data.categoricalFeatures().indexOf("mig_chg_msa"))).isNull();
    }

    private static int positives(Dataset data, String task, Split split) {
        float sum = 0;
        for (float y : data.labels(task, data.rows(split))) {
            sum += y;
        }
        return (int) sum;
    }

    private void assertDataError(String data, long line, String reason) {
        Path schemaFile = TinyData.write(folder, "schema.json", TinyData.SCHEMA);
        assertError(schemaFile, TinyData.write(folder, "data.csv", data), line, reason);
    }

    private static void assertError(Path schemaFile, Path dataFile, long line, String reason) {
        DatasetSchema schema = DatasetSchema.load(schemaFile);
        assertThatThrownBy(() -> Dataset.load(schema, schemaFile, dataFile))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.file()).isEqualTo(dataFile);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.reason()).contains(reason);
                });
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
