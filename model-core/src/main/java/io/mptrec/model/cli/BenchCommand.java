package io.mptrec.model.cli;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.inference.InferenceKernel;
import io.mptrec.model.inference.NativeBuffers;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.MultiTaskModel;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.PromptTuningModel;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.NativeThreads;
import io.mptrec.model.nn.Subnormals;
import io.mptrec.model.onnx.OnnxExport;
import io.mptrec.model.onnx.OnnxRuntimeScorer;
import io.mptrec.model.scoring.Scorer;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints speed figures measured in one run: the machine's practical ceiling (a large ND4J matrix product),
 * one stage-1 training step at Census shapes, what subnormal weights cost on this CPU, the training step on several
 * threads of the process at once, and scoring 1 to 1000 rows for one task of an artifact folder in the Java kernel and
 * in the ND4J heads, beside ONNX Runtime; last, issue #15's targets for the engine, met or missed in this run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training-step and scoring speed against this machine's matrix-product ceiling.")
final class BenchCommand implements Callable<Integer> {

    /** Census shapes: 7 numeric fields, 31 categorical fields with their vocabulary sizes (index 0 included). */
    static final int NUMERIC = 7;
    static final int[] VOCABULARIES = {10, 53, 48, 4, 25, 16, 6, 11, 3, 4, 7, 9, 7, 7, 7, 52, 39, 9, 11, 10, 11, 4, 5, 6,
        44, 44, 44, 6, 4, 4, 4};

    @Option(names = "--artifacts", defaultValue = "data/census-income-kdd/artifacts",
            description = "Folder with encoder/ and prompt-<task>/ whose task is scored (default ${DEFAULT-VALUE}).")
    Path artifacts;

