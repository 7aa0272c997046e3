package io.mptrec.model.scoring;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.RawEncoder;
import io.mptrec.model.network.EncoderPass;
import io.mptrec.model.network.TaskHead;
import io.mptrec.model.nn.FloatVectors;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Scores rows for one task with one encoder and one task prompt. Immutable and thread-safe: one instance
 * serves every request for that version. It runs only the experts that task's head uses.
 *
 * <p>One forward pass at a time in the process. ND4J 1.0.0-M2.1 can crash the JVM (SIGSEGV in {@code execBroadcast},
 * a native buffer already freed) when threads run forward passes while the collector runs often: 16 unserialised
 * threads crashed within 90 s; serialised, they ran 120 s clean. Serialising narrows the window without closing it
 * (with a forced collection every 10 ms it still crashed; {@code ScorerConcurrencyTests} reproduces both), and costs
 * nothing on two cores. Encoding the raw values stays outside the lock.
 */
public final class Scorer {

    /** Guards every ND4J forward pass of every scorer (the crash is in ND4J's shared state, not in one model's). */
    private static final Object FORWARD_PASS = new Object();

    private final EncoderArtifact encoder;
    private final TaskPromptArtifact prompt;
    private final TaskHead head;
    private final RawEncoder raw;

    public Scorer(EncoderArtifact encoder, TaskPromptArtifact prompt) {
        this.encoder = encoder;
        this.prompt = prompt;
        this.head = prompt.head(encoder);
        this.raw = new RawEncoder(encoder.metadata().transform());
    }

    public EncoderArtifact encoder() {
        return encoder;
    }

    public TaskPromptArtifact prompt() {
        return prompt;
    }

    /**
     * Probabilities for rows of raw column values (as in the data file); an unparsable number fails with an
     * IllegalArgumentException naming the row and column.
     */
    public float[] score(List<Map<String, String>> rows) {
        return score(raw.encodeRows(rows));
    }

    /** Probabilities for column-major raw values (see {@link RawEncoder#encodeColumns}). */
    public float[] scoreColumns(Map<String, List<String>> columns) {
        return score(raw.encodeColumns(columns));
    }

    public float[] score(EncodedRows rows) {
        if (rows.rows() == 0) {
            return new float[0];
        }
        synchronized (FORWARD_PASS) {
            EncoderPass pass = new EncoderPass(encoder.encoder(), encoder.encoder().input(rows));
            return FloatVectors.of(Transforms.sigmoid(head.forward(pass).logits(), false));
        }
    }
}
