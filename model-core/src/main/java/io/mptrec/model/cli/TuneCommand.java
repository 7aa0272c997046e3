package io.mptrec.model.cli;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.format.Figures;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.report.ContributionReport;
import io.mptrec.model.report.ContributionReports;
import io.mptrec.model.report.ReportOptions;
import io.mptrec.model.training.PromptTuner;
import io.mptrec.model.training.TrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tune", mixinStandardHelpOptions = true,
        header = "Stage 2: train a task prompt against the frozen encoder.",
        description = {"Stage 2: train a task prompt against the frozen encoder: a new task, or a new version of an",
            "existing one. Checks that every existing task's predictions stay bit-identical and stores the result."})
final class TuneCommand implements Callable<Integer> {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--artifacts", required = true, description = "Folder written by pretrain (encoder/, prompt-<task>/).")
    Path artifacts;

    @Option(names = "--task", required = true, description = "The task to tune, as named in the schema's labels.")
    String task;

    @Option(names = "--out", description = "Where to write the new task prompt (default: <artifacts>/prompt-<task>, "
            + "or <artifacts>/prompt-<task>-<hash> when the task already has one).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epochs", description = "Maximum epochs (default 30; early stopping with patience 3).")
    Integer epochs;

    @Option(names = "--batch-size", description = {"Mini-batch size (default 256). An epoch makes (training rows / batch"
            + " size) optimiser steps: with the defaults, 1,000 training rows make 4 steps an epoch and at most 120 in"
            + " all, which is too few on a small dataset; lower the batch size (e.g. 32) or raise --epochs there."})
    Integer batchSize;

    @Option(names = "--learning-rate", description = "Adam learning rate of the task prompt (default 1e-3).")
    Double learningRate;

    @Option(names = "--patience", description = "Epochs without a better validation AUC before stopping (default 3).")
    Integer patience;

