package io.mptrec.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.ArtifactException;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.PromptVariants;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.cli.MptrecCommand;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.scoring.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import onnx.Onnx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled Census encoder with a stage-1 prompt (income: its own expert and the gate) and a stage-2 prompt
 * (education: attention over the stage-1 prompts, LayerNorm, the gate), exported with {@code mptrec export} and run in
 * ONNX Runtime on the first 3,000 rows of the Census test split: the scores agree with {@link Scorer}'s to 1e-5.
 * Measured: max abs difference 1.2e-7 for income and 2.4e-7 for education; on education's arrays, 1.5e-7 with uniform
 * attention, 2.7e-7 with prompt-similarity attention, 1.0e-7 with the fixed gate (the test prints each).
 */
class OnnxExportTests {

    static final Path ARTIFACTS = Path.of("../data/census-income-kdd/artifacts");
    static final Path SCHEMA = Path.of("../data/census-income-kdd/schema.json");
    static final double TOLERANCE = 1e-5;

    static EncoderArtifact encoder;
    static EncodedRows rows;

    @BeforeAll
    static void loadTestSplit() {
        encoder = EncoderArtifact.read(ARTIFACTS.resolve("encoder"));
        Dataset data = Dataset.load(DatasetSchema.load(SCHEMA), SCHEMA, null);
        int[] test = Arrays.copyOf(data.rows(Split.TEST), 3000);
        rows = encoder.metadata().transform().encode(data, test);
    }

    @ParameterizedTest
    @ValueSource(strings = {"income", "education"})
    void shouldScoreAsOurEngineInOnnxRuntime(String task, @TempDir Path dir) throws Exception {
        Path model = dir.resolve(task + ".onnx");
        assertThat(MptrecCommand.execute("export", "--format", "onnx", "--encoder", ARTIFACTS.resolve("encoder").toString(),
                "--prompt", ARTIFACTS.resolve("prompt-" + task).toString(), "--out", model.toString())).isEqualTo(0);
        TaskPromptArtifact prompt = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-" + task));

        float[] ours = new Scorer(encoder, prompt).score(rows);
        float[] theirs;
        try (OnnxRuntimeScorer peer = new OnnxRuntimeScorer(Files.readAllBytes(model))) {
            theirs = peer.score(rows);
            assertThat(peer.metadata())
                    .containsEntry("task", task)
                    .containsEntry("encoder_sha256", encoder.contentSha256())
                    .containsEntry("prompt_sha256", prompt.contentSha256())
                    .containsEntry("numeric_fields", String.join(",", encoder.metadata().transform().numeric().stream()
                            .map(n -> n.field()).toList()))
                    .containsKey("categorical_fields");
        }

        assertThat(theirs).hasSize(rows.rows());
        double maxDifference = maxDifference(ours, theirs);
        System.out.printf("ONNX export, %s: max abs difference from our engine over %d Census test rows: %.1e%n",
                task, rows.rows(), maxDifference);
        assertThat(maxDifference).as("max abs difference of %s's probabilities", task).isLessThanOrEqualTo(TOLERANCE);
        // the scores are not all alike, so agreeing on them says something
        assertThat(spread(ours)).as("spread of our scores").isGreaterThan(0.01);
    }

    /**
     * The other stage-2 paths (the authors' ablations), on education's arrays: uniform and prompt-similarity attention,
     * and the fixed gate. Our engine and ONNX Runtime score the same altered prompt.
     */
    @ParameterizedTest
    @CsvSource({"UNIFORM, false", "TASK_SIMILARITY, false", "ATTENTION, true"})
    void shouldScoreEveryStage2FusionAsOurEngine(TuneConfig.Fusion fusion, boolean fixedGate) {
        TaskPromptArtifact education = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-education"));
        TaskPromptMetadata m = education.metadata();
        TaskPromptMetadata altered = new TaskPromptMetadata(m.task(), m.labelExpression(), m.stage(), m.taskIndex(),
                m.tune().withFusion(fusion, fixedGate), m.encoderSha256(), m.inputWidth(), m.promptWidth(), m.lineage(),
                m.nonInterference());
        TaskPromptArtifact prompt = TaskPromptArtifact.from(ArtifactBundle.of(TaskPromptArtifact.KIND, altered,
                education.bundle().arrays()));

        float[] ours = new Scorer(encoder, prompt).score(rows);
        float[] theirs;
        try (OnnxRuntimeScorer peer = new OnnxRuntimeScorer(OnnxExport.export(encoder, prompt))) {
            theirs = peer.score(rows);
        }

        double maxDifference = maxDifference(ours, theirs);
        System.out.printf("ONNX export, education as %s (fixed gate %s): max abs difference %.1e%n", fusion, fixedGate,
                maxDifference);
        assertThat(maxDifference).as("max abs difference, %s, fixed gate %s", fusion, fixedGate)
                .isLessThanOrEqualTo(TOLERANCE);
        assertThat(ours).isNotEqualTo(new Scorer(encoder, education).score(rows));
    }

