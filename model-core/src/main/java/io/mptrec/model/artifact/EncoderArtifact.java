package io.mptrec.model.artifact;

import io.mptrec.model.data.FeatureTransform;
import io.mptrec.model.network.Encoder;
import io.mptrec.model.network.ModelConfig;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The frozen encoder after stage 1: embeddings, the shared and task-specific experts, the stage-1 prompts
 * (stage 2's attention keys), the feature transform and the configuration. Identified by its content hash.
 */
public final class EncoderArtifact {

    public static final String KIND = "encoder";

    private final ArtifactBundle bundle;
    private final EncoderMetadata metadata;
    private final Encoder encoder;

    private EncoderArtifact(ArtifactBundle bundle) {
        if (!KIND.equals(bundle.kind())) {
            throw new ArtifactException("expected an encoder artifact, found a " + bundle.kind() + " artifact");
        }
        this.bundle = bundle;
        this.metadata = bundle.metadata(EncoderMetadata.class);
        checkShapes();
        ModelConfig c = metadata.config();
        this.encoder = Encoder.frozen(c, metadata.transform().numericWidth(), vocabularySizes(),
                metadata.tasks().size(), Arrays.toNd4j(bundle.arrays()));
    }

    public static EncoderArtifact of(EncoderMetadata metadata, Map<String, INDArray> arrays) {
        return new EncoderArtifact(ArtifactBundle.of(KIND, metadata, Arrays.toStored(arrays)));
    }

    public static EncoderArtifact from(ArtifactBundle bundle) {
        return new EncoderArtifact(bundle);
    }

    public static EncoderArtifact read(Path path) {
        return from(ArtifactBundle.read(path));
    }

    public ArtifactBundle bundle() {
        return bundle;
    }

    public EncoderMetadata metadata() {
        return metadata;
    }

    /** The frozen encoder, built once; it is immutable and safe to share between threads. */
    public Encoder encoder() {
        return encoder;
    }

    public String contentSha256() {
        return bundle.contentSha256();
    }

    public int taskIndex(String task) {
        return metadata.tasks().indexOf(task);
    }

    /**
     * Embedding-table rows per categorical field as this artifact stores them: {@link FeatureTransform#embeddingRows()},
     * or, in artifacts written before that count was fixed, one more row per field. That extra row (the last of each
     * field) no vocabulary index reaches, so both layouts score the same; older artifacts keep their content hash and
     * their outputs. The embedding lookup's offsets add these up; a table that fits neither layout is refused when the
     * artifact is read.
     */
    public int[] vocabularySizes() {
        int[] rows = metadata.transform().embeddingRows();
        FloatArray table = bundle.arrays().get(Encoder.EMBEDDINGS);
        long stored = table == null || table.shape().length == 0 ? -1 : table.shape()[0];
        long compact = java.util.Arrays.stream(rows).sum();
        if (stored == compact + rows.length) {
            return java.util.Arrays.stream(rows).map(n -> n + 1).toArray();
        }
        return rows;
    }

    private void checkShapes() {
        ModelConfig c = metadata.config();
        int inputWidth = metadata.transform().inputWidth(c.embeddingDim());
        int vocabulary = java.util.Arrays.stream(vocabularySizes()).sum();
        Arrays.requireShape(bundle, Encoder.EMBEDDINGS, vocabulary, c.embeddingDim());
        Arrays.requireShape(bundle, Encoder.PROMPTS, metadata.tasks().size(), c.expertOutput());
        for (int k = -1; k < metadata.tasks().size(); k++) {
            String name = k < 0 ? "expert.shared" : "expert." + k;
            Arrays.requireShape(bundle, name + ".0.w", inputWidth, c.expertHidden());
            Arrays.requireShape(bundle, name + ".0.b", c.expertHidden());
            Arrays.requireShape(bundle, name + ".1.w", c.expertHidden(), c.expertOutput());
            Arrays.requireShape(bundle, name + ".1.b", c.expertOutput());
        }
        if (metadata.labelExpressions().size() != metadata.tasks().size()) {
            throw new ArtifactException("encoder artifact " + bundle.shortHash() + ": one label expression per task expected");
        }
    }
}
