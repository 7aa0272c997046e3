package io.mptrec.model.network;

import io.mptrec.model.nn.FloatVectors;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.nn.Dense;
import io.mptrec.model.nn.Mlp;
import io.mptrec.model.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The encoder: embeddings, the task-sharing expert, one task-specific expert per stage-1 task, and the
 * stage-1 prompts that stage 2 attends over. Trainable during stage 1 (views into {@link Parameters}),
 * frozen afterwards (plain arrays from an artifact). Array names are those of the encoder artifact.
 */
public final class Encoder {

    public static final String EMBEDDINGS = "embeddings";
    public static final String PROMPTS = "prompts";

    private final ModelConfig config;
    private final int numericFields;
    private final int[] fieldOffsets;
    private final INDArray embeddings;
    private final INDArray embeddingGradient;
    /** Frozen encoders keep a Java copy of the table: the lookup then needs no native call. */
    private final float[] frozenTable;
    private final Mlp shared;
    private final List<Mlp> taskExperts;
    private final INDArray prompts;

    private Encoder(ModelConfig config, int numericFields, int[] vocabularySizes, INDArray embeddings,
                    INDArray embeddingGradient, Mlp shared, List<Mlp> taskExperts, INDArray prompts) {
        this.config = config;
        this.numericFields = numericFields;
        this.fieldOffsets = new int[vocabularySizes.length + 1];
        for (int f = 0; f < vocabularySizes.length; f++) {
            fieldOffsets[f + 1] = fieldOffsets[f] + vocabularySizes[f];
        }
        if (embeddings.size(0) != fieldOffsets[vocabularySizes.length] || embeddings.size(1) != config.embeddingDim()) {
            throw new IllegalArgumentException("embedding table has shape " + java.util.Arrays.toString(embeddings.shape())
                    + ", expected [" + fieldOffsets[vocabularySizes.length] + ", " + config.embeddingDim() + "]");
        }
        this.embeddings = embeddings;
        this.embeddingGradient = embeddingGradient;
        this.frozenTable = embeddingGradient == null ? FloatVectors.of(embeddings) : null;
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

    private static void declareExpert(Parameters.Builder builder, ModelConfig config, int inputWidth, String name) {
        float l2 = (float) config.l2Dense();
        builder.add(name + ".0.w", Parameters.Init.GLOROT_UNIFORM, l2, inputWidth, config.expertHidden());
        builder.add(name + ".0.b", Parameters.Init.ZEROS, 0f, config.expertHidden());
        builder.add(name + ".1.w", Parameters.Init.GLOROT_UNIFORM, l2, config.expertHidden(), config.expertOutput());
        builder.add(name + ".1.b", Parameters.Init.ZEROS, 0f, config.expertOutput());
    }

    public static Encoder trainable(ModelConfig config, int numericFields, int[] vocabularySizes, int tasks, Parameters p) {
        Function<String, Mlp> expert = name -> new Mlp(List.of(
                Dense.trainable(p.get(name + ".0.w"), p.get(name + ".0.b")),
                Dense.trainable(p.get(name + ".1.w"), p.get(name + ".1.b"))), true);
        List<Mlp> experts = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            experts.add(expert.apply("expert." + k));
        }
        return new Encoder(config, numericFields, vocabularySizes, p.get(EMBEDDINGS).value(), p.get(EMBEDDINGS).gradient(),
                expert.apply("expert.shared"), experts, p.get(PROMPTS).value());
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
        Function<String, Mlp> expert = name -> new Mlp(List.of(
                Dense.frozen(array.apply(name + ".0.w"), array.apply(name + ".0.b")),
                Dense.frozen(array.apply(name + ".1.w"), array.apply(name + ".1.b"))), true);
        List<Mlp> experts = new ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            experts.add(expert.apply("expert." + k));
        }
        return new Encoder(config, numericFields, vocabularySizes, array.apply(EMBEDDINGS), null,
                expert.apply("expert.shared"), experts, array.apply(PROMPTS));
    }

    public ModelConfig config() {
        return config;
    }

    public int inputWidth() {
        return numericFields + (fieldOffsets.length - 1) * config.embeddingDim();
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
        int de = config.embeddingDim();
        int fields = fieldOffsets.length - 1;
        if (rows.numericFields() != numericFields || rows.categoricalFields() != fields) {
            throw new IllegalArgumentException("rows have " + rows.numericFields() + " numeric and " + rows.categoricalFields()
                    + " categorical fields; the encoder expects " + numericFields + " and " + fields);
        }
        float[] table = frozenTable != null ? frozenTable : FloatVectors.of(embeddings);
        int width = inputWidth();
        float[] x = new float[rows.rows() * width];
        for (int r = 0; r < rows.rows(); r++) {
            System.arraycopy(rows.numeric(), r * numericFields, x, r * width, numericFields);
            for (int f = 0; f < fields; f++) {
                int index = rows.categories()[r * fields + f];
                int size = fieldOffsets[f + 1] - fieldOffsets[f];
                if (index < 0 || index >= size) {
                    throw new IllegalArgumentException("category index " + index + " out of range for field " + f);
                }
                System.arraycopy(table, (fieldOffsets[f] + index) * de, x, r * width + numericFields + f * de, de);
            }
        }
        return Nd4j.create(x, new long[] {rows.rows(), width}, DataType.FLOAT);
    }

    /** Scatter-adds dL/dx's embedding part into the embedding table's gradient (stage 1 only). */
    public void backwardInput(EncodedRows rows, INDArray dx) {
        if (embeddingGradient == null) {
            return;
        }
        int de = config.embeddingDim();
        int fields = fieldOffsets.length - 1;
        int width = inputWidth();
        float[] d = FloatVectors.of(dx);
        float[] gradient = new float[(int) embeddingGradient.length()];
        for (int r = 0; r < rows.rows(); r++) {
            for (int f = 0; f < fields; f++) {
                int row = fieldOffsets[f] + rows.categories()[r * fields + f];
                int from = r * width + numericFields + f * de;
                for (int j = 0; j < de; j++) {
                    gradient[row * de + j] += d[from + j];
                }
            }
        }
        embeddingGradient.addi(Nd4j.create(gradient, embeddingGradient.shape(), DataType.FLOAT));
    }

    /** Start and end (exclusive) of categorical field f's columns in x. */
    public int[] fieldColumns(int f) {
        int start = numericFields + f * config.embeddingDim();
        return new int[] {start, start + config.embeddingDim()};
    }

    public int numericFields() {
        return numericFields;
    }

    public int categoricalFields() {
        return fieldOffsets.length - 1;
    }
}
