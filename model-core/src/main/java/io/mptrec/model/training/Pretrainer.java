package io.mptrec.model.training;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.EncoderMetadata;
import io.mptrec.model.artifact.Lineage;
import io.mptrec.model.artifact.OfflineMetric;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.MultiTaskModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ObjIntConsumer;

/** Stage 1: trains the multi-task model and freezes it into an encoder artifact and one task prompt per task. */
public final class Pretrainer {

    public record Result(EncoderArtifact encoder, List<TaskPromptArtifact> prompts, TrainingReport report) {
    }

    private Pretrainer() {
    }

    public static Result run(Dataset data, List<String> tasks, ModelConfig config, long seed, TrainingListener listener) {
        return run(TrainingData.of(data), tasks, config, seed, listener);
    }

    public static Result run(TrainingData data, List<String> tasks, ModelConfig config, long seed,
                             TrainingListener listener) {
        return run(data, tasks, config, seed, listener, new int[0], (result, patience) -> {
        });
    }

    /**
     * As {@link #run(TrainingData, List, ModelConfig, long, TrainingListener)}, also handing {@code ended} the result of
     * the run with each patience of {@code shorter} (below the config's) as that run would have ended: the same
     * artifacts, bit for bit, with that patience in their config ({@link EarlyStopping}).
     */
    public static Result run(TrainingData data, List<String> tasks, ModelConfig config, long seed,
                             TrainingListener listener, int[] shorter, ObjIntConsumer<Result> ended) {
        for (String task : tasks) {
            if (!data.tasks().contains(task)) {
                throw new IllegalArgumentException("unknown task " + task + "; the schema defines " + data.tasks());
            }
        }
        long started = System.nanoTime();
        FeatureTransform transform = data.fittedTransform();
        TrainingData.Splits splits = data.encode(transform, tasks);
        SplitData train = splits.train();
        SplitData validation = splits.validation();
        SplitData test = splits.test();
        MultiTaskModel model = MultiTaskModel.create(config, transform.numericWidth(), transform.embeddingRows(), tasks,
                seed);

        int n = train.rows().length;
        int steps = EpochPlan.steps(n, config.batchSize());
        int[] environments = initialEnvironments(n, tasks.size(), seed);
        float[][] rowLosses = new float[tasks.size()][n];
        EarlyStopping.Outcome outcome = EarlyStopping.run(model.parameters(), config.maxEpochs(), config.patience(), steps,
                listener, epoch -> {
                    EpochPlan.forEachBatch(train, seed, epoch, config.batchSize(), (step, batch) -> {
                        double progress = ((epoch - 1) * (double) steps + step) / (config.maxEpochs() * (double) steps);
                        int[] positions = batch.positions();
                        int[] batchEnvironments = config.disentangle() ? select(environments, positions) : null;
                        MultiTaskModel.StepResult result = model.trainStep(batch.rows(), batch.labels(),
                                batchEnvironments, reversal(progress));
                        if (config.disentangle()) {
                            for (int k = 0; k < tasks.size(); k++) {
                                for (int i = 0; i < positions.length; i++) {
                                    rowLosses[k][positions[i]] = result.rowLosses()[k][i];
                                }
                            }
                        }
                        listener.stepDone(epoch, step + 1, steps, result.loss());
                    });
                    if (config.disentangle() && epoch % config.environmentEvery() == 0) {
                        reassignEnvironments(environments, rowLosses);
                    }
                    return n;
                }, () -> Evaluation.aucs(tasks, model::predict, validation), shorter,
                (end, patience) -> ended.accept(result(data, tasks, config.withOptimiser(config.learningRate(), patience),
                        seed, transform, model, validation, test, end, started), patience));
        return result(data, tasks, config, seed, transform, model, validation, test, outcome, started);
    }

    /** The artifacts and report of a run that ended with {@code outcome}, its best weights in {@code model}. */
    private static Result result(TrainingData data, List<String> tasks, ModelConfig config, long seed,
                                 FeatureTransform transform, MultiTaskModel model, SplitData validation, SplitData test,
                                 EarlyStopping.Outcome outcome, long started) {
        int epoch = outcome.epochs();
        int bestEpoch = outcome.bestEpoch();

        Evaluation.Evaluated evaluated = Evaluation.evaluate(tasks, model::predict, List.of(validation, test));
        List<OfflineMetric> metrics = evaluated.metrics();
        List<String> expressions = tasks.stream().map(t -> data.schema().labels().get(t)).toList();
        Lineage encoderLineage = new Lineage(data.schema().name(), data.fingerprint(), data.dataSha256(), seed,
                CodeVersion.get(), null, null, epoch, bestEpoch, metrics);
        EncoderArtifact encoder = EncoderArtifact.of(
                new EncoderMetadata(config, transform, tasks, expressions, encoderLineage), model.encoderArrays());
        List<TaskPromptArtifact> prompts = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            String task = tasks.get(k);
            Lineage lineage = new Lineage(data.schema().name(), data.fingerprint(), data.dataSha256(), seed,
                    CodeVersion.get(), encoder.contentSha256(), null, epoch, bestEpoch,
                    metrics.stream().filter(m -> m.task().equals(task)).toList());
            prompts.add(TaskPromptArtifact.of(new TaskPromptMetadata(task, expressions.get(k), 1, k, null,
                    encoder.contentSha256(), encoder.encoder().inputWidth(), config.expertOutput(), lineage, null),
                    model.headArrays(k)));
        }
        long trainable = model.parameters().count();
        long embedding = model.parameters().get(Encoder.EMBEDDINGS).size();
        double seconds = (System.nanoTime() - started) / 1e9;
        TrainingReport report = new TrainingReport(epoch, bestEpoch, seconds, outcome.samplesPerSecond(),
                trainable, trainable - embedding, metrics, evaluated.test());
        return new Result(encoder, prompts, report);
    }

    /** DANN's schedule for the reversal strength: 0 at the start, approaching 1 at the end. */
    static double reversal(double progress) {
        return 2.0 / (1.0 + Math.exp(-10.0 * progress)) - 1.0;
    }

    private static int[] initialEnvironments(int n, int tasks, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int[] environments = new int[n];
        for (int i = 0; i < n; i++) {
            environments[i] = random.nextInt(tasks);
        }
        return environments;
    }

    /** Each row's environment becomes the task it currently fits best (lowest loss). */
    private static void reassignEnvironments(int[] environments, float[][] rowLosses) {
        for (int i = 0; i < environments.length; i++) {
            int best = 0;
            for (int k = 1; k < rowLosses.length; k++) {
                if (rowLosses[k][i] < rowLosses[best][i]) {
                    best = k;
                }
            }
            environments[i] = best;
        }
    }

    private static int[] select(int[] values, int[] positions) {
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = values[positions[i]];
        }
        return out;
    }


}
