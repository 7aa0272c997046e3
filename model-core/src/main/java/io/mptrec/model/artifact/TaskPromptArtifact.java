package io.mptrec.model.artifact;

import io.mptrec.model.network.ExpertAdapter;
import io.mptrec.model.network.ModelConfig;
import io.mptrec.model.network.Stage1Head;
import io.mptrec.model.network.Stage2Head;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.network.TuneConfig;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One task prompt: everything a task trains on top of the encoder (prompt vector, gate, tower, and for stage-2
 * prompts the projection). The unit the registry versions, approves, releases and rolls back.
 */
public final class TaskPromptArtifact {

    public static final String KIND = "task-prompt";

    private final ArtifactBundle bundle;
    private final TaskPromptMetadata metadata;

    private TaskPromptArtifact(ArtifactBundle bundle) {
        if (!KIND.equals(bundle.kind())) {
            throw new ArtifactException("expected a task-prompt artifact, found a " + bundle.kind() + " artifact");
        }
        this.bundle = bundle;
        this.metadata = bundle.metadata(TaskPromptMetadata.class);
        if (metadata.task() == null || metadata.task().isBlank()) {
            throw new ArtifactException("task-prompt artifact " + bundle.shortHash() + " names no task");
        }
        if (metadata.stage() == 1 ? metadata.taskIndex() == null : metadata.stage() != 2 || metadata.tune() == null) {
            throw new ArtifactException("task-prompt artifact " + bundle.shortHash()
                    + ": stage must be 1 (with a task index) or 2 (with a tune configuration)");
        }
        if (metadata.encoderSha256() == null) {
            throw new ArtifactException("task-prompt artifact " + bundle.shortHash() + " names no encoder");
        }
    }

    public static TaskPromptArtifact of(TaskPromptMetadata metadata, Map<String, INDArray> arrays) {
        return new TaskPromptArtifact(ArtifactBundle.of(KIND, metadata, Arrays.toStored(arrays)));
    }

    public static TaskPromptArtifact from(ArtifactBundle bundle) {
        return new TaskPromptArtifact(bundle);
    }

    public static TaskPromptArtifact read(Path path) {
        return from(ArtifactBundle.read(path));
    }

    public ArtifactBundle bundle() {
        return bundle;
    }

    public TaskPromptMetadata metadata() {
        return metadata;
    }

    public String task() {
        return metadata.task();
    }

    public String contentSha256() {
        return bundle.contentSha256();
    }

    /** Trainable parameter count (the whole task prompt is trained). */
    public long parameterCount() {
        return bundle.arrays().values().stream().mapToLong(a -> a.data().length).sum();
    }

