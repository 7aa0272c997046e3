package io.mptrec.model.inference;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.nn.Subnormals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.stream.IntStream;

/**
 * The forward pass of one task on a frozen encoder without ND4J: the same arithmetic as {@code Stage1Head} and
 * {@code Stage2Head}, on copies of the arrays the task uses, in Java arrays, with the larger matrix products in
 * OpenBLAS ({@link FrozenDense}). A pass makes no ND4J array, so it registers nothing with ND4J's deallocator, and
 * OpenBLAS reads native memory that lives as long as the kernel (the weights) or the pass's pooled scratch (the block's
 * rows), and every such buffer is an argument of the call that reads it (a panel of the weights is a view, and its layer
 * stays reachable until the call returns), so the collector cannot free anything a pass reads; any number of threads
 * may share one kernel. Scores agree with the ND4J heads to float32 summation order (at most 2.4e-7 on the Census
 * artifacts; {@code InferenceKernelTests}).
 *
 * <p>A 1-row pass pays for its arithmetic and little else, where ND4J's per-operation overhead made it about 100
 * times its arithmetic; from {@link FrozenDense#BLAS_ROWS} rows a block's products run at OpenBLAS's speed.
 */
public final class InferenceKernel {

    /** The fixed gate of the authors' ablation (GatedFusion.FIXED): 0.1 on the task part, 0.9 on the shared part. */
    private static final float FIXED_TASK_GATE = 0.1f;
    private static final float FIXED_SHARED_GATE = 0.9f;
    /**
     * Rows per block: a block goes through the network layer by layer, so each layer's weights are read once per
     * block and OpenBLAS gets products large enough to run near its peak, while a block's intermediate values (about
     * 3.5 KB a row for Census) stay in the core's cache.
     */
    static final int BLOCK = 128;
    /** Scratch blocks kept for reuse: about as many as passes run at once. */
    private static final int POOLED = 2 * Runtime.getRuntime().availableProcessors();
    /** As LayerNorm's. */
    private static final double NORM_EPSILON = 1e-5;

    /** A stage-1 expert: two layers, ReLU after both. */
    private record Expert(FrozenDense hidden, FrozenDense output) {
        static Expert of(ArtifactBundle encoder, String name) {
            return new Expert(new FrozenDense(encoder.array(name + ".0.w"), encoder.array(name + ".0.b")),
                    new FrozenDense(encoder.array(name + ".1.w"), encoder.array(name + ".1.b")));
        }

        /** The expert as a task's low-rank adapter sees it: its first layer's weight is W0 + A B. */
        static Expert adapted(EncoderArtifact encoder, TaskPromptArtifact prompt, String name) {
            ArtifactBundle e = encoder.bundle();
            return new Expert(new FrozenDense(prompt.adaptedFirstWeight(encoder, name), e.array(name + ".0.b")),
                    new FrozenDense(e.array(name + ".1.w"), e.array(name + ".1.b")));
        }

        void forward(Scratch s, float[] out, int n) {
            hidden.forward(s.x, s.hidden, n, true, s.work);
            output.forward(s.hidden, out, n, true, s.work);
        }
    }

    /**
     * Stage 2's projection attention: a = softmax(LayerNorm(relu(x A1) A2) P^T / tau); with several prompt tokens, one
     * softmax per token over its slice of the query and the keys, at tau / tokens ({@code Stage2Head}).
     */
    private record Attention(FrozenDense first, FrozenDense second, float[] gamma, float[] beta, float[][] keys,
                             float temperature, int tokens) {
    }

