package io.mptrec.model.scoring;

import io.mptrec.model.artifact.EncoderArtifact;
import io.mptrec.model.artifact.TaskPromptArtifact;
import io.mptrec.model.data.EncodedRows;
import io.mptrec.model.data.RawEncoder;
import io.mptrec.model.inference.InferenceKernel;
import java.util.List;
import java.util.Map;

/**
 * Scores rows for one task with one encoder and one task prompt. Immutable and thread-safe: one instance
 * serves every request for that version, each pass on its caller's thread. It runs only the experts that task's
 * head uses.
 *
 * <p>Passes run in {@link InferenceKernel} (Java arrays, the larger matrix products in OpenBLAS on those arrays), not
 * in ND4J: a pass then registers no native buffer and the collector can free nothing a pass still reads. The ND4J
 * heads did both (about 130 native buffers per pass, whose bookkeeping lived on the heap until a collection), and
 * under many threads and frequent collections ND4J 1.0.0-M2.1 crashed the JVM (SIGSEGV in {@code execBroadcast}: the
 * collector freed a buffer that ND4J's executioner had made and dropped inside the call), which had kept every pass
 * on one thread. {@code ScorerConcurrencyTests} is the check, and its forced-collection soak the proof.
 */
public final class Scorer {

    private final EncoderArtifact encoder;
    private final TaskPromptArtifact prompt;
    private final InferenceKernel kernel;
    private final RawEncoder raw;

    public Scorer(EncoderArtifact encoder, TaskPromptArtifact prompt) {
        this.encoder = encoder;
        this.prompt = prompt;
        this.kernel = InferenceKernel.of(encoder, prompt);
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
        return kernel.probabilities(rows);
    }
}
