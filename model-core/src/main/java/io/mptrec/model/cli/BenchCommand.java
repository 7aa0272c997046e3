package io.mptrec.model.cli;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Batches;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.MultiTaskModel;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.nn.NativeThreads;
import io.mptrec.model.onnx.OnnxExport;
import io.mptrec.model.onnx.OnnxRuntimeScorer;
import io.mptrec.model.scoring.Scorer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints speed figures measured in one run: the machine's practical ceiling (a large ND4J matrix product),
 * one stage-1 training step at Census shapes, and scoring 1 and 100 rows for one task.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training-step and scoring speed against this machine's matrix-product ceiling.")
final class BenchCommand implements Callable<Integer> {

    /** Census shapes: 7 numeric fields, 31 categorical fields with their vocabulary sizes (index 0 included). */
    static final int NUMERIC = 7;
    static final int[] VOCABULARIES = {10, 53, 48, 4, 25, 16, 6, 11, 3, 4, 7, 9, 7, 7, 7, 52, 39, 9, 11, 10, 11, 4, 5, 6,
        44, 44, 44, 6, 4, 4, 4};

    @Option(names = "--seconds", defaultValue = "5", description = "Measuring time per figure (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--peer-artifacts", defaultValue = "data/census-income-kdd/artifacts",
            description = "Folder whose encoder/ and prompt-income/ are exported for ONNX Runtime (default ${DEFAULT-VALUE}).")
    Path peerArtifacts;

    @Override
    public Integer call() {
        ModelConfig config = ModelConfig.defaults();
        MultiTaskModel model = MultiTaskModel.create(config, NUMERIC, VOCABULARIES, List.of("income", "marital"), 1);
        EncodedRows rows = rows(4096, 2);
        float[][] labels = {labels(256, 3), labels(256, 4)};
        EncodedRows batch = Batches.range(rows, 0, 256);

        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        // the ceiling uses every core; the model then runs with the configured threads (one by default)
        NativeThreads.set(Runtime.getRuntime().availableProcessors());
        double gemmSeconds = median(() -> a.mmul(b));
        double ceiling = 2.0 * 1024 * 1024 * 1024 / gemmSeconds / 1e9;
        NativeThreads.configureDefault();
        double gemmSecondsConfigured = median(() -> a.mmul(b));

        double stepSeconds = median(() -> model.trainStep(batch, labels, null, 0));
        double stepGflop = trainingFlops(config, model.encoder().inputWidth(), 256, 2) / 1e9;

        Encoder frozen = Encoder.frozen(config, NUMERIC, VOCABULARIES, 2, model.encoderArrays());
        TaskHead head = io.mptrec.model.network.Stage1Head.frozen(0, model.headArrays(0));
        EncodedRows one = Batches.range(rows, 0, 1);
        EncodedRows hundred = Batches.range(rows, 0, 100);
        double scoreOne = median(() -> head.forward(new EncoderPass(frozen, frozen.input(one))).logits().getFloat(0));
        double scoreHundred = median(() -> head.forward(new EncoderPass(frozen, frozen.input(hundred))).logits().getFloat(0));
        double registrations = deallocatorRegistrations(() -> head.forward(new EncoderPass(frozen, frozen.input(hundred))));

        System.out.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
        System.out.printf("ceiling   ND4J gemm 1024x1024x1024, %d threads %8.2f ms  %6.1f GFLOP/s%n",
                Runtime.getRuntime().availableProcessors(), gemmSeconds * 1e3, ceiling);
        System.out.printf("          same product, model's threads      %8.2f ms  %6.1f GFLOP/s%n", gemmSecondsConfigured * 1e3,
                2.0 * 1024 * 1024 * 1024 / gemmSecondsConfigured / 1e9);
        System.out.printf("training  stage-1 step, batch 256, K=2      %8.2f ms  %6.1f GFLOP/s (%.0f %% of ceiling), %.0f samples/s%n",
                stepSeconds * 1e3, stepGflop / stepSeconds, 100 * stepGflop / stepSeconds / ceiling, 256 / stepSeconds);
        System.out.printf("scoring   1 row, one task                   %8.3f ms%n", scoreOne * 1e3);
        System.out.printf("scoring   100 rows, one task                %8.3f ms  %.0f rows/s%n", scoreHundred * 1e3, 100 / scoreHundred);
        System.out.printf("          native buffers registered with ND4J's deallocator per 100-row pass: %s%n",
                Double.isNaN(registrations) ? "n/a" : String.format("%.0f", registrations));
        printOnnxRuntimePeer();
        return 0;
    }