    private final int numericFields;
    private final int dimension;
    private final int[] fieldOffsets;
    private final float[] embeddings;
    private final int inputWidth;
    private final Expert shared;
    /** The task-specific experts the head mixes: task k's alone in stage 1, all K in stage 2. */
    private final List<Expert> experts;
    /** Whether the mixture weighs the shared expert too, as its last term ({@code TuneConfig#attendShared}). */
    private final boolean attendShared;
    /** The mixture's weights when they do not depend on the row (stage 1: {1}; uniform; prompt similarity), else null. */
    private final float[] fixedWeights;
    private final Attention attention;
    /** Prompt tokens: the mixture's columns fall into this many slices, each with its own weights. */
    private final int tokens;
    private final float[] prompt;
    /** The prompt repeated for a block's rows, so that the fusion indexes every array alike ({@link #block}). */
    private final float[] promptRows;
    /** The query residual's s ({@code TuneConfig#queryResidual}) repeated for a block's rows, or null. */
    private final float[] residualRows;
    /** The learned gate (bias-free, 2 outputs), or null for the fixed one. */
    private final FrozenDense gate;
    private final FrozenDense[] tower;
    /** The wide part's bias per value, in the stacked vocabulary order ({@code TuneConfig#wide}), or null. */
    private final float[] wide;
    private final ArrayBlockingQueue<Scratch> idle = new ArrayBlockingQueue<>(POOLED);

    private InferenceKernel(EncoderArtifact encoder, TaskPromptArtifact task) {
        task.checkFits(encoder);
        ArtifactBundle e = encoder.bundle();
        ArtifactBundle p = task.bundle();
        Encoder network = encoder.encoder();
        this.numericFields = network.numericFields();
        this.dimension = encoder.metadata().config().embeddingDim();
        int[] blockRows = encoder.vocabularySizes();
        this.fieldOffsets = new int[blockRows.length + 1];
        for (int f = 0; f < blockRows.length; f++) {
            // each field's block of the stacked table starts with row 0: unseen or missing
            fieldOffsets[f + 1] = fieldOffsets[f] + blockRows[f];
        }
        this.embeddings = Subnormals.negligibleFlushed(e.array(Encoder.EMBEDDINGS).data());
        this.inputWidth = network.inputWidth();
        TaskPromptMetadata metadata = task.metadata();
        boolean adapted = metadata.stage() == 2 && metadata.tune().adapterRank() > 0;
        this.wide = metadata.stage() == 2 && metadata.tune().wide()
                ? Subnormals.negligibleFlushed(p.array(Stage2Head.WIDE).data()) : null;
        this.shared = adapted ? Expert.adapted(encoder, task, "expert.shared") : Expert.of(e, "expert.shared");
        this.prompt = Subnormals.negligibleFlushed(p.array("prompt").data());
        this.promptRows = blockRows(prompt);
        this.residualRows = metadata.stage() == 2 && metadata.tune().queryResidual()
                ? blockRows(Subnormals.negligibleFlushed(p.array(Stage2Head.QUERY_RESIDUAL).data())) : null;
        this.tower = new FrozenDense[] {
            new FrozenDense(p.array("tower.0.w"), p.array("tower.0.b")),
            new FrozenDense(p.array("tower.1.w"), p.array("tower.1.b")),
            new FrozenDense(p.array("tower.2.w"), p.array("tower.2.b"))};
        if (metadata.stage() == 1) {
            this.attendShared = false;
            this.experts = List.of(Expert.of(e, "expert." + metadata.taskIndex()));
            this.fixedWeights = new float[] {1f};
            this.attention = null;
            this.tokens = 1;
            this.gate = new FrozenDense(p.array("gate.w"), null);
            return;
        }
        TuneConfig tune = metadata.tune();
        int tasks = network.tasks();
        this.experts = IntStream.range(0, tasks)
                .mapToObj(k -> adapted ? Expert.adapted(encoder, task, "expert." + k) : Expert.of(e, "expert." + k)).toList();
        this.attendShared = tune.attendShared();
        float[][] keys = rows(e.array(Encoder.PROMPTS));
        if (attendShared) {
            keys = Arrays.copyOf(keys, tasks + 1);
            keys[tasks] = Subnormals.negligibleFlushed(p.array(Stage2Head.SHARED_KEY).data());
        }
        float temperature = (float) tune.temperature();
        this.tokens = tune.promptTokens();
        this.gate = tune.fixedGate() ? null : new FrozenDense(p.array("gate.w"), null);
        switch (tune.fusion()) {
            case ATTENTION -> {
                this.fixedWeights = null;
                this.attention = new Attention(new FrozenDense(p.array("projection.0.w"), null),
                        new FrozenDense(p.array("projection.1.w"), null),
                        Subnormals.negligibleFlushed(p.array("projection.norm.gamma").data()),
                        Subnormals.negligibleFlushed(p.array("projection.norm.beta").data()), keys,
                        (float) (tune.temperature() / tune.promptTokens()), tune.promptTokens());
            }
            case TASK_SIMILARITY -> {
                float[] scores = new float[tasks];
                for (int k = 0; k < tasks; k++) {
                    scores[k] = dot(prompt, keys[k]) / temperature;
                }
                softmax(scores, 0, tasks);
                this.fixedWeights = scores;
                this.attention = null;
            }
            default -> {
                this.fixedWeights = new float[tasks];
                Arrays.fill(fixedWeights, 1.0f / tasks);
                this.attention = null;
            }
        }
    }

