package io.mptrec.model.onnx;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.FloatArray;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.artifact.TaskPromptMetadata;
import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TuneConfig;
import io.mptrec.model.nn.Subnormals;
import io.mptrec.model.training.CodeVersion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The frozen encoder plus one task prompt as one standard ONNX model (opset 13), so that a released prompt can be
 * served by any ONNX runtime. Only the path the task uses is written, as {@code Scorer} runs it: a stage-1 prompt
 * reads its own expert and the shared one, a stage-2 prompt all of them. Every operation is the engine's, in its
 * order (no fused or rewritten steps), so the scores agree to rounding.
 *
 * <p>Inputs: {@value #NUMERIC} float32 [N, numeric fields], the values as {@code RawEncoder} scales them, and
 * {@value #CATEGORIES} int64 [N, categorical fields], each field's vocabulary index (0: unseen or missing).
 * Output: {@value #PROBABILITY} float32 [N, 1]. The model's metadata names the task, both artifacts' content
 * hashes and the input fields in order.
 *
 * <p>Uses the ONNX protobuf classes ND4J ships (with its shaded protobuf runtime), so no other protobuf is needed.
 */
public final class OnnxExport {

    public static final int OPSET = 13;
    /** ONNX IR version 7: the first with opset 13. */
    static final long IR_VERSION = 7;
    public static final String NUMERIC = "numeric";
    public static final String CATEGORIES = "categories";
    public static final String PROBABILITY = "probability";

    private static final int FLOAT = Onnx.TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = Onnx.TensorProto.DataType.INT64.getNumber();
    /** As {@code LayerNorm}. */
    private static final float LAYER_NORM_EPSILON = 1e-5f;
    /** As {@code GatedFusion.FIXED}: task part, shared part. */
    private static final float[] FIXED_GATE = {0.1f, 0.9f};

    private final EncoderArtifact encoder;
    private final TaskPromptArtifact prompt;
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Set<String> initializers = new HashSet<>();
    /** The output of each expert already in the graph, by name. */
    private final Map<String, String> expertOutputs = new HashMap<>();
    private int nodes;
    private int values;
    /** Each row's category indices into the stacked vocabulary (N x fields), as the embedding lookup reads them. */
    private String tableRows;

    private OnnxExport(EncoderArtifact encoder, TaskPromptArtifact prompt) {
        this.encoder = encoder;
        this.prompt = prompt;
    }

    /**
     * The serialised model.
     *
     * @throws io.mptrec.model.artifact.ArtifactException when the prompt was not trained on this encoder or its arrays do not fit it
     */
    public static byte[] export(EncoderArtifact encoder, TaskPromptArtifact prompt) {
        prompt.checkFits(encoder);
        return new OnnxExport(encoder, prompt).model().toByteArray();
    }

    private Onnx.ModelProto model() {
        FeatureTransform transform = encoder.metadata().transform();
        List<String> numericFields = transform.numericColumnNames();
        List<String> categoricalFields = transform.categoricalColumnNames();
        graph.setName("mptrec-" + prompt.task());
        graph.addInput(input(NUMERIC, FLOAT, numericFields.size(),
                "encoded values as the encoder's feature transform gives them (min-max scaled to [0, 1], or one"
                        + " piecewise-linear value per bin), missing = 0; columns: " + String.join(", ", numericFields)));
        graph.addInput(input(CATEGORIES, INT64, categoricalFields.size(),
                "vocabulary or quantile-bucket index per field (0: unseen or missing); columns: "
                        + String.join(", ", categoricalFields)));

        String x = encoderInput();
        TaskPromptMetadata metadata = prompt.metadata();
        String logits = metadata.stage() == 1 ? stage1(x, metadata.taskIndex()) : stage2(x, metadata.tune());
        node("Sigmoid", List.of(logits), PROBABILITY);
        graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(PROBABILITY)
                .setDocString("probability of task " + prompt.task() + ", one per row")
                .setType(tensorType(FLOAT, 1)));

        String doc = "MPT-Rec task " + prompt.task() + ": frozen encoder " + encoder.contentSha256() + " with task prompt "
                + prompt.contentSha256() + ". Inputs: " + NUMERIC + " float32 [N, " + numericFields.size() + "] ("
                + String.join(", ", numericFields) + "), " + CATEGORIES + " int64 [N, " + categoricalFields.size() + "] ("
                + String.join(", ", categoricalFields) + "). Output: " + PROBABILITY + " float32 [N, 1].";
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("mptrec")
                .setProducerVersion(CodeVersion.get())
                .setDocString(doc)
                .setGraph(graph)
                .addMetadataProps(property("task", prompt.task()))
                .addMetadataProps(property("encoder_sha256", encoder.contentSha256()))
                .addMetadataProps(property("prompt_sha256", prompt.contentSha256()))
                .addMetadataProps(property("numeric_fields", String.join(",", numericFields)))
                .addMetadataProps(property("categorical_fields", String.join(",", categoricalFields)))
                .addMetadataProps(property("vocabulary_sizes", Arrays.stream(transform.embeddingRows())
                        .mapToObj(Integer::toString).collect(Collectors.joining(","))))
                .build();
    }

    /** x = [numeric, embedding of each field]: as {@code EmbeddingLookup}, per-field offsets into the one table. */
    private String encoderInput() {
        int[] sizes = encoder.vocabularySizes();
        long[] offsets = new long[sizes.length];
        for (int f = 1; f < offsets.length; f++) {
            offsets[f] = offsets[f - 1] + sizes[f - 1];
        }
        int dimension = encoder.metadata().config().embeddingDim();
        String rows = op("Add", CATEGORIES, int64s("field_offsets", offsets));
        tableRows = rows;
        String embedded = op("Gather", encoderArray("embeddings"), rows);
        String flat = op("Reshape", embedded, int64s("embedded_shape", new long[] {0, (long) offsets.length * dimension}));
        return node("Concat", List.of(NUMERIC, flat), fresh("Concat"), intAttribute("axis", 1));
    }

    /** h~ = h_k (.) p_k, z = gate fusion of h~ and h_s, y = tower(z). */
    private String stage1(String x, int k) {
        String taskPart = op("Mul", expert(x, "expert." + k), promptArray("prompt"));
        return tower(fusion(x, taskPart, expert(x, "expert.shared"), false));
    }

    /**
     * a = attention over the stage-1 prompts, h = sum_k a_k h_k, h~ = h (.) p, then as stage 1; with several prompt
     * tokens, each token's slice of the columns is mixed with the weights of its own attention.
     */
    private String stage2(String x, TuneConfig tune) {
        int tasks = encoder.metadata().tasks().size();
        String keys = transposedPrompts();
        String query = tune.fusion() == TuneConfig.Fusion.ATTENTION ? query(x) : null;
        if (tune.promptTokens() > 1) {
            return stage2Tail(x, tune, tokenMixture(x, tune, keys, query), query);
        }
        String attention = switch (tune.fusion()) {
            case ATTENTION -> softmax(op("Div", op("MatMul", query, keys),
                    scalar("temperature", (float) tune.temperature())));
            // one row, broadcast over the batch as the engine repeats it
            case TASK_SIMILARITY -> softmax(op("Div", op("MatMul", promptRow(), keys),
                    scalar("temperature", (float) tune.temperature())));
            case UNIFORM -> {
                float[] uniform = new float[tasks];
                Arrays.fill(uniform, 1.0f / tasks);
                yield floats("uniform_attention", new long[] {1, tasks}, uniform);
            }
        };
        int attended = tasks + (tune.attendShared() ? 1 : 0);
        List<String> experts = attendedExperts(x, attended);
        List<String> weights = split(attention, attended);
        String mixed = null;
        for (int k = 0; k < attended; k++) {
            // with attendShared, the last weight is the shared expert's
            String term = op("Mul", experts.get(k), weights.get(k));
            mixed = mixed == null ? term : op("Add", mixed, term);
        }
        return stage2Tail(x, tune, mixed, query);
    }

    /** The projection's normalised output, the attention's query. */
    private String query(String x) {
        String projected = op("MatMul", op("Relu", op("MatMul", x, promptArray("projection.0.w"))),
                promptArray("projection.1.w"));
        return layerNorm(projected);
    }

    /** The task experts' outputs, then the shared expert's when it is attended. */
    private List<String> attendedExperts(String x, int attended) {
        int tasks = encoder.metadata().tasks().size();
        List<String> experts = new ArrayList<>();
        for (int k = 0; k < attended; k++) {
            experts.add(expert(x, k < tasks ? "expert." + k : "expert.shared"));
        }
        return experts;
    }

    /** Several prompt tokens: slice t of the mixture is sum_k a^t_k h_k[t], a^t = softmax(q[t] K[t]^T / (tau / M)). */
    private String tokenMixture(String x, TuneConfig tune, String transposedKeys, String query) {
        int tokens = tune.promptTokens();
        int attended = encoder.metadata().tasks().size() + (tune.attendShared() ? 1 : 0);
        int width = encoder.metadata().config().expertOutput() / tokens;
        List<String> experts = attendedExperts(x, attended);
        String temperature = scalar("token_temperature", (float) (tune.temperature() / tokens));
        List<String> slices = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            long from = (long) t * width;
            long to = from + width;
            // the keys are stored transposed (D x attended): token t's are rows from..to
            String keys = slice(transposedKeys, from, to, 0);
            List<String> weights = split(softmax(op("Div", op("MatMul", slice(query, from, to, 1), keys), temperature)),
                    attended);
            String mixed = null;
            for (int k = 0; k < attended; k++) {
                String term = op("Mul", slice(experts.get(k), from, to, 1), weights.get(k));
                mixed = mixed == null ? term : op("Add", mixed, term);
            }
            slices.add(mixed);
        }
        return node("Concat", slices, fresh("Concat"), intAttribute("axis", 1));
    }

    /** Entries from..to of a tensor along one axis. */
    private String slice(String tensor, long from, long to, int axis) {
        return op("Slice", tensor, int64s("slice_from_" + from, new long[] {from}), int64s("slice_to_" + to, new long[] {to}),
                int64s("axis_" + axis, new long[] {axis}));
    }

    /**
     * h~ = mixed (.) p, the gate's fusion with the shared expert, the query residual when the task has one, the tower,
     * and the wide part when the task has one.
     */
    private String stage2Tail(String x, TuneConfig tune, String mixed, String query) {
        String shared = expert(x, "expert.shared");
        String taskPart = op("Mul", mixed, promptArray("prompt"));
        String fused = fusion(x, taskPart, shared, tune.fixedGate());
        if (tune.queryResidual()) {
            fused = op("Add", fused, op("Mul", query, promptArray(Stage2Head.QUERY_RESIDUAL)));
        }
        String logits = tower(fused);
        if (!tune.wide()) {
            return logits;
        }
        // the wide part: each row's values' biases, summed over its fields
        String biases = op("Gather", promptArray(Stage2Head.WIDE), tableRows);
        return op("Add", logits, op("ReduceSum", biases, int64s("wide_axes", new long[] {1})));
    }

    /** As {@code GatedFusion}: z = g[0] taskPart + g[1] sharedPart, g = softmax(x W) or the fixed gate. */
    private String fusion(String x, String taskPart, String sharedPart, boolean fixedGate) {
        String taskGate;
        String sharedGate;
        if (fixedGate) {
            taskGate = scalar("fixed_gate_task", FIXED_GATE[0]);
            sharedGate = scalar("fixed_gate_shared", FIXED_GATE[1]);
        } else {
            List<String> gate = split(softmax(op("MatMul", x, promptArray("gate.w"))), 2);
            taskGate = gate.get(0);
            sharedGate = gate.get(1);
        }
        return op("Add", op("Mul", taskPart, taskGate), op("Mul", sharedPart, sharedGate));
    }

    /** As {@code LayerNorm}: (u - mean) * (var + eps)^-0.5 * gamma + beta, over each row. */
    private String layerNorm(String u) {
        String centred = op("Sub", u, reduceMean(u));
        String variance = reduceMean(op("Mul", centred, centred));
        String inverseStd = op("Pow", op("Add", variance, scalar("layer_norm_epsilon", LAYER_NORM_EPSILON)),
                scalar("minus_half", -0.5f));
        return op("Add", op("Mul", op("Mul", centred, inverseStd), promptArray("projection.norm.gamma")),
                promptArray("projection.norm.beta"));
    }

    /** An encoder expert: ReLU after both layers; on an adapted task's path its first weight is W0 + A B. */
    private String expert(String x, String name) {
        // each expert once in the graph, however many terms read it
        String computed = expertOutputs.get(name);
        if (computed == null) {
            computed = expertGraph(x, name);
            expertOutputs.put(name, computed);
        }
        return computed;
    }

    private String expertGraph(String x, String name) {
        boolean adapted = prompt.metadata().stage() == 2 && prompt.metadata().tune().adapterRank() > 0;
        String firstWeight = adapted
                ? array("prompt.adapted." + name + ".0.w", prompt.adaptedFirstWeight(encoder, name))
                : encoderArray(name + ".0.w");
        String h = op("Relu", dense(x, firstWeight, encoderArray(name + ".0.b")));
        return op("Relu", dense(h, encoderArray(name + ".1.w"), encoderArray(name + ".1.b")));
    }

    /** The task's tower: ReLU between its layers, a logit out. */
    private String tower(String z) {
        String h = op("Relu", dense(z, promptArray("tower.0.w"), promptArray("tower.0.b")));
        h = op("Relu", dense(h, promptArray("tower.1.w"), promptArray("tower.1.b")));
        return dense(h, promptArray("tower.2.w"), promptArray("tower.2.b"));
    }

    private String dense(String x, String weight, String bias) {
        return op("Add", op("MatMul", x, weight), bias);
    }

    private String softmax(String logits) {
        return node("Softmax", List.of(logits), fresh("Softmax"), intAttribute("axis", 1));
    }

    private String reduceMean(String x) {
        return node("ReduceMean", List.of(x), fresh("ReduceMean"),
                Onnx.AttributeProto.newBuilder().setName("axes").setType(Onnx.AttributeProto.AttributeType.INTS).addInts(1).build(),
                intAttribute("keepdims", 1));
    }

    /** The columns of a [rows, n] tensor, each [rows, 1]. */
    private List<String> split(String x, int n) {
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            outputs.add(fresh("Split"));
        }
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Split").setName("node" + nodes++).addInput(x)
                .addAllOutput(outputs).addAttribute(intAttribute("axis", 1)));
        return outputs;
    }

    /** The stage-1 prompts P (K x D), then the shared expert's key when it is attended, transposed: the attention's keys. */
    private String transposedPrompts() {
        String name = "encoder.prompts.transposed";
        if (initializers.add(name)) {
            FloatArray p = encoder.bundle().array("prompts");
            float[] keys = p.data();
            if (prompt.metadata().stage() == 2 && prompt.metadata().tune().attendShared()) {
                float[] sharedKey = prompt.bundle().array(Stage2Head.SHARED_KEY).data();
                keys = Arrays.copyOf(keys, keys.length + sharedKey.length);
                System.arraycopy(sharedKey, 0, keys, p.data().length, sharedKey.length);
            }
            int columns = p.shape()[1];
            int rows = keys.length / columns;
            float[] t = new float[keys.length];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    t[j * rows + i] = keys[i * columns + j];
                }
            }
            graph.addInitializer(tensor(name, new long[] {columns, rows}, t));
        }
        return name;
    }

    private String promptRow() {
        String name = "prompt.prompt.row";
        if (initializers.add(name)) {
            float[] p = prompt.bundle().array("prompt").data();
            graph.addInitializer(tensor(name, new long[] {1, p.length}, p));
        }
        return name;
    }

    private String encoderArray(String name) {
        return array("encoder." + name, encoder.bundle().array(name));
    }

    private String promptArray(String name) {
        return array("prompt." + name, prompt.bundle().array(name));
    }

    private String array(String name, FloatArray a) {
        if (initializers.add(name)) {
            graph.addInitializer(tensor(name, Arrays.stream(a.shape()).asLongStream().toArray(), a.data()));
        }
        return name;
    }

    private String scalar(String name, float value) {
        return floats(name, new long[0], new float[] {value});
    }

    private String floats(String name, long[] shape, float[] values) {
        if (initializers.add(name)) {
            graph.addInitializer(tensor(name, shape, values));
        }
        return name;
    }

    private String int64s(String name, long[] values) {
        if (initializers.add(name)) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                bytes.putLong(v);
            }
            graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length)
                    .setRawData(ByteString.copyFrom(bytes.array())));
        }
        return name;
    }

    /** An initializer; values below {@link Subnormals#NEGLIGIBLE} are written as zero, as our kernel serves them. */
    private static Onnx.TensorProto tensor(String name, long[] shape, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(Subnormals.negligibleFlushed(values));
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    private String op(String type, String... inputs) {
        return node(type, List.of(inputs), fresh(type));
    }

    private String node(String type, List<String> inputs, String output, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(type).setName("node" + nodes++)
                .addAllInput(inputs).addOutput(output);
        for (Onnx.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    private String fresh(String type) {
        return type.toLowerCase(Locale.ROOT) + "_" + values++;
    }

    private static Onnx.AttributeProto intAttribute(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static Onnx.ValueInfoProto input(String name, int type, int columns, String doc) {
        return Onnx.ValueInfoProto.newBuilder().setName(name).setDocString(doc).setType(tensorType(type, columns)).build();
    }

    /** A [N, columns] tensor type, N free. */
    private static Onnx.TypeProto tensorType(int type, int columns) {
        return Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type)
                .setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(columns)))).build();
    }

    private static Onnx.StringStringEntryProto property(String key, String value) {
        return Onnx.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
