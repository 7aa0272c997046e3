package io.mptrec.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetSchemaTests {

    @TempDir
    Path folder;

    @Test
    void shouldLoadSchemaWithDefaults() {
        DatasetSchema schema = DatasetSchema.load(TinyData.write(folder, "schema.json", TinyData.SCHEMA));

        assertThat(schema.name()).isEqualTo("tiny");
        assertThat(schema.file()).isNull();
        assertThat(schema.format()).isEqualTo(new FileFormat(",", false, "UTF-8", null, List.of("?"), true));
        assertThat(schema.columns()).containsExactly(new ColumnSpec("age", ColumnRole.NUMERIC),
                new ColumnSpec("color", ColumnRole.CATEGORICAL), new ColumnSpec("bought", ColumnRole.IGNORED));
        assertThat(schema.numericFeatures()).containsExactly("age");
        assertThat(schema.categoricalFeatures()).containsExactly("color");
        assertThat(schema.labels()).containsExactly(org.assertj.core.api.Assertions.entry("buyer", "bought == \"yes\""));
        assertThat(schema.split()).isEqualTo(new SplitRule.Modulo(4, List.of(2), List.of(3)));
    }

    @Test
    void shouldLoadCensusSliceSchemaWithFeaturesInColumnOrder() {
        DatasetSchema schema = DatasetSchema.load(TinyData.censusSliceSchema());

        assertThat(schema.columns()).hasSize(42);
        assertThat(schema.file()).isEqualTo("census-slice.csv.gz");
        assertThat(schema.numericFeatures()).containsExactly("age", "wage_per_hour", "capital_gains",
                "capital_losses", "stock_dividends", "num_emp", "weeks_worked");
        assertThat(schema.categoricalFeatures()).hasSize(31).startsWith("class_worker", "det_ind_code")
                .doesNotContain("instance_weight", "income_50k", "marital_stat", "education");
        assertThat(schema.labels().keySet()).containsExactly("income", "marital", "education");
    }

    @Test
    void shouldWriteCanonicalJsonWithSortedKeysAndOrderedLabels() {
        DatasetSchema schema = DatasetSchema.load(TinyData.write(folder, "schema.json", TinyData.SCHEMA));

        assertThat(schema.canonicalJson()).isEqualTo("{\"columns\":[{\"name\":\"age\",\"role\":\"numeric\"},"
                + "{\"name\":\"color\",\"role\":\"categorical\"},{\"name\":\"bought\",\"role\":\"ignored\"}],"
                + "\"format\":{\"delimiter\":\",\",\"encoding\":\"UTF-8\",\"gzip\":null,\"header\":false,"
                + "\"missingTokens\":[\"?\"],\"trim\":true},"
                + "\"labels\":[{\"expression\":\"bought == \\\"yes\\\"\",\"task\":\"buyer\"}],\"name\":\"tiny\","
                + "\"split\":{\"modulus\":4,\"test\":[3],\"type\":\"modulo\",\"validation\":[2]}}");
    }

    @Test
    void shouldNotChangeCanonicalJsonWithKeyOrderOrDataFile() {
        String reordered = TinyData.SCHEMA
                .replace("\"name\": \"tiny\",", "\"file\": \"elsewhere.csv\", \"name\": \"tiny\",")
                .replace("{\"delimiter\": \",\", \"missingTokens\": [\"?\"], \"trim\": true}",
                        "{\"trim\": true, \"missingTokens\": [\"?\"], \"delimiter\": \",\"}");
        DatasetSchema a = DatasetSchema.load(TinyData.write(folder, "a.json", TinyData.SCHEMA));
        DatasetSchema b = DatasetSchema.load(TinyData.write(folder, "b.json", reordered));

        assertThat(b.file()).isEqualTo("elsewhere.csv");
        assertThat(b.canonicalJson()).isEqualTo(a.canonicalJson());
    }

    @Test
    void shouldLoadRatioSplit() {
        String ratio = TinyData.SCHEMA.replace(
                "{\"type\": \"modulo\", \"modulus\": 4, \"validation\": [2], \"test\": [3]}",
                "{\"type\": \"ratio\", \"seed\": 7, \"validation\": 0.1, \"test\": 0.2}");

        DatasetSchema schema = DatasetSchema.load(TinyData.write(folder, "schema.json", ratio));

        assertThat(schema.split()).isEqualTo(new SplitRule.Ratio(7, 0.1, 0.2));
    }

    /** Each row: what to replace in the tiny schema, by what, the expected line and a part of the reason. */
    @ParameterizedTest(name = "{index}: {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            '"name": "tiny",'             | '"name": "tiny"'                 | 3  | invalid JSON
            '"trim": true}'               | '"trim": tru}'                   | 3  | invalid JSON
            '"name": "bought"'            | '"name": "age"'                  | 7  | duplicate column 'age'
            '"name": "bought", "role"'    | '"name": "bought", "name": "x", "role"' | 7 | duplicate key 'name'
            '"role": "categorical"'       | '"role": "text"'                 | 6  | unknown role 'text' of column 'color'
            '"role": "categorical"'       | '"role": "Categorical"'          | 6  | unknown role 'Categorical'
            'bought == '                  | 'boughtt == '                    | 9  | label 'buyer': unknown column 'boughtt'
            'bought == '                  | 'bought === '                    | 9  | label 'buyer': expected a string or a number
            '"labels": {"buyer": '        | '"labels": {"x": "age >", "buyer": ' | 9 | label 'x': expected a string or a number
            '"trim": true'                | '"trim": true, "quote": "x"'     | 3  | unknown key 'quote'
            '"trim": true'                | '"trim": "yes"'                  | 3  | expected true or false
            '"trim": true'                | '"trim": true, "encoding": "NOPE-8"' | 3 | unknown encoding 'NOPE-8'
            '"name": "tiny",'             | ''                               | 1  | missing 'name'
            '"name": "tiny",'             | '"name": " ",'                    | 2  | the dataset needs a name
            '"validation": [2]'           | '"validation": [4]'              | 10 | residue 4 is outside 0..3
            '"validation": [2]'           | '"validation": [3]'              | 10 | validation and test residues overlap
            '"type": "modulo"'            | '"type": "random"'               | 10 | unknown split type 'random'
            '"modulus": 4'                | '"modulus": 4.5'                 | 10 | expected an integer
            '{"buyer": "bought == \\"yes\\""}' | '{}'                       | 9  | no labels
            'bought == '                  | 'color == '                      | 9  | label 'buyer' reads column 'color', which is categorical
            'bought == '                  | 'age > 3 || bought == '          | 9  | label 'buyer' reads column 'age', which is numeric
            '"name": "tiny",'             | '"name": "tiny", "labelsMayReadInputs": 1,' | 2 | expected true or false
            '"role": "numeric"}'          | '"role": "numeric", "encoding": "log"}' | 5 | unknown encoding 'log' of column 'age'
            '"role": "categorical"}'      | '"role": "categorical", "encoding": "quantile_bucket"}' | 6 | encoding applies to numeric columns only
            '"role": "numeric"}'          | '"role": "numeric", "bins": 8}'  | 5  | bins apply to the piecewise_linear and quantile_bucket encodings only
            '"role": "numeric"}'          | '"role": "numeric", "encoding": "piecewise_linear", "bins": 1}' | 5 | bins must be 2 to 256, was 1
            '"role": "numeric"}'          | '"role": "numeric", "encoding": "quantile_bucket", "bins": 257}' | 5 | bins must be 2 to 256, was 257
            '"role": "numeric"}'          | '"role": "numeric", "encoding": "quantile_bucket", "bins": "8"}' | 5 | expected an integer
            """)
    void shouldRejectMalformedSchema(String replaced, String replacement, long line, String reason) {
        String text = TinyData.SCHEMA.replace(replaced, replacement);
        assertThat(text).as("the test case must change the schema").isNotEqualTo(TinyData.SCHEMA);
        Path file = TinyData.write(folder, "schema.json", text);

        assertThatThrownBy(() -> DatasetSchema.load(file))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.getMessage()).startsWith(file + ":" + line + ": ");
                });
    }

    /** A binned column names its encoding and bins in the canonical form; a scaled one names neither (old fingerprints hold). */
    @Test
    void shouldReadANumericColumnsEncodingWithDefaultBins() {
        DatasetSchema scaled = DatasetSchema.load(TinyData.write(folder, "schema.json", TinyData.SCHEMA));
        String binnedText = TinyData.SCHEMA.replace("{\"name\": \"age\", \"role\": \"numeric\"}",
                "{\"name\": \"age\", \"role\": \"numeric\", \"encoding\": \"piecewise_linear\"}");
        DatasetSchema binned = DatasetSchema.load(TinyData.write(folder, "binned.json", binnedText));

        assertThat(scaled.column("age").encoding()).isEqualTo(NumericEncoding.SCALED);
        assertThat(scaled.column("age").bins()).isZero();
        assertThat(scaled.canonicalJson()).contains("{\"name\":\"age\",\"role\":\"numeric\"}").doesNotContain("bins");
        assertThat(binned.column("age").encoding()).isEqualTo(NumericEncoding.PIECEWISE_LINEAR);
        assertThat(binned.column("age").bins()).isEqualTo(NumericEncoding.DEFAULT_BINS);
        assertThat(binned.canonicalJson()).contains("\"encoding\":\"piecewise_linear\"", "\"bins\":16");
    }

    @Test
    void shouldLetALabelReadAnInputColumnOnlyWhenTheSchemaSaysSo() {
        String leaking = TinyData.SCHEMA.replace("bought == ", "color == ");
        String optedIn = leaking.replace("\"name\": \"tiny\",", "\"name\": \"tiny\", \"labelsMayReadInputs\": true,");

        DatasetSchema schema = DatasetSchema.load(TinyData.write(folder, "schema.json", optedIn));

        assertThat(schema.labelsMayReadInputs()).isTrue();
        assertThat(schema.canonicalJson()).contains("\"labelsMayReadInputs\":true");
        assertThatThrownBy(() -> new DatasetSchema("tiny", null, schema.format(), schema.columns(), schema.labels(),
                schema.split())).hasMessageContaining("label 'buyer' reads column 'color'");
        // off by default and then absent from the canonical form, so that the fingerprints of existing schemas hold
        assertThat(DatasetSchema.load(TinyData.write(folder, "plain.json", TinyData.SCHEMA)).canonicalJson())
                .doesNotContain("labelsMayReadInputs");
    }

    @Test
    void shouldRejectMissingSchemaFile() {
        Path file = folder.resolve("absent.json");

        assertThatThrownBy(() -> DatasetSchema.load(file))
                .isInstanceOfSatisfying(DatasetException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.line()).isZero();
                    assertThat(e.reason()).startsWith("cannot read the schema file");
                });
    }
}
