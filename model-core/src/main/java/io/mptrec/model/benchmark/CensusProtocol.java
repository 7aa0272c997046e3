package io.mptrec.model.benchmark;

import io.mptrec.model.artifact.NonInterference;
import io.mptrec.model.baseline.BaselineTrainer;
import io.mptrec.model.baseline.ExpertNetwork;
import io.mptrec.model.baseline.GradientBoostedTrees;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.data.Split;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.training.PromptTuner;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingListener;
import io.mptrec.model.training.TrainingReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The canonical benchmark protocol of method.md (Census's, and KuaiRand's with its own tasks): on one dataset, for each seed, MPT-Rec stage 1 and its
 * baselines on the existing tasks, then the new task on each frozen model (MPT-Rec stage 2, frozen
 * Shared-Bottom + new tower, frozen MMoE experts + new gate and tower) against joint retraining (MPT-Rec's
 * stage-1 network trained from scratch on all K + 1 tasks), and gradient-boosted trees per task in both settings.
 */
public final class CensusProtocol {

    /**
     * @param existingTasks the stage-1 tasks (income, marital); {@code newTask} the task added later (education)
     * @param mmoeExperts experts of MMoE (3)
     */
    public record Settings(List<String> existingTasks, String newTask, ModelConfig model, TuneConfig tune, int mmoeExperts) {
        public Settings {
            existingTasks = List.copyOf(existingTasks);
        }

        /** method.md's configuration, with at most {@code maxEpochs} epochs per run. */
        public static Settings census(int maxEpochs) {
            return new Settings(List.of("income", "marital"), "education", ModelConfig.defaults().withEpochs(maxEpochs),
                    TuneConfig.defaults().withEpochs(maxEpochs), 3);
        }

        /**
         * KuaiRand-Pure's protocol (its README): click, long_view and like first, profile_enter as the new task; the
         * model and tuning settings of method.md as for Census.
         */
        public static Settings kuairand(int maxEpochs) {
            return new Settings(List.of("click", "long_view", "like"), "profile_enter",
                    ModelConfig.defaults().withEpochs(maxEpochs), TuneConfig.defaults().withEpochs(maxEpochs), 3);
        }

        /** A smoke test of the harness: experts 32 -> 16 instead of 256 -> 128, everything else as {@link #census}. */
        public static Settings quick(int maxEpochs) {
            return census(maxEpochs).quick();
        }

        /** These settings with experts 32 -> 16: a smoke test of the harness. */
        public Settings quick() {
            return new Settings(existingTasks, newTask, model.withSizes(32, 16), tune, mmoeExperts);
        }

        /**
         * The stage-2 configurations the protocol runs on the same frozen encoder, the default ({@link #tune}) first:
         * the paper's ({@code mpt_rec_paper}), each option beyond it on its own, for the ablation rows, and the
         * default without its adapter (the default before the adapter joined it), which shows what the adapter adds.
         */
        public List<TuneConfig> stage2Variants() {
            TuneConfig paper = tune.withPath(false, 0, false);
            Set<TuneConfig> variants = new LinkedHashSet<>(List.of(tune, paper, paper.withPath(true, 0, false),
                    paper.withPath(false, ABLATION_ADAPTER_RANK, false), paper.withPath(false, 0, true),
                    paper.withPromptTokens(ABLATION_PROMPT_TOKENS), tune.withPath(tune.attendShared(), 0, tune.wide())));
            return List.copyOf(variants);
        }
    }

    /** The adapter rank of the ablation rows: the default's. */
    static final int ABLATION_ADAPTER_RANK = TuneConfig.DEFAULT_ADAPTER_RANK;

    /** The prompt tokens of the ablation rows: 4 slices of 32 values with the default D = 128. */
    static final int ABLATION_PROMPT_TOKENS = 4;

    /**
     * The model name of a stage-2 configuration in the results: mpt_rec_paper, mpt_rec_attend_shared_adapter_r4_wide,
     * mpt_rec_tokens4, ...
     */
    static String variantName(TuneConfig tune) {
        if (tune.isPaper()) {
            return "mpt_rec_paper";
        }
        return "mpt_rec" + (tune.attendShared() ? "_attend_shared" : "")
                + (tune.adapterRank() > 0 ? "_adapter_r" + tune.adapterRank() : "") + (tune.wide() ? "_wide" : "")
                + (tune.promptTokens() > 1 ? "_tokens" + tune.promptTokens() : "");
    }

    private final Dataset data;
    private final Settings settings;
    private final PrintStream log;
    private double cpuMark;

    public CensusProtocol(Dataset data, Settings settings, PrintStream log) {
        this.data = data;
        this.settings = settings;
        this.log = log;
        for (String task : allTasks()) {
            if (!data.tasks().contains(task)) {
                throw new IllegalArgumentException("unknown task " + task + "; the schema defines " + data.tasks());
            }
        }
    }

