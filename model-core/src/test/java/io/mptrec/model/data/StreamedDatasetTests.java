package io.mptrec.model.data;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streamed reading gives what the in-memory one gives: transform, encoded rows, labels, users, identity. */
class StreamedDatasetTests {

    @TempDir
    Path folder;

    @Test
    void shouldEncodeARecommenderLogAsTheDatasetDoes() {
        Path schema = writeLog(RecommenderLogTests.LOG);

        assertSameAsDataset(schema, List.of("click"));
    }

    @Test
    void shouldEncodeTheCensusSliceAsTheDatasetDoes() throws URISyntaxException {
        Path schema = Path.of(getClass().getResource("/census-slice/schema.json").toURI());

        assertSameAsDataset(schema, List.of("marital", "income"));
    }

    private void assertSameAsDataset(Path schemaFile, List<String> tasks) {
        DatasetSchema schema = DatasetSchema.load(schemaFile);
        Dataset data = Dataset.load(schema, schemaFile, null);
        StreamedDataset streamed = StreamedDataset.open(schema, schemaFile, null);

        assertThat(streamed.transform()).isEqualTo(FeatureTransform.fit(data, data.rows(Split.TRAIN)));
        assertThat(streamed.fingerprint()).isEqualTo(data.fingerprint());
        assertThat(streamed.dataSha256()).isEqualTo(data.dataSha256());
        assertThat(streamed.rowCount()).isEqualTo(data.rowCount());
        assertThat(streamed.joins()).isEqualTo(data.joins());

        Path encodedFolder = folder.resolve("encoded");
        try {
            Files.createDirectories(encodedFolder);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<Split, StreamedDataset.EncodedSplit> splits = streamed.encode(streamed.transform(), tasks, encodedFolder);
        for (Split split : Split.values()) {
            StreamedDataset.EncodedSplit s = splits.get(split);
            int[] rows = data.rows(split);
            EncodedRows expected = streamed.transform().encode(data, rows);
            assertThat(s.rows()).as(split.name()).containsExactly(rows);
            assertThat(s.encoded().range(0, rows.length)).usingRecursiveComparison().isEqualTo(expected);
            int[] backwards = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                backwards[i] = rows.length - 1 - i;
            }
            assertThat(s.encoded().select(backwards)).usingRecursiveComparison().isEqualTo(expected.select(backwards));
            for (int k = 0; k < tasks.size(); k++) {
                assertThat(s.labels()[k]).containsExactly(data.labels(tasks.get(k), rows));
            }
            if (schema.userColumn() != null) {
                assertThat(s.users()).containsExactly(data.users(rows));
            } else {
                assertThat(s.users()).isNull();
            }
            s.encoded().close();
        }
        try (var left = Files.list(encodedFolder)) {
            assertThat(left).as("closing deletes the encoded files").isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldRefuseABadNumberAsTheDatasetDoes() {
        Path schemaFile = writeLog(RecommenderLogTests.LOG.replace("20220426,4,1", "20220426,four,1"));
        DatasetSchema schema = DatasetSchema.load(schemaFile);

        String inMemory = catchMessage(() -> Dataset.load(schema, schemaFile, null));
        assertThat(inMemory).contains("log.csv:6").contains("column 'duration' is numeric but has 'four'");
        assertThatThrownBy(() -> StreamedDataset.open(schema, schemaFile, null))
                .isInstanceOf(DatasetException.class).hasMessage(inMemory);

        // a decimal no float holds: refused where it is, not read as Infinity to fail in training without a line
        Path farFile = writeLog(RecommenderLogTests.LOG.replace("20220426,4,1", "20220426,1e39,1"));
        DatasetSchema far = DatasetSchema.load(farFile);
        String farInMemory = catchMessage(() -> Dataset.load(far, farFile, null));
        assertThat(farInMemory).contains("log.csv:6")
                .contains("column 'duration' has 1e39, out of a float's range (at most 3.4e38 in magnitude)");
        assertThatThrownBy(() -> StreamedDataset.open(far, farFile, null))
                .isInstanceOf(DatasetException.class).hasMessage(farInMemory);
    }

    @Test
    void shouldRefuseAnEncoderWhoseInputsDiffer() {
        Path schemaFile = writeLog(RecommenderLogTests.LOG);
        StreamedDataset streamed = StreamedDataset.open(DatasetSchema.load(schemaFile), schemaFile, null);
        FeatureTransform other = new FeatureTransform(List.of(new NumericScaling("age", 0, 1)), List.of(), List.of());

        assertThatThrownBy(() -> streamed.encode(other, List.of("click"), folder))
                .isInstanceOf(InputMismatchException.class).hasMessageContaining("age");
    }

    /** The recommender log's files with this log; the schema file. */
    private Path writeLog(String log) {
        TinyData.write(folder, "log.csv", log);
        TinyData.write(folder, "users.csv", RecommenderLogTests.USERS);
        TinyData.write(folder, "videos.csv", RecommenderLogTests.VIDEOS);
        return TinyData.write(folder, "schema.json", RecommenderLogTests.SCHEMA);
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (DatasetException e) {
            return e.getMessage();
        }
        throw new AssertionError("no DatasetException");
    }
}