    /**
     * Beyond the paper: the shared expert attended, a rank-4 adapter (exported with W0 + A B as each expert's weight),
     * the wide part (a Gather of each row's values' biases, summed), and all three; several prompt tokens (a Slice of
     * the query, the keys and the experts per token), alone and with all three; the query residual (a Mul and an Add
     * before the tower) with the shared expert and the wide part, and with every other option.
     */
    @ParameterizedTest
    @CsvSource({"true, 0, false, 1, false", "false, 4, false, 1, false", "false, 0, true, 1, false",
            "true, 4, true, 1, false", "false, 0, false, 4, false", "true, 4, true, 2, false", "true, 0, true, 1, true",
            "true, 4, true, 2, true"})
    void shouldScoreTheNewTaskPathOptionsAsOurEngine(boolean attendShared, int adapterRank, boolean wide,
                                                     int promptTokens, boolean queryResidual) {
        TaskPromptArtifact education = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-education"));
        TaskPromptArtifact prompt = PromptVariants.of(encoder, education,
                t -> t.withPath(attendShared, adapterRank, wide).withPromptTokens(promptTokens)
                        .withQueryResidual(queryResidual), 5);

        float[] ours = new Scorer(encoder, prompt).score(rows);
        float[] theirs;
        try (OnnxRuntimeScorer peer = new OnnxRuntimeScorer(OnnxExport.export(encoder, prompt))) {
            theirs = peer.score(rows);
        }

        assertThat(maxDifference(ours, theirs)).as("max abs difference").isLessThanOrEqualTo(TOLERANCE);
        assertThat(ours).isNotEqualTo(new Scorer(encoder, education).score(rows));
    }

    @Test
    void shouldDeclareAStandardModelWithItsInputsAndProvenance() throws Exception {
        TaskPromptArtifact prompt = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-education"));
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(OnnxExport.export(encoder, prompt));

        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(OnnxExport.OPSET);
        assertThat(model.getGraph().getInputList()).extracting(Onnx.ValueInfoProto::getName)
                .containsExactly(OnnxExport.NUMERIC, OnnxExport.CATEGORIES);
        assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue())
                .isEqualTo(encoder.metadata().transform().numeric().size());
        assertThat(model.getGraph().getInput(1).getType().getTensorType().getElemType())
                .isEqualTo(Onnx.TensorProto.DataType.INT64.getNumber());
        assertThat(model.getGraph().getOutputList()).extracting(Onnx.ValueInfoProto::getName)
                .containsExactly(OnnxExport.PROBABILITY);
        assertThat(model.getDocString()).contains("education", encoder.contentSha256(), prompt.contentSha256());
    }

    @Test
    void shouldRefuseAPromptTrainedOnAnotherEncoder() throws Exception {
        TaskPromptArtifact foreign = TaskPromptArtifact.read(Path.of(getClass().getResource("/golden/v1/prompt-income").toURI()));

        assertThatThrownBy(() -> OnnxExport.export(encoder, foreign))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("was trained against encoder " + foreign.metadata().encoderSha256());
    }

    private static double maxDifference(float[] ours, float[] theirs) {
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - theirs[i]));
        }
        return max;
    }

    private static double spread(float[] scores) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        return max - min;
    }
}