    /** v repeated for each row of a block. */
    private static float[] blockRows(float[] v) {
        float[] rows = new float[BLOCK * v.length];
        for (int r = 0; r < BLOCK; r++) {
            System.arraycopy(v, 0, rows, r * v.length, v.length);
        }
        return rows;
    }

    /** The kernel of {@code task} on {@code encoder}; refuses a prompt that does not fit the encoder, with the reason. */
    public static InferenceKernel of(EncoderArtifact encoder, TaskPromptArtifact task) {
        return new InferenceKernel(encoder, task);
    }

    /** One matrix product of a row's pass: a row of {@code inputs} values times an inputs x outputs matrix. */
    public record Product(int inputs, int outputs) {
    }

    /** The matrix products of one row's pass (the layers and the attention scores; element-wise work aside). */
    public List<Product> products() {
        List<Product> products = new ArrayList<>(layers().stream().map(l -> new Product(l.inputs(), l.outputs())).toList());
        if (attention != null) {
            for (int t = 0; t < attention.tokens(); t++) {
                products.add(new Product(attention.keys()[0].length / attention.tokens(), attention.keys().length));
            }
        }
        return products;
    }

    private List<FrozenDense> layers() {
        List<FrozenDense> layers = new ArrayList<>(List.of(shared.hidden(), shared.output()));
        for (Expert expert : experts) {
            layers.addAll(List.of(expert.hidden(), expert.output()));
        }
        if (gate != null) {
            layers.add(gate);
        }
        if (attention != null) {
            layers.addAll(List.of(attention.first(), attention.second()));
        }
        layers.addAll(List.of(tower));
        return layers;
    }

    /** Multiply-adds of one row's {@link #products()}. */
    public long multiplyAddsPerRow() {
        return products().stream().mapToLong(p -> (long) p.inputs() * p.outputs()).sum();
    }

    /** The task's probability for each row. */
    public float[] probabilities(EncodedRows rows) {
        int fields = fieldOffsets.length - 1;
        if (rows.numericFields() != numericFields || rows.categoricalFields() != fields) {
            throw new IllegalArgumentException("rows have " + rows.numericFields() + " numeric and " + rows.categoricalFields()
                    + " categorical fields; the encoder expects " + numericFields + " and " + fields);
        }
        float[] out = new float[rows.rows()];
        if (out.length == 0) {
            return out;
        }
        Scratch s = idle.poll();
        if (s == null || s.capacity() < Math.min(BLOCK, out.length)) {
            // too small a block for this pass is dropped: the pool converges on the passes' usual size
            if (s != null) {
                s.work().close();
            }
            s = newScratch(Math.min(BLOCK, out.length));
        }
        try {
            for (int start = 0; start < out.length; start += s.capacity()) {
                int n = Math.min(s.capacity(), out.length - start);
                for (int r = 0; r < n; r++) {
                    input(rows, start + r, s.x, r * inputWidth);
                    if (wide != null) {
                        s.wide[r] = wideSum(rows, start + r);
                    }
                }
                block(s, n, out, start);
            }
            return out;
        } finally {
            if (!idle.offer(s)) {
                s.work().close();
            }
        }
    }

