package io.mptrec.model.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mptrec.model.artifact.CanonicalJson;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.report.ContributionReport.FeatureAttribution;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.PromptTuner;
import io.mptrec.model.training.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports on a synthetic dataset whose labels each depend on one known field. */
class ContributionReportsTests {

    static final ModelConfig SMALL = ModelConfig.defaults().withSizes(32, 16).withBatchSize(64).withEpochs(4);
    static final ReportOptions OPTIONS = ReportOptions.defaults().withRows(200).withSteps(32);

    @TempDir
    static Path dir;

    static Dataset data;
    static EncoderArtifact encoder;
    static TaskPromptArtifact byColor;
    static TaskPromptArtifact byAmount;
    static TaskPromptArtifact byRedBlue;

    @BeforeAll
    static void train() {
        data = SyntheticData.write(dir, 3000, 11);
        Pretrainer.Result result = Pretrainer.run(data, List.of("bycolor", "byamount"), SMALL, 5, TrainingListener.SILENT);
        encoder = result.encoder();
        byColor = result.prompts().get(0);
        byAmount = result.prompts().get(1);
        byRedBlue = PromptTuner.run(data, encoder, result.prompts(), "byredblue",
                TuneConfig.paper().withBatchSize(64).withEpochs(4), 5, null, TrainingListener.SILENT).prompt();
    }

    @Test
    void shouldRankTheDrivingFieldFirstForEachTask() {
        assertThat(topField(byColor)).isEqualTo("color");
        assertThat(topField(byAmount)).isEqualTo("amount");
        assertThat(topField(byRedBlue)).isEqualTo("color");
    }

    @Test
    void shouldAgreeWithOcclusionOnTheDrivingField() {
        ContributionReport report = ContributionReports.compute(data, encoder, byColor, OPTIONS);
        FeatureAttribution color = report.attributions().fields().get(0);
        assertThat(color.occlusionRank()).isEqualTo(1);
        assertThat(report.attributions().occlusionRankCorrelation()).isGreaterThan(0.5);
    }

    @Test
    void shouldGiveTheSameBytesForTheSameSeedAndAnotherSampleForAnotherSeed() {
        String first = ContributionReports.compute(data, encoder, byRedBlue, OPTIONS.withSliceField("city")).toJson();
        String again = ContributionReports.compute(data, encoder, byRedBlue, OPTIONS.withSliceField("city")).toJson();
        assertThat(again).isEqualTo(first);
        ContributionReport other = ContributionReports.compute(data, encoder, byRedBlue,
                OPTIONS.withSliceField("city").withSeed(2).withRows(100));
        assertThat(other.toJson()).isNotEqualTo(first);
        assertThat(other.evaluation().sampleSize()).isEqualTo(100);
    }

    @Test
    void shouldDescribeAStage2PromptCompletely() throws Exception {
        ContributionReport report = ContributionReports.compute(data, encoder, byRedBlue, OPTIONS.withSliceField("city"));
        int n = data.rows(Split.TEST).length;
        assertThat(report.schemaVersion()).isEqualTo(2);
        assertThat(report.stage()).isEqualTo(2);
        assertThat(report.promptSha256()).isEqualTo(byRedBlue.contentSha256());
        assertThat(report.encoderSha256()).isEqualTo(encoder.contentSha256());
        assertThat(report.evaluation().datasetFingerprint()).isEqualTo(data.fingerprint());
        assertThat(report.evaluation().splitRows()).isEqualTo(n);
        assertThat(report.evaluation().sampleSize()).isEqualTo(200);

        var gate = report.gate();
        assertThat(gate.meanTaskSpecific() + gate.meanShared()).isCloseTo(1, within(1e-12));
        var q = gate.taskSpecificQuantiles();
        assertThat(List.of(q.p05(), q.p25(), q.p50(), q.p75(), q.p95())).isSorted().allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        assertThat(gate.taskSpecificHistogram().counts()).hasSize(20);
        assertThat(gate.taskSpecificHistogram().counts().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);

        var attention = report.attention();
        assertThat(attention.tasks()).containsExactly("bycolor", "byamount");
        assertThat(attention.mean().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-5));
        var slices = attention.slices();
        assertThat(slices.field()).isEqualTo("city");
        assertThat(slices.distinctValues()).isEqualTo(6);
        assertThat(slices.otherRows()).isZero();
        assertThat(slices.top().stream().mapToInt(ContributionReport.Slice::rows).sum()).isEqualTo(200);
        assertThat(slices.top()).extracting(ContributionReport.Slice::rows).isSortedAccordingTo((a, b) -> b - a);
        slices.top().forEach(s -> assertThat(s.attention().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1, within(1e-5)));

