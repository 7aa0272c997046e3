package io.mptrec.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptrec.model.artifact.ArtifactException;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.StreamedDataset;
import io.mptrec.model.data.DatasetSchema;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.scoring.Scorer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretrain on a Census slice, tune the education task, check non-interference, save, load and score. */
class EndToEndTests {

    static final ModelConfig SMALL = ModelConfig.defaults().withSizes(32, 16).withBatchSize(64).withEpochs(4);
    static final TuneConfig TUNE = TuneConfig.paper().withBatchSize(64).withEpochs(4);

    static Dataset slice;
    static Pretrainer.Result stage1;

    @BeforeAll
    static void pretrain() throws URISyntaxException {
        slice = censusSlice();
        stage1 = Pretrainer.run(slice, List.of("income", "marital"), SMALL, 42, TrainingListener.SILENT);
    }

    static Dataset censusSlice() throws URISyntaxException {
        Path schema = Path.of(EndToEndTests.class.getResource("/census-slice/schema.json").toURI());
        return Dataset.load(DatasetSchema.load(schema), schema, null);
    }

    @Test
    void shouldLearnBothStage1TasksBetterThanChance() {
        assertThat(stage1.report().metric("income", "test", "auc")).isGreaterThan(0.75);
        assertThat(stage1.report().metric("marital", "test", "auc")).isGreaterThan(0.75);
        assertThat(stage1.prompts()).extracting(TaskPromptArtifact::task).containsExactly("income", "marital");
    }

    @Test
    void shouldGiveTheSameArtifactsBitForBitForTheSameSeed() {
        Pretrainer.Result again = Pretrainer.run(slice, List.of("income", "marital"), SMALL, 42, TrainingListener.SILENT);
        assertThat(again.encoder().contentSha256()).isEqualTo(stage1.encoder().contentSha256());
        assertThat(again.prompts().get(0).contentSha256()).isEqualTo(stage1.prompts().get(0).contentSha256());
        assertThat(again.report().metric("income", "test", "auc")).isEqualTo(stage1.report().metric("income", "test", "auc"));
    }

