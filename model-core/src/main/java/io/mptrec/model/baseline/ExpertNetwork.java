package io.mptrec.model.baseline;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.EncodedSource;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.Predictions;
import io.mptrec.model.network.Stage1Head;
import io.mptrec.model.nn.Activations;
import io.mptrec.model.nn.AdamOptimizer;
import io.mptrec.model.nn.BinaryCrossEntropy;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.EmbeddingLookup;
import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.NativeFloats;
import io.mptrec.model.nn.Parameters;
import io.mptrec.model.nn.StepWorkspace;
import io.mptrec.model.training.KeptRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The multi-task baselines of method.md as one network family: embeddings (as MPT-Rec's), a set of expert MLPs
 * d_in -> H1 -> D (ReLU after both layers), and per task a tower D -> 64 -> 32 -> 1 over either one expert or a
 * softmax-gated mix of several, the gate a bias-free linear layer over the input x:
 * <ul>
 *   <li>Shared-Bottom: one expert, every task's tower on it (with one task: the single-task network);</li>
 *   <li>MMoE: m experts (3), each task gated over all of them;</li>
 *   <li>PLE, one CGC level: one shared expert and one specific expert per task, each task gated over its own
 *       and the shared expert.</li>
 * </ul>
 * Loss: sum of the tasks' BCE + L2 (embeddings and dense weights as MPT-Rec). {@link #newTask} freezes the
 * embeddings and experts of a trained network and trains only a new tower (and gate, when it mixes several
 * experts): the new-task setting of the baselines.
 */
public final class ExpertNetwork {

    /** Which experts a task's tower reads: one (no gate) or several (gated). */
    record TaskRoute(int[] experts) {
    }

    /** What the backward pass needs of one batch. */
    private record Pass(INDArray input, Mlp.Pass[] experts, INDArray[] gates, INDArray[] mixed, Mlp.Pass[] towers) {
    }

    private final String name;
    private final ModelConfig config;
    private final List<String> tasks;
    private final Parameters parameters;
    private final EmbeddingLookup embeddings;
    private final List<Mlp> experts;
    private final List<TaskRoute> routes;
    private final List<Dense> gates;
    private final List<Mlp> towers;
    /** False in the new-task setting: embeddings and experts are frozen copies, not parameters. */
    private final boolean encoderTrainable;
    private final AdamOptimizer optimizer;

    private ExpertNetwork(String name, ModelConfig config, List<String> tasks, Parameters parameters,
                          EmbeddingLookup embeddings, List<Mlp> experts, List<TaskRoute> routes, List<Dense> gates,
                          List<Mlp> towers, boolean encoderTrainable) {
        this.name = name;
        this.config = config;
        this.tasks = List.copyOf(tasks);
        this.parameters = parameters;
        this.embeddings = embeddings;
        this.experts = List.copyOf(experts);
        this.routes = List.copyOf(routes);
        this.gates = java.util.Collections.unmodifiableList(new ArrayList<>(gates)); // null: a tower on one expert
        this.towers = List.copyOf(towers);
        this.encoderTrainable = encoderTrainable;
        this.optimizer = new AdamOptimizer(parameters, config.learningRate());
    }

    /** One bottom expert shared by every task; with a single task this is the single-task network. */
    public static ExpertNetwork sharedBottom(ModelConfig config, int numericFields, int[] vocabularySizes,
                                             List<String> tasks, long seed) {
        List<TaskRoute> routes = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            routes.add(new TaskRoute(new int[] {0}));
        }
        return create(tasks.size() == 1 ? "single_task" : "shared_bottom", config, numericFields, vocabularySizes,
                tasks, 1, routes, seed);
    }

    /** {@code expertCount} experts, each task with a softmax gate over all of them. */
    public static ExpertNetwork mmoe(ModelConfig config, int numericFields, int[] vocabularySizes, List<String> tasks,
                                     int expertCount, long seed) {
        int[] all = new int[expertCount];
        for (int i = 0; i < expertCount; i++) {
            all[i] = i;
        }
        List<TaskRoute> routes = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            routes.add(new TaskRoute(all.clone()));
        }
        return create("mmoe", config, numericFields, vocabularySizes, tasks, expertCount, routes, seed);
    }

    /** One CGC level: expert 0 shared, expert k + 1 specific to task k; task k gated over (own, shared). */
    public static ExpertNetwork ple(ModelConfig config, int numericFields, int[] vocabularySizes, List<String> tasks,
                                   long seed) {
        List<TaskRoute> routes = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            routes.add(new TaskRoute(new int[] {k + 1, 0}));
        }
        return create("ple", config, numericFields, vocabularySizes, tasks, tasks.size() + 1, routes, seed);
    }

    private static ExpertNetwork create(String name, ModelConfig config, int numericFields, int[] vocabularySizes,
                                        List<String> tasks, int expertCount, List<TaskRoute> routes, long seed) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one task");
        }
        int inputWidth = EmbeddingLookup.inputWidth(numericFields, vocabularySizes.length, config.embeddingDim());
        Parameters.Builder builder = Parameters.builder();
        builder.add(Encoder.EMBEDDINGS, Parameters.Init.EMBEDDING_UNIFORM, (float) config.l2Embedding(),
                EmbeddingLookup.totalVocabulary(vocabularySizes), config.embeddingDim());
        for (int i = 0; i < expertCount; i++) {
            Encoder.declareExpert(builder, config, inputWidth, "expert." + i);
        }
        for (int k = 0; k < tasks.size(); k++) {
            declareHead(builder, config, inputWidth, routes.get(k), headPrefix(k));
        }
        Parameters p = builder.build(seed);
        List<Mlp> experts = new ArrayList<>();
        for (int i = 0; i < expertCount; i++) {
            experts.add(Encoder.trainableExpert(p, "expert." + i));
        }
        List<Dense> gates = new ArrayList<>();
        List<Mlp> towers = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            gates.add(trainableGate(p, routes.get(k), headPrefix(k)));
            towers.add(Stage1Head.trainableTower(p, headPrefix(k)));
        }
        return new ExpertNetwork(name, config, tasks, p,
                EmbeddingLookup.trainable(numericFields, vocabularySizes, p.get(Encoder.EMBEDDINGS)),
                experts, routes, gates, towers, true);
    }

    /**
     * The new-task setting: a copy of {@code trained}'s embeddings and experts, frozen, with one new head that
     * reads every expert (a gate over them when there are several, as MMoE; a tower on the bottom alone for
     * Shared-Bottom). Only the new head is in the optimiser; {@code trained} is never written.
     */
    public static ExpertNetwork newTask(ExpertNetwork trained, String task, long seed) {
        return newTask(trained, task, seed, trained.config.learningRate(), trained.config.patience());
    }

    /** As {@link #newTask(ExpertNetwork, String, long)}, the head trained with this learning rate and patience. */
    public static ExpertNetwork newTask(ExpertNetwork trained, String task, long seed, double learningRate,
                                        int patience) {
        ModelConfig config = trained.config.withOptimiser(learningRate, patience);
        int expertCount = trained.experts.size();
        int[] all = new int[expertCount];
        for (int i = 0; i < expertCount; i++) {
            all[i] = i;
        }
        TaskRoute route = new TaskRoute(all);
        Parameters.Builder builder = Parameters.builder();
        declareHead(builder, config, trained.embeddings.inputWidth(), route, headPrefix(0));
        Parameters p = builder.build(seed);
        Map<String, INDArray> frozen = new TreeMap<>();
        for (Parameters.Parameter parameter : trained.parameters.all()) {
            if (parameter.name().startsWith("expert.")) {
                frozen.put(parameter.name(), parameter.value().dup());
            }
        }
        List<Mlp> experts = new ArrayList<>();
        for (int i = 0; i < expertCount; i++) {
            experts.add(Encoder.frozenExpert(frozen::get, "expert." + i));
        }
        EmbeddingLookup embeddings = trained.embeddings.frozenCopy();
        return new ExpertNetwork("frozen_" + trained.name, config, List.of(task), p, embeddings, experts,
                List.of(route), java.util.Collections.singletonList(trainableGate(p, route, headPrefix(0))),
                List.of(Stage1Head.trainableTower(p, headPrefix(0))), false);
    }

    private static void declareHead(Parameters.Builder builder, ModelConfig config, int inputWidth, TaskRoute route,
                                    String prefix) {
        if (route.experts().length > 1) {
            builder.add(prefix + "gate.w", Parameters.Init.GLOROT_UNIFORM, (float) config.l2Dense(), inputWidth,
                    route.experts().length);
        }
        Stage1Head.declareTower(builder, config, prefix);
    }

    private static Dense trainableGate(Parameters p, TaskRoute route, String prefix) {
        return route.experts().length > 1 ? Dense.trainable(p.get(prefix + "gate.w"), null) : null;
    }

    static String headPrefix(int k) {
        return "task." + k + ".";
    }

    /** The name the benchmark reports: single_task, shared_bottom, mmoe, ple, frozen_shared_bottom, frozen_mmoe. */
    public String name() {
        return name;
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

    /** Trained values outside embedding tables. */
    public long nonEmbeddingParameters() {
        return encoderTrainable ? parameters.count() - parameters.get(Encoder.EMBEDDINGS).size() : parameters.count();
    }

    public double trainStep(EncodedRows batch, float[][] labels) {
        return StepWorkspace.run("baseline-step", () -> {
            double loss = computeGradients(batch, labels);
            optimizer.step();
            return loss;
        });
    }

    /**
     * Whether the embeddings and experts are frozen copies (the new-task setting): then what they give each row
     * ({@link #frozenPass}) can be computed once and kept ({@link KeptRows}).
     */
    public boolean encoderFrozen() {
        return !encoderTrainable;
    }

    /** The widths of {@link #frozenPass}'s arrays. */
    public int[] frozenWidths() {
        int[] widths = new int[experts.size() + 1];
        Arrays.fill(widths, config.expertOutput());
        widths[0] = embeddings.inputWidth();
        return widths;
    }

    /** What the embeddings and experts give the rows: the input, then each expert's output. */
    public INDArray[] frozenPass(EncodedRows rows) {
        INDArray x = embeddings.forward(rows);
        INDArray[] arrays = new INDArray[experts.size() + 1];
        arrays[0] = x;
        for (int i = 0; i < experts.size(); i++) {
            arrays[i + 1] = experts.get(i).forward(x).output();
        }
        return arrays;
    }

    /**
     * A step of the new-task setting on a batch's kept {@link #frozenPass} arrays, which {@code frozen} makes in the
     * step's workspace.
     */
    public double trainStep(Supplier<INDArray[]> frozen, float[][] labels) {
        if (encoderTrainable) {
            throw new IllegalStateException(name + " trains its experts: they give no frozen pass");
        }
        return StepWorkspace.run("baseline-step", () -> {
            double loss = computeGradients(forward(frozen.get()), null, labels);
            optimizer.step();
            return loss;
        });
    }

    /** The loss of a batch, leaving its gradients in {@link #parameters()} (no step). */
    public double computeGradients(EncodedRows batch, float[][] labels) {
        return computeGradients(forward(batch), batch, labels);
    }

    /** @param batch the pass's rows, which the embeddings' gradient needs; null in the new-task setting */
    private double computeGradients(Pass pass, EncodedRows batch, float[][] labels) {
        parameters.zeroGradients();
        INDArray x = pass.input();
        INDArray[] dExperts = new INDArray[experts.size()];
        INDArray dx = encoderTrainable ? StepWorkspace.zeros(x.rows(), x.columns()) : null;
        double loss = 0;
        for (int k = 0; k < tasks.size(); k++) {
            BinaryCrossEntropy.Result bce = BinaryCrossEntropy.of(pass.towers()[k].output(), labels[k], 1.0);
            loss += bce.loss();
            INDArray dMixed = towers.get(k).backward(pass.towers()[k], bce.logitGradient(), true);
            int[] route = routes.get(k).experts();
            if (gates.get(k) == null) {
                accumulate(dExperts, route[0], dMixed);
                continue;
            }
            INDArray g = pass.gates()[k];
            INDArray dGate = StepWorkspace.uninitialized(g.rows(), route.length);
            for (int j = 0; j < route.length; j++) {
                INDArray h = pass.experts()[route[j]].output();
                accumulate(dExperts, route[j], NativeFloats.timesColumn(dMixed, g, j));
                NativeFloats.rowDotsInto(dMixed, h, dGate, j);
            }
            INDArray dLogits = Activations.softmaxRowsBackward(g, dGate);
            INDArray dInput = gates.get(k).backward(x, dLogits, encoderTrainable);
            if (dx != null) {
                NativeFloats.addi(dx, dInput);
            }
        }
        if (encoderTrainable) {
            for (int i = 0; i < experts.size(); i++) {
                if (dExperts[i] != null) {
                    NativeFloats.addi(dx, experts.get(i).backward(pass.experts()[i], dExperts[i], true));
                }
            }
            embeddings.backward(batch, dx);
        }
        return loss + parameters.applyL2();
    }

    /** Predicted probabilities per task, in batches. */
    public float[][] predict(EncodedSource rows) {
        return predict(rows.rows(), (from, end) -> forward(rows.range(from, end)));
    }

    /**
     * As {@link #predict(EncodedSource)} over the rows {@code kept} was computed from, from its arrays when it holds
     * them: the same batches of rows, so the same probabilities bit for bit.
     */
    public float[][] predict(KeptRows kept) {
        if (!kept.isKept()) {
            return predict(kept.source());
        }
        return predict(kept.source().rows(), (from, end) -> forward(kept.range(from, end)));
    }

    private float[][] predict(int rows, BiFunction<Integer, Integer, Pass> passOf) {
        float[][] out = new float[tasks.size()][rows];
        Predictions.inBatches(rows, (from, end) -> {
            Pass pass = passOf.apply(from, end);
            for (int k = 0; k < tasks.size(); k++) {
                INDArray p = Transforms.sigmoid(pass.towers()[k].output(), true);
                System.arraycopy(FloatVectors.of(p), 0, out[k], from, end - from);
            }
        });
        return out;
    }

    private Pass forward(EncodedRows batch) {
        INDArray x = embeddings.forward(batch);
        Mlp.Pass[] expertPasses = new Mlp.Pass[experts.size()];
        for (int i = 0; i < experts.size(); i++) {
            expertPasses[i] = experts.get(i).forward(x);
        }
        return forward(x, expertPasses);
    }

    /** The heads on a batch's kept {@link #frozenPass} arrays: the experts' outputs without their layers' passes. */
    private Pass forward(INDArray[] frozen) {
        Mlp.Pass[] expertPasses = new Mlp.Pass[experts.size()];
        for (int i = 0; i < experts.size(); i++) {
            expertPasses[i] = new Mlp.Pass(frozen[0], List.of(frozen[i + 1]));
        }
        return forward(frozen[0], expertPasses);
    }

    private Pass forward(INDArray x, Mlp.Pass[] expertPasses) {
        INDArray[] gateWeights = new INDArray[tasks.size()];
        INDArray[] mixed = new INDArray[tasks.size()];
        Mlp.Pass[] towerPasses = new Mlp.Pass[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            int[] route = routes.get(k).experts();
            if (gates.get(k) == null) {
                mixed[k] = expertPasses[route[0]].output();
            } else {
                INDArray g = Activations.softmaxRows(gates.get(k).forward(x));
                INDArray[] parts = new INDArray[route.length];
                for (int j = 0; j < route.length; j++) {
                    parts[j] = expertPasses[route[j]].output();
                }
                gateWeights[k] = g;
                mixed[k] = NativeFloats.weightedSum(parts, g, false);
            }
            towerPasses[k] = towers.get(k).forward(mixed[k]);
        }
        return new Pass(x, expertPasses, gateWeights, mixed, towerPasses);
    }

    /** Adds value into sums[i], starting from a copy of it (the caller's array is not written). */
    private static void accumulate(INDArray[] sums, int i, INDArray value) {
        sums[i] = sums[i] == null ? NativeFloats.copy(value) : NativeFloats.addi(sums[i], value);
    }
}
