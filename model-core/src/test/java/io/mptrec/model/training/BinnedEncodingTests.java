package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.ColumnRole;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.NumericEncoding;
import io.mptrec.model.data.NumericScaling;
import io.mptrec.model.data.RawEncoder;
import io.mptrec.model.data.Split;
import io.mptrec.model.data.StreamedDataset;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.onnx.OnnxExport;
import io.mptrec.model.onnx.OnnxRuntimeScorer;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.model.report.ContributionReports;
import io.mptrec.model.report.ReportOptions;
import io.mptrec.model.scoring.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encoder whose schema bins numeric columns (issue 16's numeric encodings): age and weeks_worked piecewise-linear,
 * capital_gains as a quantile bucket. Trained on the Census slice, it must carry its bin edges through the artifact,
 * encode served rows as data-file rows, keep the existing tasks bit-identical under prompt tuning, score the same in
 * the serving kernel, the ND4J heads and ONNX Runtime, and explain each data column as one field.
 */
class BinnedEncodingTests {

    static final ModelConfig SMALL = ModelConfig.defaults().withSizes(32, 16).withBatchSize(64).withEpochs(4);
    static final TuneConfig TUNE = TuneConfig.defaults().withBatchSize(64).withEpochs(3).withPath(true, 2, true);

    @TempDir
    static Path dir;
    static Path schemaFile;
    static Dataset data;
    static Pretrainer.Result stage1;
    static PromptTuner.Result tuned;

    @BeforeAll
    static void train() throws Exception {
        Path slice = Path.of(BinnedEncodingTests.class.getResource("/census-slice/schema.json").toURI());
        String schema = Files.readString(slice)
                .replace("{\"name\": \"age\", \"role\": \"numeric\"}",
                        "{\"name\": \"age\", \"role\": \"numeric\", \"encoding\": \"piecewise_linear\", \"bins\": 8}")
                .replace("{\"name\": \"weeks_worked\", \"role\": \"numeric\"}",
                        "{\"name\": \"weeks_worked\", \"role\": \"numeric\", \"encoding\": \"piecewise_linear\", \"bins\": 4}")
                .replace("{\"name\": \"capital_gains\", \"role\": \"numeric\"}",
                        "{\"name\": \"capital_gains\", \"role\": \"numeric\", \"encoding\": \"quantile_bucket\"}");
        schemaFile = Files.writeString(dir.resolve("schema.json"), schema);
        Files.copy(slice.resolveSibling("census-slice.csv.gz"), dir.resolve("census-slice.csv.gz"));
        data = Dataset.load(DatasetSchema.load(schemaFile), schemaFile, null);
        stage1 = Pretrainer.run(data, List.of("income", "marital"), SMALL, 42, TrainingListener.SILENT);
        tuned = PromptTuner.run(data, stage1.encoder(), stage1.prompts(), "education", TUNE, 7, null,
                TrainingListener.SILENT);
    }

    @Test
    void shouldFitQuantileEdgesAndWidenTheInputByTheBins() {
        FeatureTransform transform = stage1.encoder().metadata().transform();
        NumericScaling age = field(transform, "age");
        NumericScaling weeks = field(transform, "weeks_worked");
        NumericScaling gains = field(transform, "capital_gains");
        assertThat(age.encoding()).isEqualTo(NumericEncoding.PIECEWISE_LINEAR);
        assertThat(age.bins()).isBetween(4, 8);
        assertThat(age.edges().get(0)).isEqualTo(age.min());
        assertThat(age.edges().get(age.bins())).isEqualTo(age.max());
        // most people have no capital gains: the zeros get a bucket of their own, the other values the next ones
        assertThat(gains.encoding()).isEqualTo(NumericEncoding.QUANTILE_BUCKET);
        assertThat(gains.edges().get(0)).isZero();
        assertThat(gains.edges().get(1)).isPositive();
        assertThat(gains.bins()).isBetween(2, NumericEncoding.DEFAULT_BINS);
        assertThat(field(transform, "wage_per_hour").encoding()).isEqualTo(NumericEncoding.SCALED);

        int scaled = (int) transform.numeric().stream().filter(n -> n.encoding() == NumericEncoding.SCALED).count();
        assertThat(transform.numericWidth()).isEqualTo(scaled + age.bins() + weeks.bins());
        assertThat(transform.categoricalWidth()).isEqualTo(transform.categorical().size() + 1);
        assertThat(stage1.encoder().encoder().inputWidth())
                .isEqualTo(transform.numericWidth() + transform.categoricalWidth() * SMALL.embeddingDim());
        assertThat(stage1.encoder().bundle().arrays().get("embeddings").shape()[0])
                .isEqualTo(Arrays.stream(transform.embeddingRows()).sum());
        assertThat(transform.embeddingRows()[transform.categoricalWidth() - 1]).isEqualTo(gains.bins() + 1);
        assertThat(stage1.report().metric("income", "test", "auc")).isGreaterThan(0.75);
    }

    @Test
    void shouldKeepTheBinEdgesThroughTheArtifactAndFitTheSameFromAStream() throws Exception {
        Path written = dir.resolve("encoder-round-trip");
        stage1.encoder().bundle().write(written);
        EncoderArtifact read = EncoderArtifact.read(written);
        assertThat(read.contentSha256()).isEqualTo(stage1.encoder().contentSha256());
        assertThat(read.metadata().transform()).isEqualTo(stage1.encoder().metadata().transform());
        assertThat(Files.readString(written.resolve("manifest.json")))
                .contains("\"piecewise_linear\"", "\"quantile_bucket\"", "\"edges\"");

        try (TrainingData streamed = TrainingData.streamed(StreamedDataset.open(DatasetSchema.load(schemaFile), schemaFile,
                null))) {
            Pretrainer.Result again = Pretrainer.run(streamed, List.of("income", "marital"), SMALL, 42,
                    TrainingListener.SILENT);
            assertThat(again.encoder().metadata().transform()).isEqualTo(stage1.encoder().metadata().transform());
            assertThat(again.encoder().contentSha256()).isEqualTo(stage1.encoder().contentSha256());
        }
    }

    @Test
    void shouldEncodeServedRowsAsDataFileRowsInBothLayouts() {
        FeatureTransform transform = stage1.encoder().metadata().transform();
        int[] rows = Arrays.copyOf(data.rows(Split.TEST), 300);
        List<Map<String, String>> raw = Arrays.stream(rows).mapToObj(data::rawRow).toList();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (String column : Stream.concat(data.numericFeatures().stream(), data.categoricalFeatures().stream()).toList()) {
            List<String> values = new ArrayList<>();
            raw.forEach(r -> values.add(r.get(column)));
            columns.put(column, values);
        }

        EncodedRows expected = transform.encode(data, rows);
        RawEncoder encoder = new RawEncoder(transform);

        assertThat(encoder.encodeRows(raw)).usingRecursiveComparison().isEqualTo(expected);
        assertThat(encoder.encodeColumns(columns)).usingRecursiveComparison().isEqualTo(expected);
        // the bucket field's indices span its bins
        int last = expected.categoricalFields() - 1;
        assertThat(java.util.stream.IntStream.range(0, 300).map(i -> expected.categories()[i * (last + 1) + last])
                .distinct().count()).isGreaterThan(1);
    }

    @Test
    void shouldTuneWithoutMovingTheExistingTasksAndScoreAlikeInEveryEngine() throws Exception {
        assertThat(tuned.prompt().metadata().nonInterference().identical()).isTrue();
        assertThat(tuned.report().metric("education", "test", "auc")).isGreaterThan(0.7);

        EncoderArtifact encoder = stage1.encoder();
        EncodedRows rows = encoder.metadata().transform().encode(data, data.rows(Split.TEST));
        for (TaskPromptArtifact prompt : List.of(stage1.prompts().get(0), tuned.prompt())) {
            float[] kernel = new Scorer(encoder, prompt).score(rows);
            float[] nd4j = Predictions.of(encoder.encoder(), List.of(prompt.head(encoder)), rows)[0];
            float[] onnx;
            try (OnnxRuntimeScorer peer = new OnnxRuntimeScorer(OnnxExport.export(encoder, prompt))) {
                onnx = peer.score(rows);
                assertThat(peer.metadata().get("numeric_fields")).contains("age[0]", "wage_per_hour")
                        .doesNotContain("capital_gains");
                assertThat(peer.metadata().get("categorical_fields")).endsWith(",capital_gains");
                assertThat(peer.metadata().get("vocabulary_sizes")).endsWith("," + field(encoder.metadata().transform(),
                        "capital_gains").bucketRows());
            }
            assertThat(kernel).containsExactly(nd4j, within(1e-5f));
            assertThat(onnx).containsExactly(nd4j, within(1e-5f));
        }
    }

    @Test
    void shouldExplainEachDataColumnAsOneField() {
        ContributionReport report = ContributionReports.compute(data, stage1.encoder(), tuned.prompt(),
                ReportOptions.defaults().withRows(80).withSteps(32));

        List<String> fields = report.attributions().fields().stream().map(ContributionReport.FeatureAttribution::field)
                .toList();
        assertThat(fields).containsExactlyInAnyOrderElementsOf(
                Stream.concat(data.numericFeatures().stream(), data.categoricalFeatures().stream()).toList());
        assertThat(report.attributions().fields()).filteredOn(f -> f.field().equals("capital_gains"))
                .extracting(ContributionReport.FeatureAttribution::kind).containsExactly(ColumnRole.NUMERIC.jsonName());
        assertThat(report.attributions().completeness().relativeError()).isLessThan(0.05);
    }

    private static NumericScaling field(FeatureTransform transform, String name) {
        return transform.numeric().stream().filter(n -> n.field().equals(name)).findFirst().orElseThrow();
    }
}
