package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.AdamOptimizer;
import io.mptrec.model.nn.BinaryCrossEntropy;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.Parameters;
import io.mptrec.model.nn.StepWorkspace;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The stage-1 network of MPT-Rec (method.md, "Stage 1 network") with its training step:
 * L = sum_k BCE(y_k) + lambda_gen sum_k BCE(T_k(h_s)) + L2 [+ lambda_adv CE(task classifier behind a
 * gradient-reversal layer on h_s)].
 */
public final class MultiTaskModel {

    /** Per-row losses of one step, per task, for the disentanglement term's environment re-assignment. */
    public record StepResult(double loss, float[][] rowLosses) {
    }

    private final ModelConfig config;
    private final List<String> tasks;
    private final Parameters parameters;
    private final Encoder encoder;
    private final List<Stage1Head> heads;
    private final Dense adversary;
    private final AdamOptimizer optimizer;

    private MultiTaskModel(ModelConfig config, List<String> tasks, Parameters parameters, Encoder encoder,
                           List<Stage1Head> heads, Dense adversary) {
        this.config = config;
        this.tasks = List.copyOf(tasks);
        this.parameters = parameters;
        this.encoder = encoder;
        this.heads = List.copyOf(heads);
        this.adversary = adversary;
        this.optimizer = new AdamOptimizer(parameters, config.learningRate());
    }