    @Option(names = "--task", defaultValue = "income", description = "Task scored (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--seconds", defaultValue = "5", description = "Measuring time per figure (default ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        // checked before a minute of measuring, not after it
        if (!(seconds > 0 && seconds <= 3600)) {
            throw new IllegalArgumentException("--seconds must be above 0 and at most 3600, was " + seconds);
        }
        new ArtifactFolder(artifacts).encoder();
        ModelConfig config = ModelConfig.defaults();
        MultiTaskModel model = MultiTaskModel.create(config, NUMERIC, VOCABULARIES, List.of("income", "marital"), 1);
        EncodedRows rows = rows(4096, NUMERIC, VOCABULARIES, 2);
        float[][] labels = {labels(256, 3), labels(256, 4)};
        EncodedRows batch = rows.range(0, 256);

        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray c = Nd4j.create(DataType.FLOAT, 1024, 1024);
        // the ceiling uses every core; the model then runs with the configured threads (one by default). The product goes
        // into an array made beforehand: a.mmul(b), which allocates its result, measured a third to a quarter of this
        // rate here (model-core/BENCHMARKS.md), which flattered every ratio to the ceiling
        NativeThreads.set(Runtime.getRuntime().availableProcessors());
        double gemmSeconds = median(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
        double ceiling = 2.0 * 1024 * 1024 * 1024 / gemmSeconds / 1e9;
        NativeThreads.configureDefault();
        double gemmSecondsConfigured = median(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));

        double stepSeconds = median(() -> model.trainStep(batch, labels, null, 0));
        double stepGflop = trainingFlops(config, model.encoder().inputWidth(), 256, 2) / 1e9;

        System.out.println("machine: " + Machine.describe());
        System.out.printf("ceiling   ND4J gemm 1024x1024x1024, %d threads %8.2f ms  %6.1f GFLOP/s%n",
                Runtime.getRuntime().availableProcessors(), gemmSeconds * 1e3, ceiling);
        double gemmRate = 2.0 * 1024 * 1024 * 1024 / gemmSecondsConfigured;
        System.out.printf("          same product, model's threads      %8.2f ms  %6.1f GFLOP/s%n", gemmSecondsConfigured * 1e3,
                gemmRate / 1e9);
        double stepBuffers = NativeBuffers.registeredPerRun(() -> model.trainStep(batch, labels, null, 0), 20);
        double stepShare = stepGflop * 1e9 / stepSeconds / gemmRate;
        System.out.printf("training  stage-1 step, batch 256, K=2      %8.2f ms  %6.1f GFLOP/s (%.0f %% of ceiling, %.0f %% of the "
                        + "model's-threads product), %.0f samples/s, %.0f native buffers per step%n",
                stepSeconds * 1e3, stepGflop / stepSeconds, 100 * stepGflop / stepSeconds / ceiling,
                100 * stepShare, 256 / stepSeconds, stepBuffers);
        adversaryStep(config, batch, labels);
        stage2Step(config, model, batch, labels[0]);
        subnormalCost();
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores > 1) {
            double one = concurrentStepsPerSecond(1, config, batch, labels);
            double all = concurrentStepsPerSecond(cores, config, batch, labels);
            System.out.printf("training  same step, threads of this process at once, each its own model: 1 thread %.1f "
                    + "steps/s, %d threads %.1f steps/s in all (%.2fx one thread's)%n", one, cores, all, all / one);
        }
        Scoring scoring = scoring(gemmRate);
        double[] peer = printOnnxRuntimePeer();
        printTargets(stepShare, scoring, peer);
        return 0;
    }

    /** The stage-1 step with pretrain's optional adversary ({@code --disentangle}): time and native buffers. */
    private void adversaryStep(ModelConfig config, EncodedRows batch, float[][] labels) {
        MultiTaskModel model = MultiTaskModel.create(config.withDisentangle(true), NUMERIC, VOCABULARIES,
                List.of("income", "marital"), 1);
        int[] environments = new SplittableRandom(5).ints(256, 0, 2).toArray();
        printStep("stage-1 step, batch 256, K=2, adversary", () -> model.trainStep(batch, labels, environments, 0.5));
    }

    /** One training step's line: its median time, its rate at batch 256 and the native buffers it registers. */
    private void printStep(String name, Runnable step) {
        double seconds = median(step);
        double buffers = NativeBuffers.registeredPerRun(step, 20);
        System.out.printf("training  %-42s %8.2f ms  %.0f samples/s, %.0f native buffers per step%n", name,
                seconds * 1e3, 256 / seconds, buffers);
    }

    /**
     * A stage-2 step (tune's) on the stage-1 model's encoder frozen, batch 256: the frozen experts' forward pass (the
     * adapted ones' with adapters), the new head's forward and backward passes and Adam on its parameters. The default
     * head, then the options beyond it that change the step's operations, each alone on the default.
     */
    private void stage2Step(ModelConfig config, MultiTaskModel stage1, EncodedRows batch, float[] labels) {
        Encoder encoder = Encoder.frozen(config, NUMERIC, VOCABULARIES, 2, stage1.encoderArrays());
        TuneConfig head = TuneConfig.defaults();
        Map<String, TuneConfig> heads = new LinkedHashMap<>();
        heads.put("default head", head);
        heads.put("adapter rank 3", head.withPath(head.attendShared(), 3, head.wide()));
        heads.put("4 prompt tokens", head.withPromptTokens(4));
        heads.put("task similarity", head.withPath(false, 0, head.wide())
                .withFusion(TuneConfig.Fusion.TASK_SIMILARITY, false));
        heads.forEach((name, tuning) -> {
            PromptTuningModel model = new PromptTuningModel(encoder, tuning, 1);
            printStep("stage-2 step, batch 256, " + name, () -> model.trainStep(batch, labels));
        });
    }

    /** The Java kernel's figures that issue #15's targets name, from {@link #scoring}. */
    record Scoring(double oneRowOverArithmetic, double hundredRowsOverProducts, double mostBuffersPerPass) {
    }

    /**
     * Issue #15's targets for the engine, judged from this run's figures, so that a run on any machine says where it
     * stands: the training step against the product at the model's threads, the Java kernel's 1-row and 100-row passes
     * against their arithmetic, its native buffers, and ours against ONNX Runtime at 1 and 100 rows.
     */
    static void printTargets(double stepShare, Scoring scoring, double[] oursOverPeer) {
        System.out.println("targets   issue #15, judged from the figures above:");
        target(String.format(Locale.ROOT, "training step at least 40 %% of the model's-threads product: %.1f %%",
                100 * stepShare), stepShare >= 0.40);
        target(String.format(Locale.ROOT, "100 rows within 1.3x the pass's products alone: %.2fx",
                scoring.hundredRowsOverProducts()), scoring.hundredRowsOverProducts() <= 1.3);
        target(String.format(Locale.ROOT, "1 row within 10x its multiply-adds at the GEMM rate: %.2fx",
                scoring.oneRowOverArithmetic()), scoring.oneRowOverArithmetic() <= 10);
        double buffers = scoring.mostBuffersPerPass();
        target("no native buffer per scoring pass: " + (Double.isInfinite(buffers) ? "not readable with this ND4J"
                : String.format(Locale.ROOT, "at most %.0f", buffers)), buffers == 0);
        target(String.format(Locale.ROOT, "at least as fast as ONNX Runtime at 1 row: ours/ONNX Runtime %.2f",
                oursOverPeer[0]), oursOverPeer[0] <= 1);
        target(String.format(Locale.ROOT, "at least as fast as ONNX Runtime at 100 rows: ours/ONNX Runtime %.2f",
                oursOverPeer[1]), oursOverPeer[1] <= 1);
    }

    private static void target(String figure, boolean met) {
        System.out.printf("          %s: %s%n", figure, met ? "met" : "missed");
    }

    /**
     * What subnormal weights cost on this CPU, and tiny normal ones (2^-125, as the bundled encoders hold): a product of
     * 256 rows with a 131 x 256 weight matrix (a Census expert's first layer) whose every other weight is subnormal, or
     * tiny, against the same matrix with those weights zero ({@link Subnormals}), in ND4J's sgemm and in a plain Java
     * loop over one row. A tiny weight's products with the inputs below 1/2 (the inputs are in [0, 1)) are subnormal.
     */
    private void subnormalCost() {
        SplittableRandom random = new SplittableRandom(11);
        printWeightCost("subnormal", "subnormal", () -> Float.MIN_NORMAL * random.nextDouble() * 0.5);
        printWeightCost("tiny     ", "at 2^-125, normal", () -> 0x1p-125 * (1 + random.nextDouble()));
    }

    private void printWeightCost(String label, String what, DoubleSupplier smallWeight) {
        int inputs = 131;
        int outputs = 256;
        SplittableRandom random = new SplittableRandom(11);
        float[] weights = new float[inputs * outputs];
        float[] zeroed = new float[inputs * outputs];
        for (int i = 0; i < weights.length; i++) {
            zeroed[i] = i % 2 == 0 ? (float) (random.nextDouble() - 0.5) * 0.1f : 0f;
            weights[i] = i % 2 == 0 ? zeroed[i] : (float) smallWeight.getAsDouble();
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 256, inputs);
        INDArray out = Nd4j.create(DataType.FLOAT, 256, outputs);
        float[] row = x.getRow(0).toFloatVector();
        float[] sums = new float[outputs];
        double[] seconds = new double[4];
        int k = 0;
        for (float[] w : List.of(weights, zeroed)) {
            INDArray matrix = NativeFloats.array(w, inputs, outputs);
            seconds[k++] = medians(() -> Nd4j.gemm(x, matrix, out, false, false, 1.0, 0.0)).cpu();
            seconds[k++] = medians(() -> {
                Arrays.fill(sums, 0f);
                for (int i = 0; i < inputs; i++) {
                    for (int j = 0; j < outputs; j++) {
                        sums[j] += row[i] * w[i * outputs + j];
                    }
                }
            }).cpu();
        }
        System.out.printf("%s half the weights of 256 x %d x %d %s, against zero (cpu): sgemm %.3f ms vs %.3f ms "
                + "(%.1fx); Java loop, 1 row, %.4f ms vs %.4f ms (%.1fx)%n", label, inputs, outputs, what,
                seconds[0] * 1e3, seconds[2] * 1e3, seconds[0] / seconds[2], seconds[1] * 1e3, seconds[3] * 1e3,
                seconds[1] / seconds[3]);
    }

    /**
     * Steps per second of all {@code threads} threads together, each training its own stage-1 model on its own copy of
     * the batch for the measuring time after a warm-up. Whether training runs can share a process: with each step's
     * arrays made through ND4J's shared bookkeeping, they may contend instead (model-core/BENCHMARKS.md).
     */
    private double concurrentStepsPerSecond(int threads, ModelConfig config, EncodedRows batch, float[][] labels) {
        CyclicBarrier measuring = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 1 + t;
                counts.add(pool.submit(() -> {
                    MultiTaskModel model = MultiTaskModel.create(config, NUMERIC, VOCABULARIES, List.of("income",
                            "marital"), seed);
                    long warm = System.nanoTime() + (long) (seconds * 0.25e9);
                    while (System.nanoTime() < warm) {
                        model.trainStep(batch, labels, null, 0);
                    }
                    measuring.await();
                    long end = System.nanoTime() + (long) (seconds * 1e9);
                    long steps = 0;
                    while (System.nanoTime() < end) {
                        model.trainStep(batch, labels, null, 0);
                        steps++;
                    }
                    return steps;
                }));
            }
            long steps = 0;
            for (Future<Long> count : counts) {
                steps += count.get();
            }
            return steps / seconds;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a measuring thread failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Our engine as a server calls it ({@link Scorer}) and ONNX Runtime (one intra-op thread, as ours) score the same
     * artifact, exported as {@code mptrec export} does, on the same random rows: medians of 1 and 100 rows, and the ratio.
     *
     * @return ours / ONNX Runtime at 1 row, then at 100 rows
     */
    private double[] printOnnxRuntimePeer() {
        int[] rowCounts = {1, 100};
        double[] ratios = new double[rowCounts.length];
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        EncoderArtifact encoder = folder.encoder();
        TaskPromptArtifact prompt = folder.prompt(task);
        Scorer ours = new Scorer(encoder, prompt);
        SplittableRandom random = new SplittableRandom(5);
        int[] sizes = encoder.vocabularySizes();
        int numeric = encoder.encoder().numericFields();
        try (OnnxRuntimeScorer peer = new OnnxRuntimeScorer(OnnxExport.export(encoder, prompt))) {
            for (int k = 0; k < rowCounts.length; k++) {
                int n = rowCounts[k];
                float[] values = new float[n * numeric];
                int[] categories = new int[n * sizes.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextDouble();
                }
                // indices below each block's last row: valid in both embedding layouts (EncoderArtifact.vocabularySizes)
                Arrays.setAll(categories, i -> random.nextInt(sizes[i % sizes.length] - 1));
                EncodedRows rows = new EncodedRows(n, numeric, sizes.length, values, categories);
                double oursSeconds = median(() -> ours.score(rows));
                double peerSeconds = median(() -> peer.score(rows));
                ratios[k] = oursSeconds / peerSeconds;
                System.out.printf("peer      %3d %-4s, %s: ours %8.3f ms, ONNX Runtime (1 thread) %8.3f ms, ours/ONNX Runtime %.2f%n",
                        n, n == 1 ? "row" : "rows", prompt.task(), oursSeconds * 1e3, peerSeconds * 1e3, ratios[k]);
            }
        }
        return ratios;
    }

    /**
     * Multiply-adds of one stage-1 step, counted as 2 FLOPs each: forward of K+1 experts, K gates and 2K tower
     * passes (main and auxiliary), and twice that backward (gradients of inputs and of weights).
     */
    static double trainingFlops(ModelConfig c, int inputWidth, int batch, int tasks) {
        double expert = (double) inputWidth * c.expertHidden() + (double) c.expertHidden() * c.expertOutput();
        double tower = (double) c.expertOutput() * c.towerHidden1() + (double) c.towerHidden1() * c.towerHidden2() + c.towerHidden2();
        double gate = 2.0 * inputWidth;
        double forward = batch * ((tasks + 1) * expert + tasks * (2 * tower + gate));
        return 2 * 3 * forward;
    }

    /**
     * Scoring one task of the artifacts for 1 to 1000 rows, in the Java kernel that serves (the Scorer's) and in the
     * ND4J heads, beside two measures of the pass's arithmetic: the same matrix products alone in ND4J (into arrays
     * made beforehand) and the multiply-adds at the model's-threads GEMM rate measured above. Each pass's native
     * buffers registered with ND4J's deallocator are counted too.
     *
     * @return the Java kernel's figures that issue #15's targets name
     */
    private Scoring scoring(double gemmFlopsPerSecond) {
        ArtifactFolder folder = new ArtifactFolder(artifacts);
        EncoderArtifact encoder = folder.encoder();
        TaskPromptArtifact prompt = folder.prompt(task);
        InferenceKernel kernel = InferenceKernel.of(encoder, prompt);
        TaskHead head = prompt.head(encoder);
        Encoder frozen = encoder.encoder();
        int[] vocabularies = encoder.metadata().transform().embeddingRows();
        EncodedRows all = rows(1000, frozen.numericFields(), vocabularies, 5);
        System.out.printf("scoring   task %s of %s: %,d multiply-adds a row; ratios of CPU times%n", task, artifacts,
                kernel.multiplyAddsPerRow());
        System.out.println("          rows  engine  wall ms    cpu ms  x products alone  x at GEMM rate  rows/s (cpu)"
                + "  native buffers per pass");
        double oneRow = Double.NaN;
        double hundredRows = Double.NaN;
        double mostBuffers = 0;
        for (int n : new int[] {1, 10, 100, 1000}) {
            EncodedRows rows = all.range(0, n);
            Medians products = medians(productsAlone(kernel.products(), n));
            double arithmetic = 2.0 * kernel.multiplyAddsPerRow() * n / gemmFlopsPerSecond;
            System.out.printf("          %4d  %-6s  %7.3f  %8.4f  %16s  %14s  (the pass's matrix products alone, ND4J)%n", n,
                    "gemm", products.wall() * 1e3, products.cpu() * 1e3, "", "");
            System.out.printf("          %4d  %-6s  %7s  %8.4f  %16s  %14s  (its multiply-adds at the GEMM rate above)%n", n,
                    "rate", "", arithmetic * 1e3, "", "");
            Runnable java = () -> kernel.probabilities(rows);
            Runnable nd4j = () -> Predictions.of(frozen, List.of(head), rows);
            for (String engine : List.of("java", "nd4j")) {
                Runnable run = engine.equals("java") ? java : nd4j;
                Medians pass = medians(run);
                double buffers = NativeBuffers.registeredPerRun(run, 10);
                if (engine.equals("java")) {
                    if (n == 1) {
                        oneRow = pass.cpu() / arithmetic;
                    } else if (n == 100) {
                        hundredRows = pass.cpu() / products.cpu();
                    }
                    // a count the deallocator's registry cannot give fails the target rather than passing it
                    mostBuffers = Math.max(mostBuffers, Double.isNaN(buffers) ? Double.POSITIVE_INFINITY : buffers);
                }
                System.out.printf("          %4d  %-6s  %7.3f  %8.4f  %15.2fx  %13.2fx  %12.0f  %s%n", n, engine,
                        pass.wall() * 1e3, pass.cpu() * 1e3, pass.cpu() / products.cpu(), pass.cpu() / arithmetic,
                        n / pass.cpu(), Double.isNaN(buffers) ? "n/a" : String.format("%.0f", buffers));
            }
        }
        return new Scoring(oneRow, hundredRows, mostBuffers);
    }

    /** The pass's matrix products for n rows in ND4J, into outputs made beforehand: no allocation, no other work. */
    private static Runnable productsAlone(List<InferenceKernel.Product> shapes, int n) {
        List<INDArray[]> operands = shapes.stream().map(p -> new INDArray[] {
            Nd4j.rand(DataType.FLOAT, n, p.inputs()), Nd4j.rand(DataType.FLOAT, p.inputs(), p.outputs()),
            Nd4j.create(DataType.FLOAT, n, p.outputs())}).toList();
        return () -> {
            for (INDArray[] o : operands) {
                Nd4j.gemm(o[0], o[1], o[2], false, false, 1.0, 0.0);
            }
        };
    }

    private double median(Runnable action) {
        return medians(action).wall();
    }

    /** Medians of the wall-clock time and of this thread's CPU time per run, in seconds. */
    record Medians(double wall, double cpu) {
    }

    /**
     * Runs {@code action} for a quarter of the measuring time to let the JIT compile it, and on until it has settled
     * ({@link #warmUntilSettled}), then for the measuring time. The CPU time of the calling thread is the figure to
     * compare on a busy machine (where the wall clock includes the time other processes held the core); both engines run
     * on the calling thread with the default one native thread.
     */
    private Medians medians(Runnable action) {
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        long warm = System.nanoTime() + (long) (seconds * 0.25e9);
        for (int i = 0; i < 5 || System.nanoTime() < warm; i++) {
            action.run();
        }
        warmUntilSettled(action);
        double[] wall = new double[20_000];
        double[] cpu = new double[wall.length];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (n < wall.length && (n < 5 || System.nanoTime() < end)) {
            long startCpu = clock.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            action.run();
            wall[n] = (System.nanoTime() - start) / 1e9;
            cpu[n++] = (clock.getCurrentThreadCpuTime() - startCpu) / 1e9;
        }
        return new Medians(middle(wall, n), middle(cpu, n));
    }

    /** The longest a figure's warm-up goes on waiting for the JIT, in rounds ({@link #warmUntilSettled}). */
    private static final int SETTLE_ROUNDS = 40;

    /**
     * Runs {@code action} in rounds of a sixteenth of the measuring time, at least a tenth of a second, until two
     * rounds in a row in which the JIT's compilers worked for less than 5 % of the round, at most {@link #SETTLE_ROUNDS}
     * rounds. Two, because the compilers' time is counted when a compilation ends: a round during a long one looks
     * quiet. A training step calls enough Java code that a fixed warm-up of a quarter of the measuring time left some
     * of it being compiled while the step was measured: at {@code --seconds 1} the step's median was 7.6 to 10.3 ms in
     * four runs of the same build, settled 4.4 to 7.9 ms in five (the rest of that spread is not the JIT's,
     * model-core/BENCHMARKS.md). Training and serving run for minutes, so the settled figure is the one they see.
     */
    private void warmUntilSettled(Runnable action) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long roundNanos = Math.max((long) (seconds * 1e9 / 16), 100_000_000L);
        for (int round = 0, quiet = 0; round < SETTLE_ROUNDS && quiet < 2; round++) {
            long compiledMillis = jit.getTotalCompilationTime();
            long start = System.nanoTime();
            do {
                action.run();
            } while (System.nanoTime() - start < roundNanos);
            double compilingNanos = (jit.getTotalCompilationTime() - compiledMillis) * 1e6;
            quiet = compilingNanos < 0.05 * (System.nanoTime() - start) ? quiet + 1 : 0;
        }
    }

    private static double middle(double[] samples, int n) {
        double[] taken = Arrays.copyOf(samples, n);
        Arrays.sort(taken);
        return taken[n / 2];
    }

    private static EncodedRows rows(int n, int numericFields, int[] vocabularies, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] numeric = new float[n * numericFields];
        int[] categories = new int[n * vocabularies.length];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = (float) random.nextDouble();
        }
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < vocabularies.length; f++) {
                categories[r * vocabularies.length + f] = random.nextInt(vocabularies[f]);
            }
        }
        return new EncodedRows(n, numericFields, vocabularies.length, numeric, categories);
    }

    private static float[] labels(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextDouble() < 0.3 ? 1f : 0f;
        }
        return y;
    }
}
