package io.mptrec.model.cli;

import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.format.Figures;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.TrainingData;
import io.mptrec.model.training.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
        header = "Stage 1: train the multi-task model and write the frozen encoder and task prompts.",
        description = {"Stage 1: train the multi-task model on the existing tasks and write the frozen encoder",
            "and one task prompt per task into --out (encoder/, prompt-<task>/)."})
final class PretrainCommand implements Callable<Integer> {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--tasks", required = true, split = ",", description = "Stage-1 tasks, as named in the schema's labels.")
    List<String> tasks;

    @Option(names = "--out", required = true, description = "Folder to write the artifacts into.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epochs", description = "Maximum epochs (default 30; early stopping with patience 3).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Mini-batch size (default 256).")
    Integer batchSize;

    @Option(names = "--disentangle", description = "Add the gradient-reversal task classifier on the shared expert.")
    boolean disentangle;

    @Override
    public Integer call() {
        MptrecCommand.folderOption(out, "--out");
        ArtifactFolder folder = new ArtifactFolder(out);
        if (Files.exists(folder.encoderPath())) {
            // a new encoder would leave every prompt tuned on the one there unusable
            throw new IllegalArgumentException("--out: " + out + " holds an encoder already (and the prompts trained"
                    + " on it); give a new folder");
        }
        Set<String> distinct = new HashSet<>();
        for (String task : tasks) {
            folder.promptPath(task);
            if (!distinct.add(task)) {
                throw new IllegalArgumentException("--tasks: " + task + " is given twice");
            }
        }
        MptrecCommand.wholeOption(epochs, 1, Integer.MAX_VALUE, "--epochs");
        MptrecCommand.wholeOption(batchSize, 1, Integer.MAX_VALUE, "--batch-size");
        ModelConfig config = ModelConfig.defaults().withDisentangle(disentangle);
        if (epochs != null) {
            config = config.withEpochs(epochs);
        }
        if (batchSize != null) {
            config = config.withBatchSize(batchSize);
        }
        Pretrainer.Result result;
        try (TrainingData data = dataset.stream(null)) {
            System.err.printf("pretraining %s on %s (%d rows), seed %d%n", tasks, data.schema().name(), data.rowCount(),
                    seed);
            result = Pretrainer.run(data, tasks, config, seed, ProgressBar.onStandardError());
        }
        result.encoder().bundle().write(folder.encoderPath());
        for (TaskPromptArtifact prompt : result.prompts()) {
            prompt.bundle().write(folder.promptPath(prompt.task()));
        }
        var r = result.report();
        System.out.printf("encoder %s -> %s%n", Figures.shortHash(result.encoder().contentSha256()), folder.encoderPath());
        for (TaskPromptArtifact prompt : result.prompts()) {
            System.out.printf("task prompt %-10s %s %s%n", prompt.task(), Figures.shortHash(prompt.contentSha256()),
                    testMetrics(r, prompt.task()));
        }
        System.out.printf(Locale.ROOT, "%d epochs (best %d), %.1f s, %s samples/s, %s trainable parameters (%s without embeddings)%n",
                r.epochs(), r.bestEpoch(), r.trainSeconds(), Figures.count(Math.round(r.samplesPerSecond())),
                Figures.count(r.trainableParameters()), Figures.count(r.nonEmbeddingParameters()));
        return 0;
    }

    /** "test AUC a  logloss b", and "  GAUC c" where the schema names a user column, each by the formatting policy. */
    static String testMetrics(TrainingReport report, String task) {
        var gauc = report.optionalMetric(task, "test", "gauc");
        return "test AUC " + Figures.estimate(report.metric(task, "test", "auc"))
                + "  logloss " + Figures.estimate(report.metric(task, "test", "logloss"))
                + (gauc.isPresent() ? "  GAUC " + Figures.estimate(gauc.getAsDouble()) : "");
    }
}