    /**
     * Refuses a prompt that does not belong to {@code encoder} or whose arrays do not fit it, with the reason.
     */
    public void checkFits(EncoderArtifact encoder) {
        if (!metadata.encoderSha256().equals(encoder.contentSha256())) {
            throw new ArtifactException("task prompt " + bundle.shortHash() + " for task " + task()
                    + " was trained against encoder " + metadata.encoderSha256() + ", not " + encoder.contentSha256());
        }
        ModelConfig c = encoder.metadata().config();
        int inputWidth = encoder.encoder().inputWidth();
        int d = c.expertOutput();
        // the manifest's declared widths are what tools and readers see first: they must be the arrays' own
        if (metadata.inputWidth() != inputWidth || metadata.promptWidth() != d) {
            throw new ArtifactException("task prompt " + bundle.shortHash() + " declares inputWidth "
                    + metadata.inputWidth() + " and promptWidth " + metadata.promptWidth() + "; its encoder has input "
                    + "width " + inputWidth + " and prompt width " + d);
        }
        Arrays.requireShape(bundle, "prompt", d);
        int[] widths = {d, c.towerHidden1(), c.towerHidden2(), 1};
        for (int i = 0; i < 3; i++) {
            Arrays.requireShape(bundle, "tower." + i + ".w", widths[i], widths[i + 1]);
            Arrays.requireShape(bundle, "tower." + i + ".b", widths[i + 1]);
        }
        if (metadata.stage() == 1) {
            int k = metadata.taskIndex();
            if (k < 0 || k >= encoder.metadata().tasks().size()) {
                throw new ArtifactException("task prompt " + bundle.shortHash() + " uses expert " + k + "; the encoder has "
                        + encoder.metadata().tasks().size());
            }
            Arrays.requireShape(bundle, "gate.w", inputWidth, 2);
            return;
        }
        TuneConfig tune = metadata.tune();
        if (!tune.fixedGate()) {
            Arrays.requireShape(bundle, "gate.w", inputWidth, 2);
        }
        if (tune.fusion() == TuneConfig.Fusion.ATTENTION) {
            Arrays.requireShape(bundle, "projection.0.w", inputWidth, d / 2);
            Arrays.requireShape(bundle, "projection.1.w", d / 2, d);
            Arrays.requireShape(bundle, "projection.norm.gamma", d);
            Arrays.requireShape(bundle, "projection.norm.beta", d);
        }
        if (d % tune.promptTokens() != 0) {
            throw new ArtifactException("task prompt " + bundle.shortHash() + " reads its prompt as "
                    + tune.promptTokens() + " tokens, which do not divide its width " + d);
        }
        if (tune.attendShared()) {
            Arrays.requireShape(bundle, Stage2Head.SHARED_KEY, d);
        }
        if (tune.adapterRank() > 0) {
            for (String expert : Stage2Head.expertNames(encoder.metadata().tasks().size())) {
                Arrays.requireShape(bundle, ExpertAdapter.downName(expert), inputWidth, tune.adapterRank());
                Arrays.requireShape(bundle, ExpertAdapter.upName(expert), tune.adapterRank(), c.expertHidden());
            }
        }
        if (tune.queryResidual()) {
            Arrays.requireShape(bundle, Stage2Head.QUERY_RESIDUAL, d);
        }
        if (tune.wide()) {
            Arrays.requireShape(bundle, Stage2Head.WIDE, java.util.Arrays.stream(encoder.vocabularySizes()).sum());
        }
    }

    /**
     * W0 + A B, summed in double: the first-layer weight expert {@code expertName} amounts to on this prompt's path when
     * it has a low-rank adapter ({@code TuneConfig#adapterRank}), for engines that serve it as a plain expert (the
     * inference kernel, the ONNX export). Scores differ from the training path's x W0 + (x A) B by float rounding only.
     */
    public FloatArray adaptedFirstWeight(EncoderArtifact encoder, String expertName) {
        FloatArray w = encoder.bundle().array(expertName + ".0.w");
        FloatArray a = bundle.array(ExpertAdapter.downName(expertName));
        FloatArray b = bundle.array(ExpertAdapter.upName(expertName));
        int inputs = w.shape()[0];
        int outputs = w.shape()[1];
        int rank = a.shape()[1];
        float[] merged = new float[inputs * outputs];
        for (int i = 0; i < inputs; i++) {
            for (int j = 0; j < outputs; j++) {
                double sum = w.data()[i * outputs + j];
                for (int r = 0; r < rank; r++) {
                    sum += (double) a.data()[i * rank + r] * b.data()[r * outputs + j];
                }
                merged[i * outputs + j] = (float) sum;
            }
        }
        return new FloatArray(new int[] {inputs, outputs}, merged);
    }

    /** The frozen head, after {@link #checkFits}; immutable and safe to share between threads. */
    public TaskHead head(EncoderArtifact encoder) {
        checkFits(encoder);
        Map<String, INDArray> arrays = Arrays.toNd4j(bundle.arrays());
        return metadata.stage() == 1
                ? Stage1Head.frozen(metadata.taskIndex(), arrays)
                : Stage2Head.frozen(metadata.tune(), encoder.encoder(), arrays);
    }
}