    /** x = [scaled numeric fields, embedding of each categorical field] of row r at x[at..], as EmbeddingLookup builds it. */
    private void input(EncodedRows rows, int r, float[] x, int at) {
        System.arraycopy(rows.numeric(), r * numericFields, x, at, numericFields);
        int fields = fieldOffsets.length - 1;
        for (int f = 0; f < fields; f++) {
            int index = rows.categories()[r * fields + f];
            if (index < 0 || index >= fieldOffsets[f + 1] - fieldOffsets[f]) {
                throw new IllegalArgumentException("category index " + index + " out of range for field " + f);
            }
            System.arraycopy(embeddings, (fieldOffsets[f] + index) * dimension, x, at + numericFields + f * dimension, dimension);
        }
    }

    /** The wide part of row r: its values' biases summed in field order, as {@code CategoryBias} sums them. */
    private float wideSum(EncodedRows rows, int r) {
        int fields = fieldOffsets.length - 1;
        float sum = 0f;
        for (int f = 0; f < fields; f++) {
            sum += wide[fieldOffsets[f] + rows.categories()[r * fields + f]];
        }
        return sum;
    }

    /** The pass of the block's first n rows (inputs in s.x; wide parts in s.wide) into out[offset..]. */
    private void block(Scratch s, int n, float[] out, int offset) {
        shared.forward(s, s.shared, n);
        for (int e = 0; e < experts.size(); e++) {
            experts.get(e).forward(s, s.experts[e], n);
        }
        if (attention != null) {
            attention.first().forward(s.x, s.projectionHidden, n, true, s.work);
            attention.second().forward(s.projectionHidden, s.query, n, false, s.work);
        }
        if (gate != null) {
            gate.forward(s.x, s.gate, n, false, s.work);
        }
        int d = prompt.length;
        float[] mixed = s.mixed;
        float[] fused = s.fused;
        float[] sharedOut = s.shared;
        Arrays.fill(mixed, 0, n * d, 0f);
        int attended = experts.size() + (attendShared ? 1 : 0);
        int width = d / tokens;
        for (int r = 0; r < n; r++) {
            int at = r * d;
            float[] weights = fixedWeights != null ? fixedWeights : attend(s.query, at, s.weights);
            // the same order of operations as the ND4J heads: mixed = sum_k a_k h_k, fused = g0 (mixed . p) + g1 h_s;
            // prompt token t owns columns [t * width, (t + 1) * width) and the weights from t * attended. Every array
            // is indexed alike (the block's row-major layout, the prompt repeated per row): the form C2 vectorises
            for (int t = 0; t < tokens; t++) {
                int from = at + t * width;
                int to = from + width;
                for (int e = 0; e < attended; e++) {
                    float a = weights[t * attended + e];
                    float[] h = e < experts.size() ? s.experts[e] : sharedOut;
                    for (int i = from; i < to; i++) {
                        mixed[i] += h[i] * a;
                    }
                }
            }
            float taskGate = FIXED_TASK_GATE;
            float sharedGate = FIXED_SHARED_GATE;
            if (gate != null) {
                softmax(s.gate, 2 * r, 2);
                taskGate = s.gate[2 * r];
                sharedGate = s.gate[2 * r + 1];
            }
            for (int i = at; i < at + d; i++) {
                fused[i] = mixed[i] * promptRows[i] * taskGate + sharedOut[i] * sharedGate;
            }
            if (residualRows != null) {
                // the tower's input z + s (.) Phi(x); attend left the row's query, normalised, in s.query
                for (int i = at; i < at + d; i++) {
                    fused[i] += s.query[i] * residualRows[i];
                }
            }
        }
        tower[0].forward(s.fused, s.tower1, n, true, s.work);
        tower[1].forward(s.tower1, s.tower2, n, true, s.work);
        tower[2].forward(s.tower2, s.logit, n, false, s.work);
        for (int r = 0; r < n; r++) {
            float logit = wide == null ? s.logit[r] : s.logit[r] + s.wide[r];
            out[offset + r] = (float) (1.0 / (1.0 + Math.exp(-logit)));
        }
    }

