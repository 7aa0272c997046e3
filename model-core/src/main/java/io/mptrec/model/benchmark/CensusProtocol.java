package io.mptrec.model.benchmark;

import io.mptrec.model.artifact.NonInterference;
import io.mptrec.model.baseline.BaselineTrainer;
import io.mptrec.model.baseline.ExpertNetwork;
import io.mptrec.model.baseline.GradientBoostedTrees;
import io.mptrec.model.data.Dataset;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.metrics.ScoredRows;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.training.PromptTuner;
import io.mptrec.model.training.Pretrainer;
import io.mptrec.model.training.SplitData;
import io.mptrec.model.training.TrainingData;
import io.mptrec.model.training.TrainingListener;
import io.mptrec.model.training.TrainingReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;

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
     * @param grid the tuning grid every method is trained over ({@link TuningGrid#none()}: each at its configuration)
     */
    public record Settings(List<String> existingTasks, String newTask, ModelConfig model, TuneConfig tune, int mmoeExperts,
                           TuningGrid grid) {
        public Settings {
            existingTasks = List.copyOf(existingTasks);
        }

        public Settings(List<String> existingTasks, String newTask, ModelConfig model, TuneConfig tune, int mmoeExperts) {
            this(existingTasks, newTask, model, tune, mmoeExperts, TuningGrid.none());
        }

        /** These settings with every method trained over {@code tuning}. */
        public Settings withGrid(TuningGrid tuning) {
            return new Settings(existingTasks, newTask, model, tune, mmoeExperts, tuning);
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
            return new Settings(existingTasks, newTask, model.withSizes(32, 16), tune, mmoeExperts, grid);
        }

        /**
         * The stage-2 configurations the protocol runs on the same frozen encoder, the default ({@link #tune}) first:
         * the paper's ({@code mpt_rec_paper}); the shared expert attended, the wide part and several prompt tokens,
         * each on its own over the paper's; the default with a low-rank adapter, which shows what the adapter adds;
         * and the default with its query residual switched, which shows what the residual does. The adapter over the
         * paper's head alone left the list when the residual came (2026-12-05), so that the grid stays within its hour;
         * the adapter's row is the one over the default, the head users get.
         */
        public List<TuneConfig> stage2Variants() {
            TuneConfig paper = tune.withPath(false, 0, false).withPromptTokens(1).withQueryResidual(false);
            Set<TuneConfig> variants = new LinkedHashSet<>(List.of(tune, paper, paper.withPath(true, 0, false),
                    paper.withPath(false, 0, true), paper.withPromptTokens(ABLATION_PROMPT_TOKENS),
                    tune.withPath(tune.attendShared(), ABLATION_ADAPTER_RANK, tune.wide()),
                    tune.withQueryResidual(!tune.queryResidual())));
            return List.copyOf(variants);
        }
    }

    /**
     * The adapter rank of the ablation rows: the largest that keeps the default's Census head (piecewise-linear inputs)
     * with an adapter within 10 % of joint retraining's non-embedding parameters.
     */
    static final int ABLATION_ADAPTER_RANK = 3;

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
                + (tune.adapterRank() > 0 ? "_adapter_r" + tune.adapterRank() : "")
                + (tune.queryResidual() ? "_query_residual" : "") + (tune.wide() ? "_wide" : "")
                + (tune.promptTokens() > 1 ? "_tokens" + tune.promptTokens() : "");
    }

    private final Dataset data;
    private final Settings settings;
    private final PrintStream log;
    private final BiConsumer<BenchmarkRecord, ScoredRows> testScores;
    private double cpuMark;

    /**
     * @param testScores handed each record's test predictions with their labels just before the record itself (every
     *     record of a trained run; not those of an existing task a frozen model keeps serving)
     */
    public CensusProtocol(Dataset data, Settings settings, PrintStream log,
                          BiConsumer<BenchmarkRecord, ScoredRows> testScores) {
        this.data = data;
        this.settings = settings;
        this.log = log;
        this.testScores = testScores;
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

    /**
     * The three parts of a seed's runs, in the order a whole seed runs them; they depend on nothing of each other, so
     * processes side by side can share one seed's work (the benchmark command's {@code --workers}), and together they
     * give the records of the whole seed.
     */
    public enum Methods {
        /** MPT-Rec's stage 1, then every stage-2 variant on its frozen encoder. */
        mpt_rec,
        /** The neural baselines (single-task, Shared-Bottom, MMoE, PLE) and the frozen heads on two of them. */
        baselines,
        /** The references a task is also measured against: the trees, the new task alone, joint retraining. */
        references
    }

    /** Runs every model of one seed, handing each record to {@code out} as soon as it exists. */
    public void runSeed(long seed, Consumer<BenchmarkRecord> out) {
        runSeed(seed, EnumSet.allOf(Methods.class), out);
    }

    /** Runs the models of {@code methods} of one seed, in the order of a whole seed's run. */
    public void runSeed(long seed, Set<Methods> methods, Consumer<BenchmarkRecord> out) {
        // one for the seed's runs: the transform is fitted and each split encoded once, not once per run
        TrainingData training = TrainingData.of(data);
        if (methods.contains(Methods.mpt_rec)) {
            runMptRec(seed, training, out);
        }
        if (methods.contains(Methods.baselines)) {
            runBaselines(seed, training, out);
        }
        if (methods.contains(Methods.references)) {
            runReferences(seed, training, out);
        }
    }

    /** MPT-Rec: stage 1 on the existing tasks, stage 2 for the new task on the frozen encoder. */
    private void runMptRec(long seed, TrainingData training, Consumer<BenchmarkRecord> out) {
        List<String> existing = settings.existingTasks();
        String newTask = settings.newTask();
        ModelConfig config = settings.model();
        List<TuningGrid.Point> networkGrid = settings.grid().networks();
        Tuned<Pretrainer.Result> stage1 = tuned(networkGrid, point(config), existing,
                (p, shorter, ended) -> Pretrainer.run(training, existing,
                        config.withOptimiser(p.learningRate(), p.patience()), seed, TrainingListener.SILENT, shorter,
                        ended), Pretrainer.Result::report);
        emitAll("mpt_rec", BenchmarkRecord.STAGE1, existing, seed, stage1, out);
        // each stage-2 variant on the same frozen encoder; mpt_rec is the default's figures, under its own name too
        for (TuneConfig variant : settings.stage2Variants()) {
            Tuned<PromptTuner.Result> stage2 = tuned(networkGrid, new TuningGrid.Point(variant.learningRate(),
                    variant.patience()), List.of(newTask), (p, shorter, ended) -> PromptTuner.run(training,
                    stage1.result().encoder(), stage1.result().prompts(), newTask,
                    variant.withLearningRate(p.learningRate()).withPatience(p.patience()), seed, null,
                    TrainingListener.SILENT, shorter, ended), PromptTuner.Result::report);
            NonInterference check = stage2.result().prompt().metadata().nonInterference();
            if (variant.equals(settings.tune())) {
                emit("mpt_rec", BenchmarkRecord.NEW_TASK, newTask, seed, stage2, null, out);
                for (NonInterference.TaskCheck task : check.tasks()) {
                    emitKept("mpt_rec", task.task(), seed, stage1.report(), task.identical(), out);
                }
            } else if (!check.identical()) {
                // never expected: a variant trains only its own arrays; the default's rows show the check per task
                throw new IllegalStateException(variantName(variant) + " moved an existing task's outputs: " + check);
            }
            emit(variantName(variant), BenchmarkRecord.NEW_TASK, newTask, seed, stage2, check.identical(), out);
        }
    }

    /** The neural baselines on the existing tasks, and the frozen heads on Shared-Bottom and MMoE. */
    private void runBaselines(long seed, TrainingData training, Consumer<BenchmarkRecord> out) {
        List<String> existing = settings.existingTasks();
        String newTask = settings.newTask();
        FeatureTransform transform = training.fittedTransform();
        int numeric = transform.numericWidth();
        int[] vocabularies = transform.embeddingRows();
        Splits existingSplits = new Splits(training, transform, existing);
        Splits newSplits = new Splits(training, transform, List.of(newTask));

        for (String task : existing) {
            List<String> one = List.of(task);
            stage1(c -> ExpertNetwork.sharedBottom(c, numeric, vocabularies, one, seed),
                    new Splits(training, transform, one), seed, out);
        }
        Tuned<TrainedNetwork> sharedBottom = stage1(c -> ExpertNetwork.sharedBottom(c, numeric, vocabularies, existing,
                seed), existingSplits, seed, out);
        newTaskOnFrozen(sharedBottom, existingSplits, newSplits, seed, out);
        Tuned<TrainedNetwork> mmoe = stage1(c -> ExpertNetwork.mmoe(c, numeric, vocabularies, existing,
                settings.mmoeExperts(), seed), existingSplits, seed, out);
        newTaskOnFrozen(mmoe, existingSplits, newSplits, seed, out);
        stage1(c -> ExpertNetwork.ple(c, numeric, vocabularies, existing, seed), existingSplits, seed, out);
    }

    /** The gradient-boosted trees, the new task's own network and joint retraining. */
    private void runReferences(long seed, TrainingData training, Consumer<BenchmarkRecord> out) {
        List<String> existing = settings.existingTasks();
        String newTask = settings.newTask();
        ModelConfig config = settings.model();
        List<TuningGrid.Point> networkGrid = settings.grid().networks();
        FeatureTransform transform = training.fittedTransform();
        int numeric = transform.numericWidth();
        int[] vocabularies = transform.embeddingRows();
        Splits newSplits = new Splits(training, transform, List.of(newTask));

        // gradient-boosted trees, one model per task: each existing task, and the new task trained on its own
        for (String task : existing) {
            emit(GradientBoostedTrees.NAME, BenchmarkRecord.STAGE1, task, seed,
                    trees(new Splits(training, transform, List.of(task)), seed), null, out);
        }
        emit(GradientBoostedTrees.NAME, BenchmarkRecord.NEW_TASK, newTask, seed, trees(newSplits, seed), null, out);
        // the new task's own network from scratch on its labels alone: what a team without a multi-task model would train
        Tuned<TrainingReport> single = tuned(networkGrid, point(config), List.of(newTask),
                (p, shorter, ended) -> newSplits.train(ExpertNetwork.sharedBottom(config.withOptimiser(p.learningRate(),
                        p.patience()), numeric, vocabularies, List.of(newTask), seed), seed, shorter, ended), r -> r);
        emit("single_task", BenchmarkRecord.NEW_TASK, newTask, seed, single, null, out);

        // joint retraining: the same stage-1 network from scratch on all K + 1 tasks; it replaces the existing tasks' models
        Tuned<Pretrainer.Result> joint = tuned(networkGrid, point(config), allTasks(),
                (p, shorter, ended) -> Pretrainer.run(training, allTasks(),
                        config.withOptimiser(p.learningRate(), p.patience()), seed, TrainingListener.SILENT, shorter,
                        ended), Pretrainer.Result::report);
        emit("joint_retraining", BenchmarkRecord.NEW_TASK, newTask, seed, joint, null, out);
        for (String task : existing) {
            emit("joint_retraining", BenchmarkRecord.NEW_TASK, task, seed, joint, false, out);
        }
    }

    /**
     * A method's run chosen from its grid: the result, its report and CPU time, the point it ran at, and every run of
     * the grid with its validation score.
     */
    private record Tuned<T>(T result, TrainingReport report, double cpuSeconds, TuningGrid.Point point,
                            List<TuningGrid.Trial> trials) {
    }

    /** Trains a method at a point of the grid, handing {@code ended} on the way the runs with shorter patiences. */
    @FunctionalInterface
    private interface Trainer<T> {
        T train(TuningGrid.Point point, int[] shorter, ObjIntConsumer<T> ended);
    }

    /** A run of the grid: its result and the process's CPU seconds from its start to its end. */
    private record Run<T>(T result, double cpuSeconds) {
    }

    /**
     * Trains at every point of {@code grid} (or once at {@code configured} without a grid) and keeps the run with the
     * best sum of validation AUCs over {@code tasks}; the first of equal runs wins. Each learning rate trains once, at
     * its longest patience: the runs with its shorter patiences are the start of that run and are handed over on the way
     * ({@link io.mptrec.model.training.EarlyStopping}, {@link GradientBoostedTrees}), the same results as runs of their
     * own at half the cost of the grid. A handed-over run's CPU and wall time are those up to its end.
     */
    private <T> Tuned<T> tuned(List<TuningGrid.Point> grid, TuningGrid.Point configured, List<String> tasks,
                               Trainer<T> train, Function<T, TrainingReport> reportOf) {
        List<TuningGrid.Point> points = TuningGrid.orConfigured(grid, configured);
        Map<Double, SortedSet<Integer>> patiences = new LinkedHashMap<>();
        for (TuningGrid.Point p : points) {
            patiences.computeIfAbsent(p.learningRate(), r -> new TreeSet<>()).add(p.patience());
        }
        Map<TuningGrid.Point, Run<T>> runs = new HashMap<>();
        for (Map.Entry<Double, SortedSet<Integer>> rate : patiences.entrySet()) {
            double learningRate = rate.getKey();
            int longest = rate.getValue().last();
            int[] shorter = rate.getValue().headSet(longest).stream().mapToInt(Integer::intValue).toArray();
            startCpu();
            T result = train.train(new TuningGrid.Point(learningRate, longest), shorter, (r, patience) ->
                    runs.put(new TuningGrid.Point(learningRate, patience), new Run<>(r, cpuSinceStart())));
            runs.put(new TuningGrid.Point(learningRate, longest), new Run<>(result, cpuSinceStart()));
        }
        Tuned<T> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        List<TuningGrid.Trial> trials = new ArrayList<>();
        for (TuningGrid.Point p : points) {
            Run<T> run = runs.get(p);
            TrainingReport report = reportOf.apply(run.result());
            double score = 0;
            for (String task : tasks) {
                score += report.metric(task, "validation", "auc");
            }
            trials.add(new TuningGrid.Trial(p.learningRate(), p.patience(), score));
            if (points.size() > 1) {
                log.printf("  grid: learning rate/patience %s on %s, validation AUC sum %.4f%n", p,
                        String.join(",", tasks), score);
            }
            if (score > bestScore) {
                bestScore = score;
                best = new Tuned<>(run.result(), report, run.cpuSeconds(), p, null);
            }
        }
        return new Tuned<>(best.result(), best.report(), best.cpuSeconds(), best.point(),
                points.size() > 1 ? trials : List.of());
    }

    /** The trees of the splits' one task over the grid's tree points (or at their own settings). */
    private Tuned<TrainingReport> trees(Splits splits, long seed) {
        String task = splits.tasks().get(0);
        return tuned(settings.grid().trees(), new TuningGrid.Point(GradientBoostedTrees.LEARNING_RATE,
                GradientBoostedTrees.PATIENCE), splits.tasks(), (p, shorter, ended) -> GradientBoostedTrees.train(task,
                splits.train, splits.validation, splits.test, seed, p.learningRate(), p.patience(), shorter, ended),
                r -> r);
    }

    private static TuningGrid.Point point(ModelConfig config) {
        return new TuningGrid.Point(config.learningRate(), config.patience());
    }

    /** A baseline trained on its splits, and its report. */
    private record TrainedNetwork(ExpertNetwork network, TrainingReport report) {
    }

    /** Trains a baseline over the grid on its splits' tasks and emits a stage-1 record per task. */
    private Tuned<TrainedNetwork> stage1(Function<ModelConfig, ExpertNetwork> network, Splits splits, long seed,
                                         Consumer<BenchmarkRecord> out) {
        ModelConfig config = settings.model();
        Tuned<TrainedNetwork> tuned = tuned(settings.grid().networks(), point(config), splits.tasks(),
                (p, shorter, ended) -> {
                    ExpertNetwork n = network.apply(config.withOptimiser(p.learningRate(), p.patience()));
                    TrainingReport report = splits.train(n, seed, shorter, (r, patience) -> {
                        // the shorter run's network: a new one of its config, given the best weights n holds now
                        ExpertNetwork copy = network.apply(config.withOptimiser(p.learningRate(), patience));
                        copy.parameters().restore(n.parameters().snapshot());
                        ended.accept(new TrainedNetwork(copy, r), patience);
                    });
                    return new TrainedNetwork(n, report);
                }, TrainedNetwork::report);
        ExpertNetwork trained = tuned.result().network();
        emitAll(trained.name(), BenchmarkRecord.STAGE1, trained.tasks(), seed, tuned, out);
        return tuned;
    }

    /** The baselines' new-task setting; the trained network's test predictions are compared bit for bit around it. */
    private void newTaskOnFrozen(Tuned<TrainedNetwork> trained, Splits existingSplits, Splits newSplits, long seed,
                                 Consumer<BenchmarkRecord> out) {
        ExpertNetwork network = trained.result().network();
        float[][] before = network.predict(existingSplits.test().encoded());
        Tuned<TrainingReport> head = tuned(settings.grid().networks(), point(network.config()),
                List.of(settings.newTask()), (p, shorter, ended) -> newSplits.train(ExpertNetwork.newTask(network,
                        settings.newTask(), seed, p.learningRate(), p.patience()), seed, shorter, ended), r -> r);
        String name = "frozen_" + network.name();
        emit(name, BenchmarkRecord.NEW_TASK, settings.newTask(), seed, head, null, out);
        float[][] after = network.predict(existingSplits.test().encoded());
        for (int k = 0; k < network.tasks().size(); k++) {
            boolean identical = PromptTuner.hash(before[k]).equals(PromptTuner.hash(after[k]));
            emitKept(name, network.tasks().get(k), seed, trained.report(), identical, out);
        }
    }

    private final class Splits {
        private final SplitData train;
        private final SplitData validation;
        private final SplitData test;
        private final List<String> tasks;

        Splits(TrainingData training, FeatureTransform transform, List<String> tasks) {
            this.tasks = List.copyOf(tasks);
            TrainingData.Splits encoded = training.encode(transform, tasks);
            train = encoded.train();
            validation = encoded.validation();
            test = encoded.test();
        }

        SplitData test() {
            return test;
        }

        List<String> tasks() {
            return tasks;
        }

        TrainingReport train(ExpertNetwork network, long seed, int[] shorter, ObjIntConsumer<TrainingReport> ended) {
            return BaselineTrainer.train(network, train, validation, test, seed, TrainingListener.SILENT, shorter, ended);
        }
    }

    private void startCpu() {
        cpuMark = ProcessCpu.seconds();
    }

    private double cpuSinceStart() {
        return ProcessCpu.seconds() - cpuMark;
    }

    /** The records of one multi-task run, one per task; they share the run's cost. */
    private void emitAll(String model, String setting, List<String> tasks, long seed, Tuned<?> run,
                         Consumer<BenchmarkRecord> out) {
        for (String task : tasks) {
            emit(model, setting, task, seed, run, null, out);
        }
    }

    private void emit(String model, String setting, String task, long seed, Tuned<?> run, Boolean identical,
                      Consumer<BenchmarkRecord> out) {
        TrainingReport r = run.report();
        BenchmarkRecord record = new BenchmarkRecord(model, setting, task, seed, r.metric(task, "test", "auc"),
                r.metric(task, "test", "logloss"), optional(r, task, "test", "ece"), optional(r, task, "test", "gauc"),
                optional(r, task, "validation", "auc"),
                r.trainableParameters(), r.nonEmbeddingParameters(), r.trainSeconds(), run.cpuSeconds(),
                r.samplesPerSecond(), r.epochs(), r.bestEpoch(), identical, run.point().learningRate(),
                run.point().patience(), run.trials());
        log(record);
        ScoredRows scored = r.testScores().get(task);
        if (scored != null) {
            testScores.accept(record, scored);
        }
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
