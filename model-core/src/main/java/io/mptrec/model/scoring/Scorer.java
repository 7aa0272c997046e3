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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Scores rows for one task with one encoder and one task prompt. Immutable and thread-safe: one instance
 * serves every request for that version. It runs only the experts that task's head uses.
 *
 * <p>Every forward pass runs on one thread of its own ({@code mptrec-forward-pass}); callers hand it over and wait.
 * ND4J 1.0.0-M2.1 can crash the JVM (SIGSEGV in {@code execBroadcast}, a native buffer already freed) when forward
 * passes run on many threads while the collector runs often. {@code ScorerConcurrencyTests} reproduces it: 16
 * threads crashed within seconds with a collection forced every 10 ms, and did so even when their passes were
 * serialised by a lock; one or two threads ran clean under the same collections. So the passes are not only
 * serialised but kept on one thread. On two cores this costs no throughput (the benchmark's serving figures); the
 * hand-over costs microseconds. Encoding the raw values stays on the caller's thread.
 */
public final class Scorer {

    /** The one thread that runs every ND4J forward pass of every scorer in the process. */
    private static final ExecutorService FORWARD_PASS = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "mptrec-forward-pass");
        thread.setDaemon(true);
        return thread;
    });

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
        Future<float[]> scores = FORWARD_PASS.submit(() -> {
            EncoderPass pass = new EncoderPass(encoder.encoder(), encoder.encoder().input(rows));
            return FloatVectors.of(Transforms.sigmoid(head.forward(pass).logits(), false));
        });
        try {
            return scores.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the forward pass", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("the forward pass failed", e.getCause());
        }
    }
}
