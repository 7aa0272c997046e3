package io.mptrec.model.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.PromptVariants;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.TuneConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java kernel gives the ND4J heads' scores on the bundled Census artifacts, for 1, 10, 100 and 4096 rows of the
 * Census test file: the largest absolute difference allowed is {@value #TOLERANCE}. The two sum in different orders in
 * float32 (OpenBLAS blocks its products differently in each), so they differ in the last bits: at most 2.4e-7 when
 * written (education, 4096 rows), 1.8e-7 for the stage-1 tasks. 1 and 10 rows take the kernel's Java loop, 100 and
 * 4096 rows OpenBLAS, and 140 rows both (a block of 128 and one of 12).
 */
class InferenceKernelTests {

    static final Path ARTIFACTS = Path.of("../data/census-income-kdd/artifacts");
    static final Path SCHEMA = Path.of("../data/census-income-kdd/schema.json");
    static final double TOLERANCE = 1e-5;

    static EncoderArtifact encoder;
    static Dataset census;

    @BeforeAll
    static void load() {
        encoder = EncoderArtifact.read(ARTIFACTS.resolve("encoder"));
        census = Dataset.load(DatasetSchema.load(SCHEMA), SCHEMA, null);
    }

    @ParameterizedTest
    @CsvSource({"income, 1", "income, 10", "income, 100", "income, 140", "income, 4096", "marital, 100", "education, 1",
        "education, 10", "education, 100", "education, 4096"})
    void shouldGiveTheNd4jScoresOnTheCensusArtifacts(String task, int rows) {
        TaskPromptArtifact prompt = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-" + task));

        assertThat(maxAbsDifference(prompt, testRows(rows))).isLessThanOrEqualTo(TOLERANCE);
    }

    /** The stage-2 fusions the bundled prompt does not use, over its arrays (each reads only the arrays it needs). */
    @ParameterizedTest
    @CsvSource({"UNIFORM, false", "TASK_SIMILARITY, false", "ATTENTION, true", "UNIFORM, true"})
    void shouldGiveTheNd4jScoresForEveryStage2Fusion(TuneConfig.Fusion fusion, boolean fixedGate) {
        TaskPromptArtifact education = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-education"));
        TaskPromptMetadata m = education.metadata();
        TaskPromptArtifact variant = TaskPromptArtifact.from(ArtifactBundle.of(TaskPromptArtifact.KIND,
                new TaskPromptMetadata(m.task(), m.labelExpression(), 2, null, m.tune().withFusion(fusion, fixedGate),
                        m.encoderSha256(), m.inputWidth(), m.promptWidth(), m.lineage(), m.nonInterference()),
                education.bundle().arrays()));

        assertThat(maxAbsDifference(variant, testRows(100))).isLessThanOrEqualTo(TOLERANCE);
    }

    /**
     * Beyond the paper, over education's arrays with random adapter, key and bias arrays: the shared expert attended, a
     * rank-4 adapter (the kernel serves W0 + A B as one weight, where ND4J computes x W0 + (x A) B), the wide part,
     * and all three; several prompt tokens, alone and with all three; the query residual, alone, with the shared expert
     * and the wide part (the default), and with every other option.
     */
    @ParameterizedTest
    @CsvSource({"true, 0, false, 1, false, 1", "false, 4, false, 1, false, 1", "false, 0, true, 1, false, 1",
            "true, 4, true, 1, false, 1", "true, 4, true, 1, false, 100", "true, 4, true, 1, false, 140",
            "false, 0, false, 4, false, 1", "false, 0, false, 4, false, 100", "true, 4, true, 2, false, 140",
            "false, 0, false, 1, true, 1", "true, 0, true, 1, true, 100", "true, 4, true, 2, true, 140"})
    void shouldGiveTheNd4jScoresForTheNewTaskPathOptions(boolean attendShared, int adapterRank, boolean wide,
                                                         int promptTokens, boolean queryResidual, int rows) {
        TaskPromptArtifact education = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-education"));
        TaskPromptArtifact variant = PromptVariants.of(encoder, education,
                t -> t.withPath(attendShared, adapterRank, wide).withPromptTokens(promptTokens)
                        .withQueryResidual(queryResidual), 5);

        assertThat(maxAbsDifference(variant, testRows(rows))).isLessThanOrEqualTo(TOLERANCE);
        assertThat(InferenceKernel.of(encoder, variant).probabilities(testRows(rows)))
                .isNotEqualTo(InferenceKernel.of(encoder, education).probabilities(testRows(rows)));
    }

    @Test
    void shouldCountTheMatrixProductsOfOneRow() {
        TaskPromptArtifact income = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-income"));
        int in = encoder.encoder().inputWidth();
        // two experts in -> 256 -> 128, a gate in -> 2, a tower 128 -> 64 -> 32 -> 1
        long expected = 2L * (in * 256 + 256 * 128) + in * 2 + 128 * 64 + 64 * 32 + 32;

        assertThat(InferenceKernel.of(encoder, income).multiplyAddsPerRow()).isEqualTo(expected);
    }

    /**
     * Neither the kernel nor the ND4J heads' pass (evaluation's, in its kept step arrays) registers a native buffer per
     * pass; an array made outside a step shows that the counter sees registrations here.
     */
    @Test
    void shouldRegisterNoNativeBufferPerPass() {
        TaskPromptArtifact income = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-income"));
        InferenceKernel kernel = InferenceKernel.of(encoder, income);
        var head = income.head(encoder);
        EncodedRows rows = testRows(100);

        double control = NativeBuffers.registeredPerRun(() -> Nd4j.create(DataType.FLOAT, 100, 1), 10);
        double nd4j = NativeBuffers.registeredPerRun(() -> Predictions.of(encoder.encoder(), List.of(head), rows), 10);
        double java = NativeBuffers.registeredPerRun(() -> kernel.probabilities(rows), 10);

        assumeThat(control).as("this ND4J version's deallocator registry is readable").isNotNaN();
        assertThat(control).as("the counter sees a new array's buffers").isGreaterThanOrEqualTo(1);
        assertThat(nd4j).isZero();
        assertThat(java).isZero();
    }

    @Test
    void shouldLeaveNoNativeMemoryForTheCollectorAfterItsPasses() {
        InferenceKernel kernel = InferenceKernel.of(encoder, TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-income")));
        EncodedRows rows = testRows(100);
        kernel.probabilities(rows);
        long pointers = Pointer.totalCount();
        long bytes = Pointer.totalBytes();

        for (int i = 0; i < 200; i++) {
            kernel.probabilities(rows);
        }

        // pooled scratch is reused, dropped scratch is freed at once: the count cannot grow (the collector's
        // deallocator threads may free other tests' buffers meanwhile)
        assertThat(Pointer.totalCount()).isLessThanOrEqualTo(pointers);
        assertThat(Pointer.totalBytes()).isLessThanOrEqualTo(bytes);
    }

    /** A manifest naming tokens that do not divide the prompt is refused before any engine reads it. */
    @Test
    void shouldRefuseAPromptWhoseTokensDoNotDivideItsWidth() {
        TaskPromptArtifact education = TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-education"));
        TaskPromptArtifact threeTokens = PromptVariants.of(encoder, education, t -> t.withPromptTokens(3), 5);

        assertThatThrownBy(() -> InferenceKernel.of(encoder, threeTokens))
                .isInstanceOf(io.mptrec.model.artifact.ArtifactException.class)
                .hasMessageEndingWith("reads its prompt as 3 tokens, which do not divide its width 128");
        assertThatThrownBy(() -> threeTokens.head(encoder)).hasMessageContaining("do not divide its width 128");
    }

    @Test
    void shouldRefuseRowsOfAnotherShapeOrAnUnknownCategory() {
        InferenceKernel kernel = InferenceKernel.of(encoder, TaskPromptArtifact.read(ARTIFACTS.resolve("prompt-income")));
        EncodedRows rows = testRows(2);
        EncodedRows fewerFields = new EncodedRows(1, rows.numericFields(), 1, Arrays.copyOf(rows.numeric(), rows.numericFields()),
                new int[] {0});
        int[] categories = rows.categories().clone();
        categories[3] = 100_000;
        EncodedRows unknown = new EncodedRows(2, rows.numericFields(), rows.categoricalFields(), rows.numeric(), categories);

        assertThatThrownBy(() -> kernel.probabilities(fewerFields)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the encoder expects " + rows.numericFields() + " and " + rows.categoricalFields());
        assertThatThrownBy(() -> kernel.probabilities(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("category index 100000 out of range for field 3");
        assertThat(kernel.probabilities(new EncodedRows(0, rows.numericFields(), rows.categoricalFields(), new float[0],
                new int[0]))).isEmpty();
    }

    private static double maxAbsDifference(TaskPromptArtifact prompt, EncodedRows rows) {
        float[] kernel = InferenceKernel.of(encoder, prompt).probabilities(rows);
        float[] nd4j = Predictions.of(encoder.encoder(), List.of(prompt.head(encoder)), rows)[0];
        assertThat(kernel).hasSameSizeAs(nd4j);
        double max = 0;
        for (int i = 0; i < nd4j.length; i++) {
            max = Math.max(max, Math.abs(kernel[i] - nd4j[i]));
        }
        return max;
    }

    private static EncodedRows testRows(int n) {
        int[] test = census.rows(Split.TEST);
        assertThat(test.length).as("Census test rows").isGreaterThanOrEqualTo(n);
        return encoder.metadata().transform().encode(census, Arrays.copyOf(test, n));
    }
}