        var attributions = report.attributions();
        assertThat(attributions.fields()).extracting(FeatureAttribution::field)
                .containsExactlyInAnyOrder("amount", "noise", "color", "shape", "city");
        assertThat(attributions.fields()).extracting(FeatureAttribution::rank).containsExactly(1, 2, 3, 4, 5);
        assertThat(attributions.steps()).isEqualTo(32);
        assertThat(attributions.baselineKind()).isEqualTo("zero");
        assertThat(attributions.baselineRows()).isEqualTo(1);
        assertThat(attributions.completeness().relativeError()).isLessThan(0.05);
        assertThat(report.nonInterference().status()).isEqualTo("passed");
        assertThat(report.nonInterference().check().tasks()).hasSize(2);

        // the JSON is canonical, finite, and carries the documented top-level keys
        JsonNode json = CanonicalJson.MAPPER.readTree(report.toJson());
        assertThat(json.fieldNames()).toIterable().containsExactly("attention", "attributions", "codeVersion",
                "encoderSha256", "evaluation", "gate", "nonInterference", "promptSha256", "schemaVersion", "stage", "task");
        assertThat(report.toJson()).doesNotContain("NaN").doesNotContain("Infinity");

        assertThat(ContributionReport.fromJson(report.toJson())).isEqualTo(report);
        assertThatThrownBy(() -> ContributionReport.fromJson(report.toJson().replace("\"schemaVersion\":2", "\"schemaVersion\":3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema version 3");
        // a version 2 report without the baseline it used, or a version 1 report claiming one, is refused
        assertThatThrownBy(() -> ContributionReport.fromJson(report.toJson().replace("\"baselineKind\":\"zero\",", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baselineKind");
        assertThatThrownBy(() -> ContributionReport.fromJson(report.toJson().replace("\"schemaVersion\":2", "\"schemaVersion\":1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 1");
        assertThatThrownBy(() -> ContributionReport.fromJson(report.toJson().replace("\"baselineKind\":\"zero\"", "\"baselineKind\":\"median\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown attribution baseline 'median'");

        // read as strictly as the API reads a body: no value coerced into what would be stored (the registry keeps it)
        String json2 = report.toJson();
        for (String coerced : List.of(json2.replace("\"schemaVersion\":2", "\"schemaVersion\":\"2\""),
                json2.replace("\"schemaVersion\":2", "\"schemaVersion\":2.0"),
                json2.replace("\"schemaVersion\":2", "\"schemaVersion\":2,\"schemaVersion\":2"),
                json2.replace("\"stage\":2", "\"stage\":\"2\""),
                json2.replace("\"task\":\"byredblue\"", "\"task\":true"))) {
            assertThat(coerced).isNotEqualTo(json2);
            assertThatThrownBy(() -> ContributionReport.fromJson(coerced)).isInstanceOf(IllegalArgumentException.class);
        }

        Path file = dir.resolve("prompt-byredblue.report.json");
        ContributionReports.write(report, file);
        assertThat(Files.readString(file)).isEqualTo(report.toJson() + "\n");
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.json"))));
        assertThat(dir).isDirectoryNotContaining("glob:**.partial-*");
        assertThat(ContributionReports.besideArtifact(dir.resolve("prompt-byredblue"))).isEqualTo(file.toAbsolutePath());
    }

    /**
     * Every baseline: completeness holds against its own f(baseline) (expected gradients: the mean over the K
     * baselines), the choice is recorded, and the bytes depend only on the seed.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(AttributionBaseline.class)
    void shouldRecordTheBaselineMeetCompletenessAndRepeatPerSeed(AttributionBaseline baseline) {
        ReportOptions options = OPTIONS.withRows(60).withBaseline(baseline).withBaselineRows(4);
        ContributionReport report = ContributionReports.compute(data, encoder, byRedBlue, options);
        var a = report.attributions();
        assertThat(a.baselineKind()).isEqualTo(baseline.key());
        assertThat(a.baselineUsed()).isEqualTo(baseline);
        assertThat(a.baseline()).isEqualTo(baseline.description());
        assertThat(a.baselineRows()).isEqualTo(switch (baseline) {
            case ZERO -> 1;
            case TRAINING_MEAN -> data.rows(Split.TRAIN).length;
            case EXPECTED_GRADIENTS -> 4;
        });
        assertThat(a.completeness().meanAbsOutputChange()).as("mean |f(x) - f(baseline)|").isGreaterThan(0.01);
        assertThat(a.completeness().relativeError()).isLessThan(0.05);
        assertThat(a.fields()).allSatisfy(f -> assertThat(f.meanAbsAttribution()).isFinite());

        assertThat(ContributionReports.compute(data, encoder, byRedBlue, options).toJson()).isEqualTo(report.toJson());
        assertThat(ContributionReport.fromJson(report.toJson())).isEqualTo(report);
        String otherSeed = ContributionReports.compute(data, encoder, byRedBlue, options.withSeed(9)).toJson();
        assertThat(otherSeed).isNotEqualTo(report.toJson());
    }

    /**
     * A prompt with every option beyond the paper: the attention has a column for the shared expert, and the
     * attributions explain the deep part of the logit (the wide part is a per-value bias of the row, not a function of
     * x), with completeness as for any prompt.
     */
    @Test
    void shouldDescribeAPromptWithTheOptionsBeyondThePaper() {
        TaskPromptArtifact beyond = PromptTuner.run(data, encoder, List.of(byColor, byAmount), "byredblue",
                TuneConfig.paper().withBatchSize(64).withEpochs(2).withPath(true, 2, true), 5, null,
                TrainingListener.SILENT).prompt();

        ContributionReport report = ContributionReports.compute(data, encoder, beyond, OPTIONS.withRows(60));

        assertThat(report.attention().tasks()).containsExactly("bycolor", "byamount", ContributionReports.SHARED_EXPERT);
        assertThat(report.attention().mean()).hasSize(3);
        assertThat(report.attention().mean().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-5));
        assertThat(report.attributions().completeness().relativeError()).isLessThan(0.05);
        assertThat(report.nonInterference().check().identical()).isTrue();
    }

    /** The baseline changes what is explained (f(x) - f(b)), so different baselines give different numbers. */
    @Test
    void shouldExplainAgainstTheChosenBaseline() {
        ReportOptions options = OPTIONS.withRows(60).withBaselineRows(4);
        var zero = ContributionReports.compute(data, encoder, byColor, options).attributions();
        var mean = ContributionReports.compute(data, encoder, byColor, options.withBaseline(AttributionBaseline.TRAINING_MEAN)).attributions();
        var expected = ContributionReports.compute(data, encoder, byColor,
                options.withBaseline(AttributionBaseline.EXPECTED_GRADIENTS)).attributions();
        assertThat(List.of(zero.baselineLogit(), mean.baselineLogit(), expected.baselineLogit())).doesNotHaveDuplicates();
        // the driving field stays first whichever reference the rows are compared with
        assertThat(List.of(zero, mean, expected)).allSatisfy(a -> assertThat(a.fields().get(0).field()).isEqualTo("color"));
        // with one sampled row, expected gradients is plain IG against that row
        var one = ContributionReports.compute(data, encoder, byColor,
                options.withBaseline(AttributionBaseline.EXPECTED_GRADIENTS).withBaselineRows(1)).attributions();
        assertThat(one.baselineRows()).isEqualTo(1);
        assertThat(one.baselineLogit()).isNotEqualTo(expected.baselineLogit());
    }

    @Test
    void shouldMarkAttentionAndNonInterferenceAsNotApplicableForAStage1Prompt() {
        ContributionReport report = ContributionReports.compute(data, encoder, byAmount, OPTIONS.withSliceField("city"));
        assertThat(report.stage()).isEqualTo(1);
        assertThat(report.attention()).isNull();
        assertThat(report.nonInterference().status()).isEqualTo("not-applicable");
        assertThat(report.nonInterference().check()).isNull();
    }

    @Test
    void shouldRefuseASliceFieldThatIsNoCategoricalFeature() {
        assertThatThrownBy(() -> ContributionReports.compute(data, encoder, byRedBlue, OPTIONS.withSliceField("amount")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slice field amount");
    }

    @Test
    void shouldSampleWithoutReplacementInRowOrder() {
        int[] rows = java.util.stream.IntStream.range(0, 1000).map(i -> i * 3).toArray();
        int[] sample = ContributionReports.sample(rows, 50, 7);
        assertThat(sample).hasSize(50).isSorted().doesNotHaveDuplicates();
        assertThat(ContributionReports.sample(rows, 50, 7)).containsExactly(sample);
        assertThat(ContributionReports.sample(rows, 50, 8)).isNotEqualTo(sample);
        assertThat(ContributionReports.sample(rows, 5000, 7)).containsExactly(rows);
    }

    private static String topField(TaskPromptArtifact prompt) {
        return ContributionReports.compute(data, encoder, prompt, OPTIONS).attributions().fields().get(0).field();
    }
}