    /** Stage 2's attention weights from the projected row u[at..] (normalised there, in place) into weights. */
    private float[] attend(float[] u, int at, float[] weights) {
        Attention a = attention;
        int d = a.gamma().length;
        double mean = 0;
        for (int j = 0; j < d; j++) {
            mean += u[at + j];
        }
        mean /= d;
        double variance = 0;
        for (int j = 0; j < d; j++) {
            variance += (u[at + j] - mean) * (u[at + j] - mean);
        }
        variance /= d;
        float inverseStd = (float) (1.0 / Math.sqrt(variance + NORM_EPSILON));
        for (int j = 0; j < d; j++) {
            u[at + j] = (float) (u[at + j] - mean) * inverseStd * a.gamma()[j] + a.beta()[j];
        }
        int attended = a.keys().length;
        int width = d / a.tokens();
        for (int t = 0; t < a.tokens(); t++) {
            for (int k = 0; k < attended; k++) {
                float score = 0f;
                float[] key = a.keys()[k];
                for (int j = t * width; j < (t + 1) * width; j++) {
                    score += u[at + j] * key[j];
                }
                weights[t * attended + k] = score / a.temperature();
            }
            softmax(weights, t * attended, attended);
        }
        return weights;
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0f;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    /** Softmax of v[from..from+length] in place, stabilised by the largest value. */
    private static void softmax(float[] v, int from, int length) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + length; i++) {
            max = Math.max(max, v[i]);
        }
        float sum = 0f;
        for (int i = from; i < from + length; i++) {
            v[i] = (float) Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = from; i < from + length; i++) {
            v[i] /= sum;
        }
    }

    private static float[][] rows(FloatArray matrix) {
        int columns = matrix.shape()[1];
        float[] values = Subnormals.negligibleFlushed(matrix.data());
        float[][] rows = new float[matrix.shape()[0]][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(values, i * columns, (i + 1) * columns);
        }
        return rows;
    }

    private Scratch newScratch(int rows) {
        int d = prompt.length;
        int widest = layers().stream().mapToInt(l -> Math.max(l.inputs(), l.outputs())).max().orElseThrow();
        return new Scratch(rows, new float[rows * inputWidth], new float[rows * shared.hidden().outputs()],
                new float[rows * d], new float[experts.size()][rows * d], new float[rows * d], new float[rows * d],
                new float[rows * 2], new float[rows * tower[0].outputs()], new float[rows * tower[1].outputs()],
                new float[rows], new float[rows], attention == null ? null : new float[rows * attention.first().outputs()],
                attention == null ? null : new float[rows * d],
                new float[tokens * (experts.size() + (attendShared ? 1 : 0))],
                new LayerWork(rows, widest));
    }

    /**
     * A block's intermediate values for up to {@code capacity} rows, row-major, plus the layers' working memory; taken
     * by one pass at a time and returned to {@link #idle} after it.
     */
    private record Scratch(int capacity, float[] x, float[] hidden, float[] shared, float[][] experts, float[] mixed,
                           float[] fused, float[] gate, float[] tower1, float[] tower2, float[] logit, float[] wide,
                           float[] projectionHidden,
                           float[] query, float[] weights, LayerWork work) {
    }
}