    @Option(names = "--fusion", defaultValue = "ATTENTION",
            description = "How the task mixes the existing experts: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    TuneConfig.Fusion fusion;

    @Option(names = "--fixed-gate", description = "Use the fixed gate [0.1, 0.9] instead of a learned one.")
    boolean fixedGate;

    @Option(names = "--paper", description = {"Start from method.md's configuration: none of the options beyond the"
            + " paper below (the benchmark's mpt_rec_paper). Options given explicitly still apply."})
    boolean paper;

    @Option(names = "--attend-shared", negatable = true, description = {"Beyond the paper: the attention also weighs"
            + " the task-sharing expert, through a key the task learns (ATTENTION fusion only). Default: on."})
    Boolean attendShared;

    @Option(names = "--adapter-rank", description = {"Beyond the paper: rank of a low-rank adapter on the first layer"
            + " of every frozen expert, on this task's path only (default 0: none). The existing tasks stay"
            + " bit-identical; each rank adds (input width + expert hidden width) parameters per expert."})
    Integer adapterRank;

    @Option(names = "--wide", negatable = true, description = {"Beyond the paper: a learned bias per categorical value"
            + " added to the task's logit (the wide part of Wide & Deep): the task's own per-user and per-item"
            + " effects, which frozen embeddings trained for other tasks may lack. One parameter per vocabulary value."
            + " Default: on."})
    Boolean wide;

    @Option(names = "--prompt-tokens", description = {"Beyond the paper: read the prompt as this many tokens (default"
            + " 1, the paper's one vector; up to " + TuneConfig.MAX_PROMPT_TOKENS + ", dividing the prompt width). Each"
            + " token attends over the existing tasks on its own slice of the representation. No extra parameter;"
            + " ATTENTION fusion only."})
    Integer promptTokens;

    @Option(names = "--query-residual", negatable = true, description = {"Beyond the paper: the attention's query (the"
            + " task's own projection of the input), scaled per column by a learned vector that starts at zero, is"
            + " added to the tower's input. One parameter per prompt column; ATTENTION fusion only. Default: off."})
    Boolean queryResidual;

    @Option(names = "--report-rows", defaultValue = "2000",
            description = "Rows of the test split for the contribution report written next to the prompt (default ${DEFAULT-VALUE}).")
    int reportRows;

    @Option(names = "--no-report", description = "Do not write the contribution report <prompt folder>.report.json "
            + "(writing it reads the data file once more).")
    boolean noReport;

    @Override
    public Integer call() {
        MptrecCommand.folderOption(out, "--out");
        MptrecCommand.wholeOption(epochs, 1, Integer.MAX_VALUE, "--epochs");
        MptrecCommand.wholeOption(batchSize, 1, Integer.MAX_VALUE, "--batch-size");
        MptrecCommand.positiveOption(learningRate, "--learning-rate");
        MptrecCommand.wholeOption(patience, 1, Integer.MAX_VALUE, "--patience");
        MptrecCommand.wholeOption(adapterRank, 0, TuneConfig.MAX_ADAPTER_RANK, "--adapter-rank");
        // checked before training: a bad --report-rows would otherwise fail after the prompt was written
        ReportOptions reportOptions = noReport ? null : ReportOptions.defaults().withRows(reportRows);
        TuneConfig base = paper ? TuneConfig.paper() : TuneConfig.defaults();
        TuneConfig config = TuneConfig.paper().withFusion(fusion, fixedGate).withPath(
                attendShared != null ? attendShared : base.attendShared() && fusion == TuneConfig.Fusion.ATTENTION,
                adapterRank != null ? adapterRank : base.adapterRank(), wide != null ? wide : base.wide());
        config = config.withQueryResidual(queryResidual != null ? queryResidual
                : base.queryResidual() && fusion == TuneConfig.Fusion.ATTENTION);
        if (MptrecCommand.wholeOption(promptTokens, 1, TuneConfig.MAX_PROMPT_TOKENS, "--prompt-tokens") != null) {
            config = config.withPromptTokens(promptTokens);
        }
        if (epochs != null) {
            config = config.withEpochs(epochs);
        }
        if (batchSize != null) {
            config = config.withBatchSize(batchSize);
        }
        if (learningRate != null) {
            config = config.withLearningRate(learningRate);
        }
        if (patience != null) {
            config = config.withPatience(patience);
        }
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        if (out != null) {
            try {
                ArtifactBundle.requireReplaceable(out, TaskPromptArtifact.KIND, task);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + out, e);
            }
        }
        var encoder = folder.encoder();
        List<TaskPromptArtifact> existing = folder.prompts().stream()
                .filter(p -> p.metadata().encoderSha256().equals(encoder.contentSha256())).toList();
        TaskPromptArtifact parent = Files.isDirectory(folder.promptPath(task)) ? folder.prompt(task) : null;
        try (TrainingData data = dataset.stream(encoder)) {
            System.err.printf("tuning %s against encoder %s (%s)%n", task, Figures.shortHash(encoder.contentSha256()),
                    parent == null ? "new task" : "new version of " + Figures.shortHash(parent.contentSha256()));
            PromptTuner.Result result = PromptTuner.run(data, encoder, existing, task, config, seed,
                    parent == null ? null : parent.contentSha256(), ProgressBar.onStandardError());
            TaskPromptArtifact prompt = result.prompt();
            Path target = out != null ? out : parent == null ? folder.promptPath(task)
                    : artifacts.resolve("prompt-" + task + "-" + prompt.contentSha256().substring(0, 12));
            prompt.bundle().write(target);
            var check = prompt.metadata().nonInterference();
            var r = result.report();
            System.out.printf("task prompt %s %s -> %s%n", task, Figures.shortHash(prompt.contentSha256()), target);
            System.out.printf(Locale.ROOT, "%s (%s rows); %s trainable parameters; %d epochs (best %d), %.1f s%n",
                    PretrainCommand.testMetrics(r, task), Figures.count(check.rows()),
                    Figures.count(r.trainableParameters()), r.epochs(), r.bestEpoch(), r.trainSeconds());
            System.out.printf("non-interference over %s %s rows: %s%n", Figures.count(check.rows()), check.split(),
                    check.identical() ? "existing tasks bit-identical" : "EXISTING TASKS CHANGED");
            if (!noReport) {
                // beside the artifact folder, never inside it: the folder's content is hashed
                Path reportFile = ContributionReports.besideArtifact(target);
                long started = System.nanoTime();
                ContributionReport report = ContributionReports.compute(data, encoder, prompt, reportOptions);
                ContributionReports.write(report, reportFile);
                ReportCommand.print(report, reportFile, (System.nanoTime() - started) / 1e9);
            }
            return check.identical() ? 0 : 1;
        }
    }
}