    private List<String> allTasks() {
        List<String> all = new ArrayList<>(settings.existingTasks());
        all.add(settings.newTask());
        return all;
    }

    /** Runs every model of one seed, handing each record to {@code out} as soon as it exists. */
    public void runSeed(long seed, Consumer<BenchmarkRecord> out) {
        List<String> existing = settings.existingTasks();
        String newTask = settings.newTask();
        ModelConfig config = settings.model();

        // MPT-Rec: stage 1 on the existing tasks, stage 2 for the new task on the frozen encoder
        startCpu();
        Pretrainer.Result stage1 = Pretrainer.run(data, existing, config, seed, TrainingListener.SILENT);
        emitAll("mpt_rec", BenchmarkRecord.STAGE1, existing, seed, stage1.report(), cpuSinceStart(), out);
        // each stage-2 variant on the same frozen encoder; mpt_rec is the default's figures, under its own name too
        for (TuneConfig variant : settings.stage2Variants()) {
            startCpu();
            PromptTuner.Result stage2 = PromptTuner.run(data, stage1.encoder(), stage1.prompts(), newTask, variant, seed,
                    null, TrainingListener.SILENT);
            double cpu = cpuSinceStart();
            NonInterference check = stage2.prompt().metadata().nonInterference();
            if (variant.equals(settings.tune())) {
                emit("mpt_rec", BenchmarkRecord.NEW_TASK, newTask, seed, stage2.report(), cpu, null, out);
                for (NonInterference.TaskCheck task : check.tasks()) {
                    emitKept("mpt_rec", task.task(), seed, stage1.report(), task.identical(), out);
                }
            } else if (!check.identical()) {
                // never expected: a variant trains only its own arrays; the default's rows show the check per task
                throw new IllegalStateException(variantName(variant) + " moved an existing task's outputs: " + check);
            }
            emit(variantName(variant), BenchmarkRecord.NEW_TASK, newTask, seed, stage2.report(), cpu, check.identical(), out);
        }

        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));
        int numeric = transform.numericWidth();
        int[] vocabularies = transform.embeddingRows();
        Splits existingSplits = new Splits(transform, existing);
        Splits newSplits = new Splits(transform, List.of(newTask));

        for (String task : existing) {
            List<String> one = List.of(task);
            stage1(ExpertNetwork.sharedBottom(config, numeric, vocabularies, one, seed), new Splits(transform, one), seed,
                    out);
        }
        ExpertNetwork sharedBottom = ExpertNetwork.sharedBottom(config, numeric, vocabularies, existing, seed);
        newTaskOnFrozen(sharedBottom, stage1(sharedBottom, existingSplits, seed, out), existingSplits, newSplits, seed, out);
        ExpertNetwork mmoe = ExpertNetwork.mmoe(config, numeric, vocabularies, existing, settings.mmoeExperts(), seed);
        newTaskOnFrozen(mmoe, stage1(mmoe, existingSplits, seed, out), existingSplits, newSplits, seed, out);
        stage1(ExpertNetwork.ple(config, numeric, vocabularies, existing, seed), existingSplits, seed, out);

        // gradient-boosted trees, one model per task: each existing task, and the new task trained on its own
        for (String task : existing) {
            Splits one = new Splits(transform, List.of(task));
            startCpu();
            emit(GradientBoostedTrees.NAME, BenchmarkRecord.STAGE1, task, seed, one.trainTrees(task, seed), cpuSinceStart(),
                    null, out);
        }
        startCpu();
        emit(GradientBoostedTrees.NAME, BenchmarkRecord.NEW_TASK, newTask, seed, newSplits.trainTrees(newTask, seed),
                cpuSinceStart(), null, out);
        // the new task's own network from scratch on its labels alone: what a team without a multi-task model would train
        ExpertNetwork single = ExpertNetwork.sharedBottom(config, numeric, vocabularies, List.of(newTask), seed);
        startCpu();
        emit(single.name(), BenchmarkRecord.NEW_TASK, newTask, seed, newSplits.train(single, seed), cpuSinceStart(), null,
                out);

        // joint retraining: the same stage-1 network from scratch on all K + 1 tasks; it replaces the existing tasks' models
        startCpu();
        Pretrainer.Result joint = Pretrainer.run(data, allTasks(), config, seed, TrainingListener.SILENT);
        double jointCpu = cpuSinceStart();
        emit("joint_retraining", BenchmarkRecord.NEW_TASK, newTask, seed, joint.report(), jointCpu, null, out);
        for (String task : existing) {
            emit("joint_retraining", BenchmarkRecord.NEW_TASK, task, seed, joint.report(), jointCpu, false, out);
        }
    }

    /** Trains a baseline on its splits' tasks and emits a stage-1 record per task, with the CPU time it took. */
    private TrainingReport stage1(ExpertNetwork network, Splits splits, long seed, Consumer<BenchmarkRecord> out) {
        startCpu();
        TrainingReport report = splits.train(network, seed);
        emitAll(network.name(), BenchmarkRecord.STAGE1, network.tasks(), seed, report, cpuSinceStart(), out);
        return report;
    }

    /** The baselines' new-task setting; the trained network's test predictions are compared bit for bit around it. */
    private void newTaskOnFrozen(ExpertNetwork trained, TrainingReport trainedReport, Splits existingSplits, Splits newSplits,
                                 long seed, Consumer<BenchmarkRecord> out) {
        float[][] before = trained.predict(existingSplits.test().encoded());
        ExpertNetwork head = ExpertNetwork.newTask(trained, settings.newTask(), seed);
        startCpu();
        TrainingReport headReport = newSplits.train(head, seed);
        emit(head.name(), BenchmarkRecord.NEW_TASK, settings.newTask(), seed, headReport, cpuSinceStart(), null, out);
        float[][] after = trained.predict(existingSplits.test().encoded());
        for (int k = 0; k < trained.tasks().size(); k++) {
            boolean identical = PromptTuner.hash(before[k]).equals(PromptTuner.hash(after[k]));
            emitKept(head.name(), trained.tasks().get(k), seed, trainedReport, identical, out);
        }
    }

    private final class Splits {
        private final SplitData train;
        private final SplitData validation;
        private final SplitData test;

        Splits(FeatureTransform transform, List<String> tasks) {
            train = SplitData.of(data, transform, Split.TRAIN, tasks);
            validation = SplitData.of(data, transform, Split.VALIDATION, tasks);
            test = SplitData.of(data, transform, Split.TEST, tasks);
        }

        SplitData test() {
            return test;
        }

        TrainingReport train(ExpertNetwork network, long seed) {
            return BaselineTrainer.train(network, train, validation, test, seed, TrainingListener.SILENT);
        }

        TrainingReport trainTrees(String task, long seed) {
            return GradientBoostedTrees.train(task, train, validation, test, seed);
        }
    }

    private void startCpu() {
        cpuMark = ProcessCpu.seconds();
    }

    private double cpuSinceStart() {
        return ProcessCpu.seconds() - cpuMark;
    }

    /** The records of one multi-task run, one per task; they share the run's cost. */
    private void emitAll(String model, String setting, List<String> tasks, long seed, TrainingReport report, double cpuSeconds,
                         Consumer<BenchmarkRecord> out) {
        for (String task : tasks) {
            emit(model, setting, task, seed, report, cpuSeconds, null, out);
        }
    }

    private void emit(String model, String setting, String task, long seed, TrainingReport r, double cpuSeconds,
                      Boolean identical, Consumer<BenchmarkRecord> out) {
        BenchmarkRecord record = new BenchmarkRecord(model, setting, task, seed, r.metric(task, "test", "auc"),
                r.metric(task, "test", "logloss"), optional(r, task, "test", "ece"), optional(r, task, "test", "gauc"),
                optional(r, task, "validation", "auc"),
                r.trainableParameters(), r.nonEmbeddingParameters(), r.trainSeconds(), cpuSeconds, r.samplesPerSecond(),
                r.epochs(), r.bestEpoch(), identical);
        log(record);
        out.accept(record);
    }

    /** An existing task that a frozen model keeps serving after the new task: its stage-1 figures, nothing trained. */
    private void emitKept(String model, String task, long seed, TrainingReport stage1, boolean identical,
                          Consumer<BenchmarkRecord> out) {
        BenchmarkRecord record = new BenchmarkRecord(model, BenchmarkRecord.NEW_TASK, task, seed,
                stage1.metric(task, "test", "auc"), stage1.metric(task, "test", "logloss"),
                optional(stage1, task, "test", "ece"), optional(stage1, task, "test", "gauc"), null, 0, 0, 0, 0, null, 0, 0, identical);
        log(record);
        out.accept(record);
    }

    /** A metric that not every report has (GAUC needs a user column), or null. */
    private static Double optional(TrainingReport r, String task, String split, String metric) {
        var value = r.optionalMetric(task, split, metric);
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private void log(BenchmarkRecord r) {
        log.printf("seed %d  %-8s %-20s %-10s test AUC %.4f  logloss %.4f%s%s  %,d params (%,d non-embedding)  %.1f s (CPU %.1f s)  %d epochs (best %d)%s%n",
                r.seed(), r.setting(), r.model(), r.task(), r.testAuc(), r.testLogloss(),
                r.testEce() == null ? "" : String.format("  ECE %.4f", r.testEce()), r.testGauc() == null ? "" : String.format("  GAUC %.4f", r.testGauc()), r.trainableParams(),
                r.trainableParamsNonembedding(), r.trainSeconds(), r.trainCpuSeconds(), r.epochs(), r.bestEpoch(),
                r.existingOutputsBitIdentical() == null ? "" : "  bit-identical " + r.existingOutputsBitIdentical());
        log.flush();
    }
}
