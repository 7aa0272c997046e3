package io.mptrec.model.network;

import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.EmbeddingLookup;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder: embeddings, the task-sharing expert, one task-specific expert per stage-1 task, and the
 * stage-1 prompts that stage 2 attends over. Trainable during stage 1 (views into {@link Parameters}),
 * frozen afterwards (plain arrays from an artifact). Array names are those of the encoder artifact.
 */
public final class Encoder {

    public static final String EMBEDDINGS = "embeddings";
    public static final String PROMPTS = "prompts";

    private final ModelConfig config;
    private final EmbeddingLookup embeddings;
    private final Mlp shared;
    private final List<Mlp> taskExperts;
    private final INDArray prompts;

    private Encoder(ModelConfig config, EmbeddingLookup embeddings, Mlp shared, List<Mlp> taskExperts, INDArray prompts) {
        this.config = config;
        this.embeddings = embeddings;
        this.shared = shared;
        this.taskExperts = List.copyOf(taskExperts);
        this.prompts = prompts;
    }

    /** Declares the stage-1 encoder parameters (names as in the artifact). */
    public static void declare(Parameters.Builder builder, ModelConfig config, int inputWidth, int totalVocabulary, int tasks) {
        builder.add(EMBEDDINGS, Parameters.Init.EMBEDDING_UNIFORM, (float) config.l2Embedding(), totalVocabulary, config.embeddingDim());
        declareExpert(builder, config, inputWidth, "expert.shared");
        for (int k = 0; k < tasks; k++) {
            declareExpert(builder, config, inputWidth, "expert." + k);
        }
        builder.add(PROMPTS, Parameters.Init.ONES, 0f, tasks, config.expertOutput());
    }

    /** Declares one expert MLP d_in -> H1 -> D under {@code name}.{0,1}.{w,b}. */
    public static void declareExpert(Parameters.Builder builder, ModelConfig config, int inputWidth, String name) {
        float l2 = (float) config.l2Dense();
        builder.add(name + ".0.w", Parameters.Init.GLOROT_UNIFORM, l2, inputWidth, config.expertHidden());
        builder.add(name + ".0.b", Parameters.Init.ZEROS, 0f, config.expertHidden());
        builder.add(name + ".1.w", Parameters.Init.GLOROT_UNIFORM, l2, config.expertHidden(), config.expertOutput());
        builder.add(name + ".1.b", Parameters.Init.ZEROS, 0f, config.expertOutput());
    }

    public static Encoder trainable(ModelConfig config, int numericFields, int[] vocabularySizes, int tasks, Parameters p) {
        Function<String, Mlp> expert = name -> trainableExpert(p, name);
        List<Mlp> experts = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            experts.add(expert.apply("expert." + k));
        }
        return new Encoder(config, EmbeddingLookup.trainable(numericFields, vocabularySizes, p.get(EMBEDDINGS)),
                expert.apply("expert.shared"), experts, p.get(PROMPTS).value());
    }

    /** An expert declared by {@link #declareExpert}: ReLU after both layers. */
    public static Mlp trainableExpert(Parameters p, String name) {
        return new Mlp(List.of(
                Dense.trainable(p.get(name + ".0.w"), p.get(name + ".0.b")),
                Dense.trainable(p.get(name + ".1.w"), p.get(name + ".1.b"))), true);
    }

    /** The same expert over fixed arrays (a copy of trained weights). */
    public static Mlp frozenExpert(Function<String, INDArray> array, String name) {
        return new Mlp(List.of(
                Dense.frozen(array.apply(name + ".0.w"), array.apply(name + ".0.b")),
                Dense.frozen(array.apply(name + ".1.w"), array.apply(name + ".1.b"))), true);
    }

    /** A frozen encoder over named arrays (from an artifact or a finished stage 1). */
    public static Encoder frozen(ModelConfig config, int numericFields, int[] vocabularySizes, int tasks,
                                 Map<String, INDArray> arrays) {
        Function<String, INDArray> array = name -> {
            INDArray a = arrays.get(name);
            if (a == null) {
                throw new IllegalArgumentException("encoder array " + name + " is missing");
            }
            return a;
        };
        Function<String, Mlp> expert = name -> frozenExpert(array, name);
        List<Mlp> experts = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            experts.add(expert.apply("expert." + k));
        }
        return new Encoder(config, EmbeddingLookup.frozen(numericFields, vocabularySizes, config.embeddingDim(),
                array.apply(EMBEDDINGS)), expert.apply("expert.shared"), experts, array.apply(PROMPTS));
    }

    public ModelConfig config() {
        return config;
    }

    public int inputWidth() {
        return embeddings.inputWidth();
    }

    public int tasks() {
        return taskExperts.size();
    }

    public Mlp sharedExpert() {
        return shared;
    }

    public Mlp taskExpert(int k) {
        return taskExperts.get(k);
    }

    /** The stage-1 prompts P (K x D): the keys of stage 2's attention. */
    public INDArray prompts() {
        return prompts;
    }

    /** x = [scaled numeric fields, embedding of each categorical field], one row per input row. */
    public INDArray input(EncodedRows rows) {
        return embeddings.forward(rows);
    }

    /** Scatter-adds dL/dx's embedding part into the embedding table's gradient (stage 1 only). */
    public void backwardInput(EncodedRows rows, INDArray dx) {
        embeddings.backward(rows, dx);
    }

    /** Where each categorical field's values start in the stacked embedding table, and (last) its row count. */
    public int[] vocabularyOffsets() {
        return embeddings.rowOffsets();
    }

    /** Start and end (exclusive) of categorical field f's columns in x. */
    public int[] fieldColumns(int f) {
        return embeddings.fieldColumns(f);
    }

    public int numericFields() {
        return embeddings.numericFields();
    }

    public int categoricalFields() {
        return embeddings.categoricalFields();
    }
}
