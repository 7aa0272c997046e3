package io.mptrec.model.inference;

import io.mptrec.model.artifact.ArtifactBundle;
import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.Vocabulary;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.TuneConfig;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The forward pass of one task on a frozen encoder in plain Java: the same arithmetic as {@code Stage1Head} and
 * {@code Stage2Head} over ND4J, on copies of the arrays the task uses, one row at a time into per-thread scratch
 * rows. It touches no native memory, so a pass registers nothing with ND4J's deallocator and the collector cannot
 * free anything it reads; any number of threads may share one kernel. Scores agree with the ND4J path to float32
 * summation order (about 1e-7; {@code InferenceKernelTests}).
 *
 * <p>Row by row is the fast order for these widths: each layer is a sweep over the weights, which stay in the
 * core's cache between rows, and a 1-row pass pays for its arithmetic and nothing else.
 */
public final class InferenceKernel {

    /** The fixed gate of the authors' ablation (GatedFusion.FIXED): 0.1 on the task part, 0.9 on the shared part. */
    private static final float FIXED_TASK_GATE = 0.1f;
    private static final float FIXED_SHARED_GATE = 0.9f;
    /** As LayerNorm's. */
    private static final double NORM_EPSILON = 1e-5;

    /** A stage-1 expert: two layers, ReLU after both. */
    private record Expert(FrozenDense hidden, FrozenDense output) {
        static Expert of(ArtifactBundle encoder, String name) {
            return new Expert(new FrozenDense(encoder.array(name + ".0.w"), encoder.array(name + ".0.b")),
                    new FrozenDense(encoder.array(name + ".1.w"), encoder.array(name + ".1.b")));
        }

        void forward(float[] x, float[] hiddenRow, float[] out) {
            hidden.forward(x, hiddenRow, true);
            output.forward(hiddenRow, out, true);
        }
    }

    /** Stage 2's projection attention: a = softmax(LayerNorm(relu(x A1) A2) P^T / tau). */
    private record Attention(FrozenDense first, FrozenDense second, float[] gamma, float[] beta, float[][] keys,
                             float temperature) {
    }

    private final int numericFields;
    private final int dimension;
    private final int[] fieldOffsets;
    private final float[] embeddings;
    private final int inputWidth;
    private final Expert shared;
    /** The task-specific experts the head mixes: task k's alone in stage 1, all K in stage 2. */
    private final List<Expert> experts;
    /** Their weights when they do not depend on the row (stage 1: {1}; uniform; prompt similarity), else null. */
    private final float[] fixedWeights;
    private final Attention attention;
    private final float[] prompt;
    /** The learned gate (bias-free, 2 outputs), or null for the fixed one. */
    private final FrozenDense gate;
    private final FrozenDense[] tower;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(this::newScratch);

