package io.mptrec.model.training;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.Lineage;
import io.mptrec.model.artifact.NonInterference;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.artifact.Sha256;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.metrics.BinaryMetrics;
import io.mptrec.model.metrics.ScoredRows;
import io.mptrec.model.network.Batches;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.PromptTuningModel;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.network.TuneConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * Stage 2: trains one task prompt (a new task, or a new version of an existing one) against a frozen encoder,
 * and proves that the existing tasks' predictions over the test split stayed bit-identical.
 */
public final class PromptTuner {

    public record Result(TaskPromptArtifact prompt, TrainingReport report) {
    }

    private PromptTuner() {
    }

    /**
     * @param existing the task prompts already served on this encoder (their outputs must not move)
     * @param parentSha256 the version this one re-tunes, or null for a new task
     */
    public static Result run(Dataset data, EncoderArtifact encoder, List<TaskPromptArtifact> existing, String task,
                             TuneConfig config, long seed, String parentSha256, TrainingListener listener) {
        return run(TrainingData.of(data), encoder, existing, task, config, seed, parentSha256, listener);
    }

    public static Result run(TrainingData data, EncoderArtifact encoder, List<TaskPromptArtifact> existing, String task,
                             TuneConfig config, long seed, String parentSha256, TrainingListener listener) {
        return run(data, encoder, existing, task, config, seed, parentSha256, listener, new int[0], (result, p) -> {
        });
    }

    /**
     * As {@link #run(TrainingData, EncoderArtifact, List, String, TuneConfig, long, String, TrainingListener)}, also
     * handing {@code ended} the result of the run with each patience of {@code shorter} (below the config's) as that
     * run would have ended: the same prompt, bit for bit, with that patience in its config ({@link EarlyStopping}).
     */
    public static Result run(TrainingData data, EncoderArtifact encoder, List<TaskPromptArtifact> existing, String task,
                             TuneConfig config, long seed, String parentSha256, TrainingListener listener,
                             int[] shorter, ObjIntConsumer<Result> ended) {
        if (!data.tasks().contains(task)) {
            throw new IllegalArgumentException("unknown task " + task + "; the schema defines " + data.tasks());
        }
        long started = System.nanoTime();
        FeatureTransform transform = encoder.metadata().transform();
        List<String> tasks = List.of(task);
        TrainingData.Splits splits = data.encode(transform, tasks);
        SplitData train = splits.train();
        SplitData validation = splits.validation();
        SplitData test = splits.test();

        List<TaskHead> existingHeads = existing.stream().map(p -> p.head(encoder)).toList();
        float[][] before = Predictions.of(encoder.encoder(), existingHeads, test.encoded());

        PromptTuningModel model = new PromptTuningModel(encoder.encoder(), config, seed);
        int n = train.rows().length;
        int steps = EpochPlan.steps(n, config.batchSize());
        EarlyStopping.Outcome outcome;
        boolean inputsOnly = model.head().adaptsExperts();
        try (FrozenOutputs frozen = FrozenOutputs.of(encoder.encoder(), train.encoded(), inputsOnly);
             // the validation split's too, in what the budget has left: it is scored after every epoch
             FrozenOutputs validationOutputs = FrozenOutputs.of(encoder.encoder(), validation.encoded(), inputsOnly,
                     KeptRows.maxBytes() - frozen.bytes())) {
            outcome = EarlyStopping.run(model.parameters(), config.maxEpochs(), config.patience(), steps, listener,
                    epoch -> {
                        EpochPlan.forEachBatch(n, seed, epoch, config.batchSize(), (step, positions) -> {
                            double loss = model.trainStep(() -> frozen.pass(positions),
                                    Batches.select(train.labels()[0], positions));
                            listener.stepDone(epoch, step + 1, steps, loss);
                        });
                        return n;
                    }, () -> Map.of(task, BinaryMetrics.auc(validationOutputs.predict(model.head()),
                            validation.labels()[0])),
                    shorter, (end, patience) -> ended.accept(result(data, encoder, existing, existingHeads, before, task,
                            config.withPatience(patience), seed, parentSha256, model, validation, test, end, started),
                            patience));
        }
        return result(data, encoder, existing, existingHeads, before, task, config, seed, parentSha256, model, validation,
                test, outcome, started);
    }

    /** The prompt and report of a run that ended with {@code outcome}, its best weights in {@code model}. */
    private static Result result(TrainingData data, EncoderArtifact encoder, List<TaskPromptArtifact> existing,
                                 List<TaskHead> existingHeads, float[][] before, String task, TuneConfig config,
                                 long seed, String parentSha256, PromptTuningModel model, SplitData validation,
                                 SplitData test, EarlyStopping.Outcome outcome, long started) {
        int epoch = outcome.epochs();
        int bestEpoch = outcome.bestEpoch();

        float[][] after = Predictions.of(encoder.encoder(), existingHeads, test.encoded());
        NonInterference nonInterference = compare(existing, before, after, test.rows().length);

        List<OfflineMetric> metrics = new ArrayList<>(Evaluation.metrics(task, validation.name(),
                model.predict(validation.encoded()), validation.labels()[0], validation.users()));
        float[] testScores = model.predict(test.encoded());
        metrics.addAll(Evaluation.metrics(task, test.name(), testScores, test.labels()[0], test.users()));
        Lineage lineage = new Lineage(data.schema().name(), data.fingerprint(), data.dataSha256(), seed, CodeVersion.get(),
                encoder.contentSha256(), parentSha256, epoch, bestEpoch, metrics);
        TaskPromptArtifact prompt = TaskPromptArtifact.of(new TaskPromptMetadata(task, data.schema().labels().get(task), 2,
                null, config, encoder.contentSha256(), encoder.encoder().inputWidth(),
                encoder.metadata().config().expertOutput(), lineage, nonInterference), model.arrays());
        double seconds = (System.nanoTime() - started) / 1e9;
        long trainable = model.parameters().count();
        // the wide part is a table with one value per vocabulary entry: counted with the embeddings, as stage 1's table
        long embedding = config.wide() ? model.parameters().get(Stage2Head.WIDE).size() : 0;
        return new Result(prompt, new TrainingReport(epoch, bestEpoch, seconds, outcome.samplesPerSecond(),
                trainable, trainable - embedding, metrics, Map.of(task, new ScoredRows(test.labels()[0], testScores))));
    }

    static NonInterference compare(List<TaskPromptArtifact> existing, float[][] before, float[][] after, int rows) {
        List<NonInterference.TaskCheck> checks = new ArrayList<>();
        boolean identical = true;
        for (int t = 0; t < existing.size(); t++) {
            double maxDifference = 0;
            boolean same = true;
            for (int i = 0; i < rows; i++) {
                same &= Float.floatToRawIntBits(before[t][i]) == Float.floatToRawIntBits(after[t][i]);
                maxDifference = Math.max(maxDifference, Math.abs(before[t][i] - after[t][i]));
            }
            identical &= same;
            checks.add(new NonInterference.TaskCheck(existing.get(t).task(), hash(before[t]), hash(after[t]), same, maxDifference));
        }
        return new NonInterference("test", rows, identical, checks);
    }

    /** SHA-256 of the predictions' float32 bits, little-endian: equal hashes mean bit-identical outputs. */
    public static String hash(float[] predictions) {
        ByteBuffer bytes = ByteBuffer.allocate(predictions.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float p : predictions) {
            bytes.putFloat(p);
        }
        return Sha256.hex(bytes.array());
    }
}