    /** The tuning grid trains each learning rate once: a shorter patience's run, handed over, is that run bit for bit. */
    @Test
    void shouldHandOverTheRunOfAShorterPatienceAsItsOwnRun() {
        ModelConfig longer = SMALL.withEpochs(8).withOptimiser(SMALL.learningRate(), 3);
        TrainingData data = TrainingData.of(slice);
        Map<Integer, Pretrainer.Result> ended = new java.util.TreeMap<>();
        Pretrainer.Result three = Pretrainer.run(data, List.of("income", "marital"), longer, 42, TrainingListener.SILENT,
                new int[] {1, 2}, (result, patience) -> ended.put(patience, result));
        assertThat(ended).containsOnlyKeys(1, 2);
        for (int patience : new int[] {1, 2, 3}) {
            Pretrainer.Result alone = Pretrainer.run(slice, List.of("income", "marital"),
                    longer.withOptimiser(longer.learningRate(), patience), 42, TrainingListener.SILENT);
            Pretrainer.Result handed = patience == 3 ? three : ended.get(patience);
            assertThat(handed.encoder().contentSha256()).isEqualTo(alone.encoder().contentSha256());
            assertThat(handed.prompts().get(1).contentSha256()).isEqualTo(alone.prompts().get(1).contentSha256());
            assertThat(handed.report().epochs()).isEqualTo(alone.report().epochs());
            assertThat(handed.report().metric("income", "test", "auc"))
                    .isEqualTo(alone.report().metric("income", "test", "auc"));
        }
        assertThat(ended.get(1).report().epochs()).isLessThan(three.report().epochs());

        TuneConfig tune = TUNE.withEpochs(8).withPatience(3);
        Map<Integer, PromptTuner.Result> tuned = new java.util.TreeMap<>();
        PromptTuner.Result tunedThree = PromptTuner.run(data, stage1.encoder(), stage1.prompts(), "education", tune, 7,
                null, TrainingListener.SILENT, new int[] {1}, (result, patience) -> tuned.put(patience, result));
        PromptTuner.Result aloneOne = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "education",
                tune.withPatience(1), 7, null, TrainingListener.SILENT);
        assertThat(tuned.get(1).prompt().contentSha256()).isEqualTo(aloneOne.prompt().contentSha256());
        assertThat(tunedThree.prompt().contentSha256()).isEqualTo(PromptTuner.run(slice, stage1.encoder(),
                stage1.prompts(), "education", tune, 7, null, TrainingListener.SILENT).prompt().contentSha256());
    }

    @Test
    void shouldTrainAndTuneTheSameFromAStreamedFileAsFromMemory() throws URISyntaxException {
        Path schema = Path.of(EndToEndTests.class.getResource("/census-slice/schema.json").toURI());
        PromptTuner.Result inMemory = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "education", TUNE, 7,
                null, TrainingListener.SILENT);
        try (TrainingData streamed = TrainingData.streamed(StreamedDataset.open(DatasetSchema.load(schema), schema, null))) {
            Pretrainer.Result again = Pretrainer.run(streamed, List.of("income", "marital"), SMALL, 42,
                    TrainingListener.SILENT);
            assertThat(again.encoder().contentSha256()).isEqualTo(stage1.encoder().contentSha256());
            assertThat(again.prompts().get(1).contentSha256()).isEqualTo(stage1.prompts().get(1).contentSha256());

            PromptTuner.Result tuned = PromptTuner.run(streamed, stage1.encoder(), stage1.prompts(), "education", TUNE, 7,
                    null, TrainingListener.SILENT);
            assertThat(tuned.prompt().contentSha256()).isEqualTo(inMemory.prompt().contentSha256());
        }
    }

    @Test
    void shouldGiveOneEmbeddingRowPerVocabularyValueAndOneForUnseenValues() {
        var transform = stage1.encoder().metadata().transform();
        int rows = transform.categorical().stream().mapToInt(v -> v.values().size() + 1).sum();
        assertThat(stage1.encoder().bundle().arrays().get("embeddings").shape()).containsExactly(rows,
                SMALL.embeddingDim());
    }

    @Test
    void shouldComputeTheFrozenPassPerBatchAsPrecomputed() {
        var encoder = stage1.encoder().encoder();
        var rows = stage1.encoder().metadata().transform().encode(slice, slice.rows(Split.TRAIN));
        int[] positions = {5, 0, 17, 3};
        var precomputed = FrozenOutputs.of(encoder, rows, false).pass(positions);
        var perBatch = FrozenOutputs.of(encoder, rows, false, 0).pass(positions);
        // OpenBLAS's summation order depends on how many rows a product has: equal to float rounding, not bitwise
        assertThat(perBatch.input().ravel().toFloatVector()).containsExactly(precomputed.input().ravel().toFloatVector());
        assertThat(perBatch.shared().output().ravel().toFloatVector())
                .containsExactly(precomputed.shared().output().ravel().toFloatVector(), within(1e-5f));
        assertThat(perBatch.task(1).output().ravel().toFloatVector())
                .containsExactly(precomputed.task(1).output().ravel().toFloatVector(), within(1e-5f));
    }

    @Test
    void shouldTuneANewTaskWithoutMovingTheExistingOnes(@TempDir Path dir) {
        PromptTuner.Result tuned = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "education", TUNE, 7, null,
                TrainingListener.SILENT);
        var check = tuned.prompt().metadata().nonInterference();
        assertThat(check.identical()).isTrue();
        assertThat(check.rows()).isEqualTo(slice.rows(Split.TEST).length);
        assertThat(check.tasks()).extracting(c -> c.task()).containsExactly("income", "marital");
        assertThat(tuned.report().metric("education", "test", "auc")).isGreaterThan(0.7);
        // the prompt is a small fraction of the encoder
        long encoderValues = stage1.encoder().bundle().arrays().values().stream().mapToLong(a -> a.data().length).sum();
        assertThat(tuned.prompt().parameterCount()).isLessThan(encoderValues / 2);

        stage1.encoder().bundle().write(dir.resolve("encoder"));
        tuned.prompt().bundle().write(dir.resolve("prompt-education"));
        EncoderArtifact encoder = EncoderArtifact.read(dir.resolve("encoder"));
        TaskPromptArtifact prompt = TaskPromptArtifact.read(dir.resolve("prompt-education"));
        assertThat(encoder.contentSha256()).isEqualTo(stage1.encoder().contentSha256());
        assertThat(prompt.contentSha256()).isEqualTo(tuned.prompt().contentSha256());

        int[] testRows = Arrays.copyOf(slice.rows(Split.TEST), 50);
        List<Map<String, String>> raw = Arrays.stream(testRows).mapToObj(slice::rawRow).toList();
        float[] loaded = new Scorer(encoder, prompt).score(raw);
        float[] original = new Scorer(stage1.encoder(), tuned.prompt()).score(raw);
        assertThat(loaded).containsExactly(original);
        float[] fromEncoded = new Scorer(encoder, prompt).score(encoder.metadata().transform().encode(slice, testRows));
        assertThat(fromEncoded).containsExactly(original);
    }

    /**
     * Beyond the paper: the shared expert attended, a low-rank adapter and the wide part on the new task's path. The existing tasks
     * stay bit-identical, the configuration survives the artifact's round trip, and a paper configuration's manifest
     * does not name the new options (so artifacts written before them keep their content hash).
     */
    @Test
    void shouldTuneWithTheNewTaskPathOptionsWithoutMovingTheExistingOnes(@TempDir Path dir) throws Exception {
        TuneConfig beyond = TUNE.withPath(true, 2, true);
        PromptTuner.Result tuned = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "education", beyond, 7, null,
                TrainingListener.SILENT);
        assertThat(tuned.prompt().metadata().nonInterference().identical()).isTrue();
        assertThat(tuned.report().metric("education", "test", "auc")).isGreaterThan(0.7);
        int inputWidth = stage1.encoder().encoder().inputWidth();
        int hidden = SMALL.expertHidden();
        TaskPromptArtifact paper = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "education",
                TUNE.withEpochs(1), 7, null, TrainingListener.SILENT).prompt();
        long paperParameters = paper.parameterCount();
        // the shared key (D), A (d_in x 2) and B (2 x H1) for each of the 3 experts, a bias per vocabulary value
        long vocabulary = Arrays.stream(stage1.encoder().vocabularySizes()).sum();
        assertThat(tuned.prompt().parameterCount())
                .isEqualTo(paperParameters + SMALL.expertOutput() + 3L * 2 * (inputWidth + hidden) + vocabulary);
        // the wide part's table counts with the embeddings
        assertThat(tuned.report().nonEmbeddingParameters()).isEqualTo(tuned.prompt().parameterCount() - vocabulary);

        tuned.prompt().bundle().write(dir.resolve("prompt-education"));
        TaskPromptArtifact read = TaskPromptArtifact.read(dir.resolve("prompt-education"));
        assertThat(read.metadata().tune()).isEqualTo(beyond);
        int[] testRows = Arrays.copyOf(slice.rows(Split.TEST), 50);
        EncodedRows encoded = stage1.encoder().metadata().transform().encode(slice, testRows);
        assertThat(new Scorer(stage1.encoder(), read).score(encoded))
                .containsExactly(new Scorer(stage1.encoder(), tuned.prompt()).score(encoded));
        String manifest = Files.readString(dir.resolve("prompt-education").resolve("manifest.json"));
        assertThat(manifest).contains("\"adapterRank\" : 2", "\"attendShared\" : true", "\"wide\" : true");
        assertThat(paper.bundle().manifest().toString()).contains("\"fusion\"")
                .doesNotContain("adapterRank", "attendShared", "wide");
    }

    @Test
    void shouldRetuneAnExistingTaskAsANewVersionWithItsParentInTheLineage() {
        TaskPromptArtifact income = stage1.prompts().get(0);
        PromptTuner.Result retuned = PromptTuner.run(slice, stage1.encoder(), stage1.prompts(), "income", TUNE, 8,
                income.contentSha256(), TrainingListener.SILENT);
        assertThat(retuned.prompt().task()).isEqualTo("income");
        assertThat(retuned.prompt().metadata().stage()).isEqualTo(2);
        assertThat(retuned.prompt().metadata().lineage().parentSha256()).isEqualTo(income.contentSha256());
        assertThat(retuned.prompt().contentSha256()).isNotEqualTo(income.contentSha256());
        // the version it replaces is among the outputs that must not move
        assertThat(retuned.prompt().metadata().nonInterference().identical()).isTrue();
        assertThat(retuned.prompt().metadata().nonInterference().tasks()).extracting(c -> c.task()).contains("income");
    }

    @Test
    void shouldScoreConcurrentlyWithTheSameResultsAsOneThread() throws Exception {
        Scorer scorer = new Scorer(stage1.encoder(), stage1.prompts().get(1));
        int[] testRows = Arrays.copyOf(slice.rows(Split.TEST), 100);
        List<Map<String, String>> raw = Arrays.stream(testRows).mapToObj(slice::rawRow).toList();
        float[] expected = scorer.score(raw);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<float[]>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> scorer.score(raw)));
            }
            for (var result : results) {
                assertThat(result.get()).containsExactly(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseATamperedOrForeignArtifact(@TempDir Path dir) throws Exception {
        Path encoderDir = dir.resolve("encoder");
        stage1.encoder().bundle().write(encoderDir);
        Path array = encoderDir.resolve("expert.shared.0.w.npy");
        byte[] bytes = Files.readAllBytes(array);
        bytes[bytes.length - 1] ^= 1;
        Files.write(array, bytes);
        assertThatThrownBy(() -> EncoderArtifact.read(encoderDir))
                .isInstanceOf(ArtifactException.class).hasMessageContaining("corrupted");

        Files.write(array, Arrays.copyOf(bytes, bytes.length - 8));
        assertThatThrownBy(() -> EncoderArtifact.read(encoderDir)).isInstanceOf(ArtifactException.class);

        Pretrainer.Result other = Pretrainer.run(slice, List.of("income", "marital"), SMALL.withEpochs(1), 43,
                TrainingListener.SILENT);
        assertThatThrownBy(() -> new Scorer(other.encoder(), stage1.prompts().get(0)))
                .isInstanceOf(ArtifactException.class).hasMessageContaining("was trained against encoder");
    }
}
