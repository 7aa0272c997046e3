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
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The canonical benchmark protocol of method.md (Census's, and KuaiRand's with its own tasks): on one dataset, for each seed, MPT-Rec stage 1 and its
 * baselines on the existing tasks, then the new task on each frozen model (MPT-Rec stage 2, frozen
 * Shared-Bottom + new tower, frozen MMoE experts + new gate and tower) against joint retraining (MPT-Rec's
 * stage-1 network trained from scratch on all K + 1 tasks), and gradient-boosted trees per task in both settings.
 *
 * <p>Every training run is a job; independent jobs (the seeds, the baselines, the stage-2 variants once stage 1 is
 * done) run on a small pool of worker threads, each with its one native thread, so a 2-core machine runs two at once.
 * A run draws only from its own seeded generators, so its figures do not depend on the number of workers.
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

    /**
     * Runs every model of every seed on {@code workers} threads and returns when all are done (or rethrows the first
     * failure, after which no further run starts). After each finished run, {@code progress} receives all records so far
     * in the protocol's order (seed by seed, models as {@link Jobs} lists them), whatever order the runs finished in.
     */
    public void run(List<Long> seeds, int workers, Consumer<List<BenchmarkRecord>> progress) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        FeatureTransform transform = FeatureTransform.fit(data, data.rows(Split.TRAIN));
        Splits existingSplits = new Splits(transform, settings.existingTasks());
        Splits newSplits = new Splits(transform, List.of(settings.newTask()));
        List<Splits> perTask = settings.existingTasks().stream().map(t -> new Splits(transform, List.of(t))).toList();
        Results results = new Results(progress);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger threads = new AtomicInteger();
        // the lowest (seed, order) waiting runs first: with one worker exactly the order of the listing
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
                new PriorityBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "benchmark-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (long seed : seeds) {
                all.addAll(new Jobs(seed, pool, failure, results, transform, existingSplits, newSplits, perTask).submit());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            Throwable first = failure.get() != null ? failure.get() : e.getCause();
            if (first instanceof Error error) {
                throw error;
            }
            throw first instanceof RuntimeException r ? r : new IllegalStateException(first);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The runs of one seed, in the protocol's order; a run that needs another's model starts when that one is done. */
    private final class Jobs {
        private final long seed;
        private final ThreadPoolExecutor pool;
        private final AtomicReference<Throwable> failure;
        private final Results results;
        private final FeatureTransform transform;
        private final Splits existingSplits;
        private final Splits newSplits;
        private final List<Splits> perTask;
        private final List<CompletableFuture<?>> submitted = new ArrayList<>();
        private int order;

        Jobs(long seed, ThreadPoolExecutor pool, AtomicReference<Throwable> failure, Results results,
             FeatureTransform transform, Splits existingSplits, Splits newSplits, List<Splits> perTask) {
            this.seed = seed;
            this.pool = pool;
            this.failure = failure;
            this.results = results;
            this.transform = transform;
            this.existingSplits = existingSplits;
            this.newSplits = newSplits;
            this.perTask = perTask;
        }

        List<CompletableFuture<?>> submit() {
            List<String> existing = settings.existingTasks();
            String newTask = settings.newTask();
            ModelConfig config = settings.model();
            List<TuningGrid.Point> networkGrid = settings.grid().networks();
            int numeric = transform.numericWidth();
            int[] vocabularies = transform.embeddingRows();

            // MPT-Rec: stage 1 on the existing tasks, stage 2 for the new task on the frozen encoder
            CompletableFuture<Tuned<Pretrainer.Result>> stage1 = start(out -> {
                Tuned<Pretrainer.Result> run = tuned(networkGrid, point(config), existing,
                        p -> Pretrainer.run(data, existing, config.withOptimiser(p.learningRate(), p.patience()), seed,
                                TrainingListener.SILENT), Pretrainer.Result::report);
                emitAll("mpt_rec", BenchmarkRecord.STAGE1, existing, seed, run, out);
                return run;
            });
            // each stage-2 variant on the same frozen encoder (immutable, shared by the variants' threads); mpt_rec is
            // the default's figures, under its own name too
            for (TuneConfig variant : settings.stage2Variants()) {
                after(stage1, (s1, out) -> {
                    Tuned<PromptTuner.Result> stage2 = tuned(networkGrid, new TuningGrid.Point(variant.learningRate(),
                            variant.patience()), List.of(newTask), p -> PromptTuner.run(data, s1.result().encoder(),
                            s1.result().prompts(), newTask, variant.withLearningRate(p.learningRate())
                                    .withPatience(p.patience()), seed, null, TrainingListener.SILENT),
                            PromptTuner.Result::report);
                    NonInterference check = stage2.result().prompt().metadata().nonInterference();
                    if (variant.equals(settings.tune())) {
                        emit("mpt_rec", BenchmarkRecord.NEW_TASK, newTask, seed, stage2, null, out);
                        for (NonInterference.TaskCheck task : check.tasks()) {
                            emitKept("mpt_rec", task.task(), seed, s1.report(), task.identical(), out);
                        }
                    } else if (!check.identical()) {
                        // never expected: a variant trains only its own arrays; the default's rows show the check per task
                        throw new IllegalStateException(variantName(variant) + " moved an existing task's outputs: "
                                + check);
                    }
                    emit(variantName(variant), BenchmarkRecord.NEW_TASK, newTask, seed, stage2, check.identical(), out);
                    return null;
                });
            }

            for (int k = 0; k < existing.size(); k++) {
                List<String> one = List.of(existing.get(k));
                Splits splits = perTask.get(k);
                start(out -> stage1(c -> ExpertNetwork.sharedBottom(c, numeric, vocabularies, one, seed), splits, seed,
                        out));
            }
            CompletableFuture<Tuned<TrainedNetwork>> sharedBottom = start(out -> stage1(c -> ExpertNetwork.sharedBottom(
                    c, numeric, vocabularies, existing, seed), existingSplits, seed, out));
            after(sharedBottom, (trained, out) -> newTaskOnFrozen(trained, existingSplits, newSplits, seed, out));
            CompletableFuture<Tuned<TrainedNetwork>> mmoe = start(out -> stage1(c -> ExpertNetwork.mmoe(c, numeric,
                    vocabularies, existing, settings.mmoeExperts(), seed), existingSplits, seed, out));
            after(mmoe, (trained, out) -> newTaskOnFrozen(trained, existingSplits, newSplits, seed, out));
            start(out -> stage1(c -> ExpertNetwork.ple(c, numeric, vocabularies, existing, seed), existingSplits, seed,
                    out));

            // gradient-boosted trees, one model per task: each existing task, and the new task trained on its own
            TuningGrid.Point trees = new TuningGrid.Point(GradientBoostedTrees.LEARNING_RATE,
                    GradientBoostedTrees.PATIENCE);
            for (int k = 0; k < existing.size(); k++) {
                String task = existing.get(k);
                Splits one = perTask.get(k);
                start(out -> emitted(GradientBoostedTrees.NAME, BenchmarkRecord.STAGE1, task, tuned(
                        settings.grid().trees(), trees, List.of(task), p -> one.trainTrees(task, seed, p), r -> r), out));
            }
            start(out -> emitted(GradientBoostedTrees.NAME, BenchmarkRecord.NEW_TASK, newTask, tuned(
                    settings.grid().trees(), trees, List.of(newTask), p -> newSplits.trainTrees(newTask, seed, p),
                    r -> r), out));
            // the new task's own network from scratch on its labels alone: what a team without a multi-task model
            // would train
            start(out -> emitted("single_task", BenchmarkRecord.NEW_TASK, newTask, tuned(networkGrid, point(config),
                    List.of(newTask), p -> newSplits.train(ExpertNetwork.sharedBottom(config.withOptimiser(
                            p.learningRate(), p.patience()), numeric, vocabularies, List.of(newTask), seed), seed),
                    r -> r), out));

            // joint retraining: the same stage-1 network from scratch on all K + 1 tasks; it replaces the existing
            // tasks' models
            start(out -> {
                Tuned<Pretrainer.Result> joint = tuned(networkGrid, point(config), allTasks(),
                        p -> Pretrainer.run(data, allTasks(), config.withOptimiser(p.learningRate(), p.patience()), seed,
                                TrainingListener.SILENT), Pretrainer.Result::report);
                emit("joint_retraining", BenchmarkRecord.NEW_TASK, newTask, seed, joint, null, out);
                for (String task : existing) {
                    emit("joint_retraining", BenchmarkRecord.NEW_TASK, task, seed, joint, false, out);
                }
                return null;
            });
            return submitted;
        }

        /** Emits a single-task run's record; returns it, as a run's result. */
        private Tuned<?> emitted(String model, String setting, String task, Tuned<?> run, Consumer<BenchmarkRecord> out) {
            emit(model, setting, task, seed, run, null, out);
            return run;
        }

        /** A run that needs nothing else; its records go to {@code out}. */
        private <T> CompletableFuture<T> start(Function<Consumer<BenchmarkRecord>, T> run) {
            JobKey key = new JobKey(seed, order++);
            return track(CompletableFuture.supplyAsync(() -> guarded(key, () -> run.apply(results.sink(key))),
                    at(key)));
        }

        /** A run that starts once {@code parent} is done, with its result. */
        private <P, T> CompletableFuture<T> after(CompletableFuture<P> parent,
                                                 BiFunction<P, Consumer<BenchmarkRecord>, T> run) {
            JobKey key = new JobKey(seed, order++);
            return track(parent.thenApplyAsync(p -> guarded(key, () -> run.apply(p, results.sink(key))), at(key)));
        }

        private <T> CompletableFuture<T> track(CompletableFuture<T> future) {
            submitted.add(future);
            return future;
        }

        /** Queues a task behind every waiting one of a lower key. */
        private Executor at(JobKey key) {
            return task -> pool.execute(new Queued(key, task));
        }

        /** Runs {@code body} unless a run has failed; a failure is kept so that no further run starts. */
        private <T> T guarded(JobKey key, Supplier<T> body) {
            if (failure.get() != null) {
                throw new CancellationException("not started: an earlier run failed");
            }
            try {
                return body.get();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
                throw e;
            }
        }
    }

    /** A run's place in the protocol: its seed, then its position in {@link Jobs}'s listing. */
    private record JobKey(long seed, int order) implements Comparable<JobKey> {
        private static final Comparator<JobKey> ORDER = Comparator.comparingLong(JobKey::seed)
                .thenComparingInt(JobKey::order);

        @Override
        public int compareTo(JobKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** A queued run, ordered by its key in the pool's priority queue. */
    private record Queued(JobKey key, Runnable task) implements Runnable, Comparable<Queued> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Queued other) {
            return key.compareTo(other.key);
        }
    }

    /** The records so far, by run in the protocol's order; each new record is handed on with all the others. */
    private static final class Results {
        private final TreeMap<JobKey, List<BenchmarkRecord>> byRun = new TreeMap<>();
        private final Consumer<List<BenchmarkRecord>> progress;

        Results(Consumer<List<BenchmarkRecord>> progress) {
            this.progress = progress;
        }

        Consumer<BenchmarkRecord> sink(JobKey key) {
            return record -> add(key, record);
        }

        private synchronized void add(JobKey key, BenchmarkRecord record) {
            byRun.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
            List<BenchmarkRecord> all = new ArrayList<>();
            byRun.values().forEach(all::addAll);
            progress.accept(List.copyOf(all));
        }
    }

    /**
     * A method's run chosen from its grid: the result, its report and CPU time, the point it ran at, and every run of
     * the grid with its validation score.
     */
    private record Tuned<T>(T result, TrainingReport report, double cpuSeconds, TuningGrid.Point point,
                            List<TuningGrid.Trial> trials) {
    }

    /**
     * Trains once per point of {@code grid} (or once at {@code configured} without a grid) and keeps the run with the
     * best sum of validation AUCs over {@code tasks}; the first of equal runs wins. Only the kept run's result stays
     * referenced.
     */
    private <T> Tuned<T> tuned(List<TuningGrid.Point> grid, TuningGrid.Point configured, List<String> tasks,
                               Function<TuningGrid.Point, T> train, Function<T, TrainingReport> reportOf) {
        Tuned<T> best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        List<TuningGrid.Trial> trials = new ArrayList<>();
        List<TuningGrid.Point> points = TuningGrid.orConfigured(grid, configured);
        for (TuningGrid.Point p : points) {
            double cpuStart = ProcessCpu.threadSeconds();
            T result = train.apply(p);
            double cpu = ProcessCpu.threadSeconds() - cpuStart;
            TrainingReport report = reportOf.apply(result);
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
                best = new Tuned<>(result, report, cpu, p, null);
            }
        }
        return new Tuned<>(best.result(), best.report(), best.cpuSeconds(), best.point(),
                points.size() > 1 ? trials : List.of());
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
        Tuned<TrainedNetwork> tuned = tuned(settings.grid().networks(), point(config), splits.tasks(), p -> {
            ExpertNetwork n = network.apply(config.withOptimiser(p.learningRate(), p.patience()));
            return new TrainedNetwork(n, splits.train(n, seed));
        }, TrainedNetwork::report);
        ExpertNetwork trained = tuned.result().network();
        emitAll(trained.name(), BenchmarkRecord.STAGE1, trained.tasks(), seed, tuned, out);
        return tuned;
    }

    /** The baselines' new-task setting; the trained network's test predictions are compared bit for bit around it. */
    private Void newTaskOnFrozen(Tuned<TrainedNetwork> trained, Splits existingSplits, Splits newSplits, long seed,
                                 Consumer<BenchmarkRecord> out) {
        ExpertNetwork network = trained.result().network();
        float[][] before = network.predict(existingSplits.test().encoded());
        Tuned<TrainingReport> head = tuned(settings.grid().networks(), point(network.config()),
                List.of(settings.newTask()), p -> newSplits.train(ExpertNetwork.newTask(network, settings.newTask(), seed,
                        p.learningRate(), p.patience()), seed), r -> r);
        String name = "frozen_" + network.name();
        emit(name, BenchmarkRecord.NEW_TASK, settings.newTask(), seed, head, null, out);
        float[][] after = network.predict(existingSplits.test().encoded());
        for (int k = 0; k < network.tasks().size(); k++) {
            boolean identical = PromptTuner.hash(before[k]).equals(PromptTuner.hash(after[k]));
            emitKept(name, network.tasks().get(k), seed, trained.report(), identical, out);
        }
        return null;
    }

    private final class Splits {
        private final SplitData train;
        private final SplitData validation;
        private final SplitData test;
        private final List<String> tasks;

        Splits(FeatureTransform transform, List<String> tasks) {
            this.tasks = List.copyOf(tasks);
            train = SplitData.of(data, transform, Split.TRAIN, tasks);
            validation = SplitData.of(data, transform, Split.VALIDATION, tasks);
            test = SplitData.of(data, transform, Split.TEST, tasks);
        }

        SplitData test() {
            return test;
        }

        List<String> tasks() {
            return tasks;
        }

        TrainingReport train(ExpertNetwork network, long seed) {
            return BaselineTrainer.train(network, train, validation, test, seed, TrainingListener.SILENT);
        }

        TrainingReport trainTrees(String task, long seed, TuningGrid.Point point) {
            return GradientBoostedTrees.train(task, train, validation, test, seed, point.learningRate(), point.patience());
        }
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