    /**
     * Our engine as a server calls it ({@link Scorer}) and ONNX Runtime (one intra-op thread, as ours) score the same
     * artifact, exported as {@code mptrec export} does, on the same random rows: medians of 1 and 100 rows, and the ratio.
     */
    private void printOnnxRuntimePeer() {
        EncoderArtifact encoder = EncoderArtifact.read(peerArtifacts.resolve("encoder"));
        TaskPromptArtifact prompt = new ArtifactFolder(peerArtifacts).prompt("income");
        Scorer ours = new Scorer(encoder, prompt);
        SplittableRandom random = new SplittableRandom(5);
        int[] sizes = encoder.vocabularySizes();
        int numeric = encoder.encoder().numericFields();
        try (OnnxRuntimeScorer peer = new OnnxRuntimeScorer(OnnxExport.export(encoder, prompt))) {
            for (int n : new int[] {1, 100}) {
                float[] values = new float[n * numeric];
                int[] categories = new int[n * sizes.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextDouble();
                }
                // the encoding gives indices 0..size-2: each field's block in the table has one row more than it looks up
                Arrays.setAll(categories, i -> random.nextInt(sizes[i % sizes.length] - 1));
                EncodedRows rows = new EncodedRows(n, numeric, sizes.length, values, categories);
                double oursSeconds = median(() -> ours.score(rows));
                double peerSeconds = median(() -> peer.score(rows));
                System.out.printf("peer      %3d %-4s, %s: ours %8.3f ms, ONNX Runtime (1 thread) %8.3f ms, ours/ONNX Runtime %.2f%n",
                        n, n == 1 ? "row" : "rows", prompt.task(), oursSeconds * 1e3, peerSeconds * 1e3, oursSeconds / peerSeconds);
            }
        }
    }

    /**
     * How many native buffers one run of {@code action} registers with ND4J's deallocator: each leaves a phantom
     * reference and its bookkeeping on the Java heap until the collection after the buffer dies, which is what makes
     * a serving JVM's young collections long (ab-testing/BENCHMARK.md). Read from the registry's size, a private field
     * of ND4J; NaN when this ND4J version has no such field.
     */
    static double deallocatorRegistrations(Runnable action) {
        try {
            Object service = Nd4j.getDeallocatorService();
            java.lang.reflect.Field field = service.getClass().getDeclaredField("referenceMap");
            field.setAccessible(true);
            java.util.Map<?, ?> registry = (java.util.Map<?, ?>) field.get(service);
            // let the deallocator threads drain what earlier collections found, so the registry only grows below
            System.gc();
            Thread.sleep(500);
            int runs = 10;
            int before = registry.size();
            for (int i = 0; i < runs; i++) {
                action.run();
            }
            // a collection during the runs would remove entries and undercount; it shows as a negative or small figure
            return (registry.size() - before) / (double) runs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Double.NaN;
        }
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

    private double median(Runnable action) {
        for (int i = 0; i < 5; i++) {
            action.run();
        }
        double[] samples = new double[2000];
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (n < samples.length && (n < 5 || System.nanoTime() < end)) {
            long start = System.nanoTime();
            action.run();
            samples[n++] = (System.nanoTime() - start) / 1e9;
        }
        double[] taken = Arrays.copyOf(samples, n);
        Arrays.sort(taken);
        return taken[n / 2];
    }

    private static EncodedRows rows(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] numeric = new float[n * NUMERIC];
        int[] categories = new int[n * VOCABULARIES.length];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = (float) random.nextDouble();
        }
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < VOCABULARIES.length; f++) {
                categories[r * VOCABULARIES.length + f] = random.nextInt(VOCABULARIES[f]);
            }
        }
        return new EncodedRows(n, NUMERIC, VOCABULARIES.length, numeric, categories);
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