    private InferenceKernel(EncoderArtifact encoder, TaskPromptArtifact task) {
        task.checkFits(encoder);
        ArtifactBundle e = encoder.bundle();
        ArtifactBundle p = task.bundle();
        Encoder network = encoder.encoder();
        this.numericFields = network.numericFields();
        this.dimension = encoder.metadata().config().embeddingDim();
        List<Vocabulary> vocabularies = encoder.metadata().transform().categorical();
        this.fieldOffsets = new int[vocabularies.size() + 1];
        for (int f = 0; f < vocabularies.size(); f++) {
            // each field's block of the stacked table starts with row 0: unseen or missing
            fieldOffsets[f + 1] = fieldOffsets[f] + vocabularies.get(f).size() + 1;
        }
        this.embeddings = e.array(Encoder.EMBEDDINGS).data().clone();
        this.inputWidth = network.inputWidth();
        this.shared = Expert.of(e, "expert.shared");
        this.prompt = p.array("prompt").data().clone();
        this.tower = new FrozenDense[] {
            new FrozenDense(p.array("tower.0.w"), p.array("tower.0.b")),
            new FrozenDense(p.array("tower.1.w"), p.array("tower.1.b")),
            new FrozenDense(p.array("tower.2.w"), p.array("tower.2.b"))};
        TaskPromptMetadata metadata = task.metadata();
        if (metadata.stage() == 1) {
            this.experts = List.of(Expert.of(e, "expert." + metadata.taskIndex()));
            this.fixedWeights = new float[] {1f};
            this.attention = null;
            this.gate = new FrozenDense(p.array("gate.w"), null);
            return;
        }
        TuneConfig tune = metadata.tune();
        int tasks = network.tasks();
        this.experts = IntStream.range(0, tasks).mapToObj(k -> Expert.of(e, "expert." + k)).toList();
        float[][] keys = rows(e.array(Encoder.PROMPTS));
        float temperature = (float) tune.temperature();
        this.gate = tune.fixedGate() ? null : new FrozenDense(p.array("gate.w"), null);
        switch (tune.fusion()) {
            case ATTENTION -> {
                this.fixedWeights = null;
                this.attention = new Attention(new FrozenDense(p.array("projection.0.w"), null),
                        new FrozenDense(p.array("projection.1.w"), null), p.array("projection.norm.gamma").data().clone(),
                        p.array("projection.norm.beta").data().clone(), keys, temperature);
            }
            case TASK_SIMILARITY -> {
                float[] scores = new float[tasks];
                for (int k = 0; k < tasks; k++) {
                    scores[k] = dot(prompt, keys[k]) / temperature;
                }
                softmax(scores);
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

    /** The kernel of {@code task} on {@code encoder}; refuses a prompt that does not fit the encoder, with the reason. */
    public static InferenceKernel of(EncoderArtifact encoder, TaskPromptArtifact task) {
        return new InferenceKernel(encoder, task);
    }

    /** Multiply-adds of one row's matrix products (the layers and the attention scores; element-wise work aside). */
    public long multiplyAddsPerRow() {
        long total = shared.hidden().multiplyAdds() + shared.output().multiplyAdds();
        for (Expert expert : experts) {
            total += expert.hidden().multiplyAdds() + expert.output().multiplyAdds();
        }
        for (FrozenDense layer : tower) {
            total += layer.multiplyAdds();
        }
        if (gate != null) {
            total += gate.multiplyAdds();
        }
        if (attention != null) {
            total += attention.first().multiplyAdds() + attention.second().multiplyAdds()
                    + (long) attention.keys().length * attention.keys()[0].length;
        }
        return total;
    }

    /** The task's probability for each row. */
    public float[] probabilities(EncodedRows rows) {
        int fields = fieldOffsets.length - 1;
        if (rows.numericFields() != numericFields || rows.categoricalFields() != fields) {
            throw new IllegalArgumentException("rows have " + rows.numericFields() + " numeric and " + rows.categoricalFields()
                    + " categorical fields; the encoder expects " + numericFields + " and " + fields);
        }
        Scratch s = scratch.get();
        float[] out = new float[rows.rows()];
        for (int r = 0; r < out.length; r++) {
            input(rows, r, s.x);
            out[r] = probability(s);
        }
        return out;
    }

    /** x = [scaled numeric fields, embedding of each categorical field] for row r, as EmbeddingLookup builds it. */
    private void input(EncodedRows rows, int r, float[] x) {
        System.arraycopy(rows.numeric(), r * numericFields, x, 0, numericFields);
        int fields = fieldOffsets.length - 1;
        for (int f = 0; f < fields; f++) {
            int index = rows.categories()[r * fields + f];
            if (index < 0 || index >= fieldOffsets[f + 1] - fieldOffsets[f]) {
                throw new IllegalArgumentException("category index " + index + " out of range for field " + f);
            }
            System.arraycopy(embeddings, (fieldOffsets[f] + index) * dimension, x, numericFields + f * dimension, dimension);
        }
    }

    private float probability(Scratch s) {
        float[] x = s.x;
        shared.forward(x, s.hidden, s.shared);
        for (int e = 0; e < experts.size(); e++) {
            experts.get(e).forward(x, s.hidden, s.experts[e]);
        }
        float[] weights = fixedWeights != null ? fixedWeights : attend(s);
        // the same order of operations as the ND4J heads: mixed = sum_k a_k h_k, fused = g0 (mixed . p) + g1 h_s
        float[] mixed = s.mixed;
        Arrays.fill(mixed, 0f);
        for (int e = 0; e < experts.size(); e++) {
            float a = weights[e];
            float[] h = s.experts[e];
            for (int j = 0; j < mixed.length; j++) {
                mixed[j] += h[j] * a;
            }
        }
        float taskGate = FIXED_TASK_GATE;
        float sharedGate = FIXED_SHARED_GATE;
        if (gate != null) {
            gate.forward(x, s.gate, false);
            softmax(s.gate);
            taskGate = s.gate[0];
            sharedGate = s.gate[1];
        }
        float[] fused = s.fused;
        float[] hs = s.shared;
        for (int j = 0; j < fused.length; j++) {
            fused[j] = mixed[j] * prompt[j] * taskGate + hs[j] * sharedGate;
        }
        tower[0].forward(fused, s.tower1, true);
        tower[1].forward(s.tower1, s.tower2, true);
        tower[2].forward(s.tower2, s.logit, false);
        return (float) (1.0 / (1.0 + Math.exp(-s.logit[0])));
    }

    private float[] attend(Scratch s) {
        Attention a = attention;
        a.first().forward(s.x, s.projectionHidden, true);
        float[] u = s.query;
        a.second().forward(s.projectionHidden, u, false);
        double mean = 0;
        for (float v : u) {
            mean += v;
        }
        mean /= u.length;
        double variance = 0;
        for (float v : u) {
            variance += (v - mean) * (v - mean);
        }
        variance /= u.length;
        float inverseStd = (float) (1.0 / Math.sqrt(variance + NORM_EPSILON));
        for (int j = 0; j < u.length; j++) {
            u[j] = (float) (u[j] - mean) * inverseStd * a.gamma()[j] + a.beta()[j];
        }
        float[] weights = s.weights;
        for (int k = 0; k < weights.length; k++) {
            weights[k] = dot(u, a.keys()[k]) / a.temperature();
        }
        softmax(weights);
        return weights;
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0f;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    /** In place, stabilised by the largest value. */
    private static void softmax(float[] v) {
        float max = Float.NEGATIVE_INFINITY;
        for (float value : v) {
            max = Math.max(max, value);
        }
        float sum = 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
    }

    private static float[][] rows(FloatArray matrix) {
        int columns = matrix.shape()[1];
        float[][] rows = new float[matrix.shape()[0]][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(matrix.data(), i * columns, (i + 1) * columns);
        }
        return rows;
    }

    private Scratch newScratch() {
        int d = prompt.length;
        return new Scratch(new float[inputWidth], new float[shared.hidden().outputs()], new float[d],
                new float[experts.size()][d], new float[d], new float[d], new float[2],
                new float[tower[0].outputs()], new float[tower[1].outputs()], new float[1],
                attention == null ? null : new float[attention.first().outputs()], new float[d],
                new float[experts.size()]);
    }

    /** One thread's rows of intermediate values, reused by every row and pass of that thread. */
    private record Scratch(float[] x, float[] hidden, float[] shared, float[][] experts, float[] mixed, float[] fused,
                           float[] gate, float[] tower1, float[] tower2, float[] logit, float[] projectionHidden,
                           float[] query, float[] weights) {
    }
}