    public static MultiTaskModel create(ModelConfig config, int numericFields, int[] vocabularySizes,
                                        List<String> tasks, long seed) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("stage 1 needs at least one task");
        }
        int inputWidth = numericFields + vocabularySizes.length * config.embeddingDim();
        int totalVocabulary = java.util.Arrays.stream(vocabularySizes).sum();
        Parameters.Builder builder = Parameters.builder();
        Encoder.declare(builder, config, inputWidth, totalVocabulary, tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            Stage1Head.declare(builder, config, inputWidth, headPrefix(k));
        }
        if (config.disentangle()) {
            builder.add("adversary.w", Parameters.Init.GLOROT_UNIFORM, (float) config.l2Dense(), config.expertOutput(), tasks.size());
            builder.add("adversary.b", Parameters.Init.ZEROS, 0f, tasks.size());
        }
        Parameters p = builder.build(seed);
        Encoder encoder = Encoder.trainable(config, numericFields, vocabularySizes, tasks.size(), p);
        List<Stage1Head> heads = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            heads.add(Stage1Head.trainable(k, p, headPrefix(k)));
        }
        Dense adversary = config.disentangle() ? Dense.trainable(p.get("adversary.w"), p.get("adversary.b")) : null;
        return new MultiTaskModel(config, tasks, p, encoder, heads, adversary);
    }

    public static String headPrefix(int k) {
        return "task." + k + ".";
    }

    public ModelConfig config() {
        return config;
    }

    public List<String> tasks() {
        return tasks;
    }

    public Parameters parameters() {
        return parameters;
    }

    public Encoder encoder() {
        return encoder;
    }

    public Stage1Head head(int k) {
        return heads.get(k);
    }

    /**
     * One Adam step on a batch.
     *
     * @param labels labels[k][row] for task k
     * @param environments each row's environment (a task index) for the disentanglement term, or null
     * @param reversal the gradient-reversal factor alpha (ramped by the caller)
     */
    public StepResult trainStep(EncodedRows batch, float[][] labels, int[] environments, double reversal) {
        return StepWorkspace.run("stage1-step", () -> {
            StepResult result = computeGradients(batch, labels, environments, reversal);
            optimizer.step();
            return result;
        });
    }

    /** The loss of a batch, leaving its gradients in {@link #parameters()} (no step). */
    public StepResult computeGradients(EncodedRows batch, float[][] labels, int[] environments, double reversal) {
        parameters.zeroGradients();
        INDArray x = encoder.input(batch);
        EncoderPass ep = new EncoderPass(encoder, x);
        INDArray hs = ep.shared().output();
        INDArray dShared = StepWorkspace.zeros(hs.rows(), hs.columns());
        INDArray dx = StepWorkspace.zeros(x.rows(), x.columns());
        double loss = 0;
        float[][] rowLosses = new float[tasks.size()][];
        for (int k = 0; k < tasks.size(); k++) {
            Stage1Head head = heads.get(k);
            Stage1Head.Pass pass = head.forward(ep);
            BinaryCrossEntropy.Result main = BinaryCrossEntropy.of(pass.logits(), labels[k], 1.0);
            loss += main.loss();
            rowLosses[k] = main.rowLosses();
            Stage1Head.Gradients g = head.backwardToEncoder(ep, pass, main.logitGradient(), true);
            NativeFloats.addi(dx, g.dInput());
            NativeFloats.addi(dShared, g.dShared());
            NativeFloats.addi(dx, encoder.taskExpert(k).backward(ep.task(k), g.dTaskExpert(), true));
            if (config.lambdaGen() > 0) {
                var auxiliary = head.tower().forward(hs);
                BinaryCrossEntropy.Result aux = BinaryCrossEntropy.of(auxiliary.output(), labels[k], config.lambdaGen());
                loss += aux.loss();
                NativeFloats.addi(dShared, head.tower().backward(auxiliary, aux.logitGradient(), true));
            }
        }
        if (adversary != null && environments != null) {
            loss += adversaryStep(hs, environments, reversal, dShared);
        }
        NativeFloats.addi(dx, encoder.sharedExpert().backward(ep.shared(), dShared, true));
        encoder.backwardInput(batch, dx);
        loss += parameters.applyL2();
        return new StepResult(loss, rowLosses);
    }

    /**
     * The task classifier on h_s; its gradient reaches h_s reversed and scaled (DANN). In loops over the step's arrays,
     * the gradient's arithmetic in the order of the ND4J operations it replaces ((p - y) times lambda / rows, then times
     * -reversal), which made and registered 21 arrays a step. The loss is only reported: it is summed here in double,
     * where ND4J's full reduction summed in an order of its own (the last digits may differ).
     */
    private double adversaryStep(INDArray hs, int[] environments, double reversal, INDArray dShared) {
        INDArray probabilities = Activations.softmaxRows(adversary.forward(hs));
        int rows = (int) hs.size(0);
        float scale = (float) (config.lambdaAdv() / rows);
        double[] crossEntropy = {0};
        INDArray dLogits = NativeFloats.mapRows(probabilities, null, (r, p, unused) -> {
            int environment = environments[r];
            crossEntropy[0] -= Math.log(p[environment] + 1e-7f);
            for (int j = 0; j < p.length; j++) {
                p[j] = (p[j] - (j == environment ? 1f : 0f)) * scale;
            }
        });
        float reversed = (float) -reversal;
        INDArray dh = NativeFloats.mapRows(adversary.backward(hs, dLogits, true), null, (r, d, unused) -> {
            for (int j = 0; j < d.length; j++) {
                d[j] *= reversed;
            }
        });
        NativeFloats.addi(dShared, dh);
        return config.lambdaAdv() * crossEntropy[0] / rows;
    }

    /** Predicted probabilities per task, in batches. */
    public float[][] predict(EncodedSource rows) {
        return Predictions.of(encoder, new ArrayList<TaskHead>(heads), rows);
    }

    /** Freezes a copy of the current weights as named arrays (for artifacts): encoder arrays and head k arrays. */
    public java.util.Map<String, INDArray> encoderArrays() {
        java.util.Map<String, INDArray> arrays = new java.util.TreeMap<>();
        for (Parameters.Parameter p : parameters.all()) {
            if (p.name().equals(Encoder.EMBEDDINGS) || p.name().equals(Encoder.PROMPTS) || p.name().startsWith("expert.")) {
                arrays.put(p.name(), p.value().dup());
            }
        }
        return arrays;
    }

    public java.util.Map<String, INDArray> headArrays(int k) {
        java.util.Map<String, INDArray> arrays = new java.util.TreeMap<>();
        String prefix = headPrefix(k);
        for (Parameters.Parameter p : parameters.all()) {
            if (p.name().startsWith(prefix)) {
                arrays.put(p.name().substring(prefix.length()), p.value().dup());
            }
        }
        arrays.put("prompt", parameters.get(Encoder.PROMPTS).value().getRow(k).dup());
        return arrays;
    }
}
